# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""2, 3. API keys (acedata_credential) under lost answers and concurrent runs.

A create whose answer is lost must leave one key, never two; a rotation whose answer is lost must
not rotate again (the token read afterwards says it went through); the replacement of a key where
the platform has no rotate route must leave one key of the name. The platform does not refuse a
second key of one name, so concurrent runs creating the same key can each make one: after its
create, each run lists the keys of the name again, keeps the oldest and deletes its own when it
lost, so that the runs end with one key, the same one for all of them.
"""

from __future__ import annotations

import time

import pytest

from emulator import seed as S
from reliability_support import (
    ACEDATA_ERROR,
    acedata_connection,
    assert_no_traceback,
    run_module,
    task,
)

MODULE = 'apiops.provisioning.acedata_credential'
MIDJOURNEY = S.DEFAULT_SEED['acedata']['services'][0]['id']
KEY = dict(service='midjourney', name='rel-key')
LOSSES = {
    '503': dict(status=503, body=ACEDATA_ERROR),
    'reset': dict(action='reset'),
    'timeout': dict(action='timeout', delay=2.5),
    'html': dict(action='html'),
}


def credential_main():
    from ansible_collections.apiops.provisioning.plugins.modules import acedata_credential
    return acedata_credential.main


def seed_application(emulator, **key):
    """The midjourney application, without the unnamed key (and with ``key`` when given)."""
    emulator.seed({'acedata': {'applications': [{'service_id': MIDJOURNEY, 'credentials': [key] if key else []}]}})


def keys_named(emulator, name):
    return [cred for cred in emulator.state()['acedata']['credentials'] if cred['name'] == name]


def run(emulator, **args):
    result, crash = run_module(credential_main(), acedata_connection(emulator.url, timeout=1.0, **dict(KEY, **args)))
    assert crash is None, repr(crash)
    return result


@pytest.mark.parametrize('how', sorted(LOSSES))
def test_lost_create_answer_makes_one_key(how, emulator, ledger, in_process):  # pylint: disable=unused-argument
    seed_application(emulator)
    emulator.fault('acedata', 'POST', '/api/v1/credentials/$', after=True, **LOSSES[how])
    with ledger.attempt(2, 'create key, %s after apply' % how, 'acedata'):
        result = run(emulator, limited_amount=5)
        keys = keys_named(emulator, 'rel-key')
        assert not result.get('failed'), result.get('msg')
        assert result['changed'] is True and len(keys) == 1
        assert result['credential']['id'] == keys[0]['id'] and keys[0]['limited_amount'] == 5
        assert [f['hits'] for f in emulator.faults()] == [1]


def logged_rotations(emulator, since):
    """The rotate requests logged after ``since``; a request the emulator held (the timeout
    fault) is logged only once its delay has passed, so the log is read until it shows one."""
    for _attempt in range(50):
        rotations = [r for r in emulator.requests(since) if r['path'].endswith('/rotate/')]
        if rotations:
            return rotations
        time.sleep(0.1)
    return []


@pytest.mark.parametrize('how', sorted(LOSSES))
def test_lost_rotate_answer_rotates_once(how, emulator, ledger, in_process):  # pylint: disable=unused-argument
    seed_application(emulator, name='rel-key', token='sk-rel-old-token-00000000000000000')
    emulator.fault('acedata', 'POST', '/rotate/$', after=True, **LOSSES[how])
    before = emulator.last_seq()
    with ledger.attempt(2, 'rotate key, %s after apply' % how, 'acedata'):
        result = run(emulator, rotate=True)
        [key] = keys_named(emulator, 'rel-key')
        rotations = logged_rotations(emulator, before)
        assert not result.get('failed'), result.get('msg')
        assert result['changed'] is True and key['token'] != 'sk-rel-old-token-00000000000000000'
        assert len(rotations) == 1, rotations  # never a second rotation
        assert result['credential']['token'] == '********' + key['token'][-4:]


def test_lost_answer_while_replacing_a_key_leaves_one(emulator, ledger, in_process):  # pylint: disable=unused-argument
    """No rotate route (reading rotate_recreate) and the new key's create answer lost: the key of our
    name other than the old one is the new one; the old one is deleted; one key is left."""
    seed_application(emulator, name='rel-key', token='sk-rel-old-token-00000000000000000')
    old = keys_named(emulator, 'rel-key')[0]['id']
    emulator.readings(['rotate_recreate'])
    emulator.fault('acedata', 'POST', '/api/v1/credentials/$', after=True, **LOSSES['503'])
    with ledger.attempt(2, 'replace key (no rotate route), 503 after the create', 'acedata'):
        result = run(emulator, rotate=True)
        keys = keys_named(emulator, 'rel-key')
        assert not result.get('failed'), result.get('msg')
        assert len(keys) == 1 and keys[0]['id'] != old and result['credential']['id'] == keys[0]['id']


def test_concurrent_runs_of_one_key(emulator, runner, ledger):
    """Four runs create the same key at once (with latency, so that their lookups and creates
    interleave). Each succeeds, and they end with one key of the name: each lists the keys of the
    name after its create, keeps the oldest, and deletes its own when it lost (0 duplicates)."""
    seed_application(emulator)
    emulator.config(latency_ms=100)
    defaults = {'acedata': acedata_connection(emulator.url)}
    tasks = [task('create', MODULE, dict(KEY, limited_amount=5), ignore_errors=False)]
    runs = [one.wait() for one in [runner.start(tasks, defaults=defaults, snapshots=False) for _index in range(4)]]
    emulator.config(latency_ms=0)
    with ledger.attempt(3, 'four runs create one key', 'acedata'):
        for one in runs:
            assert_no_traceback(one)
            assert one.returncode == 0, one.describe()
        keys = keys_named(emulator, 'rel-key')
        assert len(keys) == 1, keys
        # A run that created reports the key kept (a run whose lookup found a rival's key just before
        # its creator deleted it reports that one: it did not write).
        assert keys[0]['id'] in set(one.result('create')['credential']['id'] for one in runs)
        again = run(emulator, limited_amount=5)
        assert not again.get('failed') and again['changed'] is False
        gone = run(emulator, state='absent')
        assert gone['changed'] is True and keys_named(emulator, 'rel-key') == []
