# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The groups the integration targets play the emulator's readings in (``READING_GROUPS``)."""

from __future__ import annotations

import itertools

import pytest
import requests

from emulator.core import CONFLICTS, READING_GROUPS, READINGS, BackgroundServer


def test_every_reading_is_played_in_exactly_one_group():
    played = [name for group in READING_GROUPS for name in group]
    assert sorted(played) == sorted(READINGS)


@pytest.mark.parametrize('group', READING_GROUPS, ids='+'.join)
def test_no_group_plays_two_answers_to_one_question(group):
    assert [pair for pair in itertools.combinations(sorted(group), 2)
            if pair in CONFLICTS or pair[::-1] in CONFLICTS] == []


def test_conflicts_name_known_readings():
    assert set(itertools.chain.from_iterable(CONFLICTS)) <= set(READINGS)


@pytest.mark.parametrize('group', READING_GROUPS, ids='+'.join)
def test_the_emulator_plays_a_group_at_once(group):
    with BackgroundServer() as server:
        answer = requests.post(server.url + '/_emulator/readings', json={'readings': list(group)}, timeout=10)
        assert answer.status_code == 200
        assert answer.json()['readings'] == sorted(group)
        assert all(server.emulator.reading(name) for name in group)
