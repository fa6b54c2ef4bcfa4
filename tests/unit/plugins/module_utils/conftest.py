# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures for the module_utils unit tests; the shared fakes are in ``fakes.py``."""

import pytest
import requests


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Make any real HTTP request through ``requests`` fail the test."""
    def forbidden(*args, **kwargs):
        raise AssertionError('a real HTTP request was attempted')
    monkeypatch.setattr(requests.Session, 'request', forbidden)
