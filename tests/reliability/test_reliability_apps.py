# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""2 and 3 for apig_app: ambiguous writes (the gateway applies a write and the answer is lost) and
races of runs that create the same app.

A create whose answer is lost must not create a second app; an authorization whose answer is lost
must leave exactly one authorization per API; concurrent runs converge on one app, authorized once.
"""

from __future__ import annotations

import pytest

from emulator.client import EmulatorClient
from reliability_support import (
    APIG_ERROR,
    apig_connection,
    assert_faults_spent,
    assert_no_traceback,
    assert_succeeded,
    fault,
    faulted,
    run_module,
    task,
)

APP_MODULE = 'apiops.provisioning.apig_app'
TIMEOUT = 1.0
APPS = '/apps$'
AUTHS = '/app-auths$'
SECRET = '/apps/secret/[0-9a-f]{32}$'
NAME_TAKEN = {'error_code': 'APIG.3310', 'error_msg': 'The app name already exists'}
LOSSES = {
    '503': dict(status=503, body=APIG_ERROR),
    'reset': dict(action='reset'),
    'timeout': dict(action='timeout', delay=2.5),
    'malformed': dict(action='malformed', status=201),
    'html': dict(action='html'),
}


def lost(method, path, how):
    return fault('apig', method, path, after=True, **LOSSES[how])


# case -> (what the task does, the faults just before it)
CASES = dict(('create app, %s after apply' % how, ('create', [lost('POST', APPS, how)])) for how in LOSSES)
CASES['create app, APIG.3310 after apply (lost create race)'] = (
    'create', [fault('apig', 'POST', APPS, status=400, body=NAME_TAKEN, after=True)])
CASES.update(('authorize, %s after apply' % how, ('authorize', [lost('POST', AUTHS, how)]))
             for how in ('503', 'reset', 'timeout', 'html'))
CASES['reset secret, 503 after apply'] = ('reset', [lost('PUT', SECRET, '503')])


def apps_named(state, name):
    return [app for app in state['apig']['apps'] if app['name'] == name]


def auths_of(state, name):
    return sorted(auth['api_name'] for auth in state['apig']['auths'] if auth['app_name'] == name)


@pytest.fixture(scope='module')
def ambiguous_apps(emulator_server, runner):
    """Every case in one playbook, each on an app of its own."""
    emulator = EmulatorClient(emulator_server.url)
    emulator.reset()
    tasks, steps, seeded = [], {}, []
    for index, (case, (kind, faults)) in enumerate(CASES.items()):
        name = 'amb_app_%d' % index
        if kind != 'create':
            seeded.append({'name': name})
        args = {'create': dict(apis=['mj_imagine']), 'authorize': dict(apis=['mj_imagine', 'mj_fetch']),
                'reset': dict(reset_secret=True)}[kind]
        tasks.append(task(case, APP_MODULE, dict(args, name=name, timeout=TIMEOUT)))
        steps[case] = faults
    emulator.seed({'apig': {'apps': seeded}})
    run = runner.run(tasks, emulator=emulator.url, steps=steps, defaults={'huaweicloud': apig_connection(emulator.url)})
    return run, dict((case, ('amb_app_%d' % index, kind)) for index, (case, (kind, _faults)) in enumerate(CASES.items()))


@pytest.mark.parametrize('case', list(CASES))
def test_ambiguous_app_write(case, ambiguous_apps, ledger):
    run, expected = ambiguous_apps
    name, kind = expected[case]
    record = run.record(case)
    with ledger.attempt(2, case, 'APIG') as attempt:
        state = record['state']
        attempt.duplicates(state)
        assert_no_traceback(run)
        assert_succeeded(record, changed=True)
        assert_faults_spent(record)
        assert faulted(record)
        apps = apps_named(state, name)
        assert len(apps) == 1, ('one app, never two', apps)
        result = record['result']['app']
        assert result['id'] == apps[0]['id']
        if kind == 'create':
            assert auths_of(state, name) == ['mj_imagine']
            assert [api['name'] for api in result['authorized_apis']] == ['mj_imagine']
        elif kind == 'authorize':
            assert auths_of(state, name) == ['mj_fetch', 'mj_imagine']
            assert sorted(api['name'] for api in result['authorized_apis']) == ['mj_fetch', 'mj_imagine']
        creates = [entry for entry in record['requests'] if entry['method'] == 'POST' and entry['path'].endswith('/apps')]
        assert len([entry for entry in creates if 201 in (entry['status'], entry.get('applied_status'))]) <= 1, creates


# ---------------------------------------------------------------------------------------------
# Races
# ---------------------------------------------------------------------------------------------
RUNS = 3


def test_concurrent_runs_create_one_app(emulator, runner, ledger):
    emulator.config(latency_ms=100)
    tasks = [task('app', APP_MODULE, dict(name='race_app', remark='Race', apis=['mj_imagine', 'suno_generate']))]
    defaults = {'huaweicloud': apig_connection(emulator.url)}
    pending = [runner.start(tasks, defaults=defaults, snapshots=False) for _index in range(RUNS)]
    runs = [one.wait() for one in pending]
    state = emulator.state()
    for index, run in enumerate(runs):
        with ledger.attempt(3, '%d concurrent runs: create the same app with authorizations' % RUNS, 'APIG') as attempt:
            if index == 0:
                attempt.duplicates(state)
                assert len(apps_named(state, 'race_app')) == 1, apps_named(state, 'race_app')
                assert auths_of(state, 'race_app') == ['mj_imagine', 'suno_generate']
                assert sum(r.record('app')['result']['changed'] for r in runs) >= 1
            assert_no_traceback(run)
            record = run.record('app')
            assert record['status'] == 'ok', record['result'].get('msg')
            assert run.returncode == 0, run.describe()


def test_competitor_creates_the_app_between_lookup_and_create(emulator, interleave, ledger):
    """Replayed in this process: a concurrent run creates the app just before our POST, which is refused."""
    from ansible_collections.apiops.provisioning.plugins.modules import apig_app

    interleave('POST', '/apps', lambda: emulator.seed({'apig': {'apps': [{'name': 'race_app', 'remark': 'Theirs'}]}}))
    result, crash = run_module(apig_app.main, dict(apig_connection(emulator.url), name='race_app', remark='Ours',
                                                   apis=['mj_imagine']))
    state = emulator.state()
    with ledger.attempt(3, 'replayed: competitor creates the app between our lookup and our create', 'APIG') as attempt:
        attempt.duplicates(state)
        assert crash is None and not result.get('failed'), (crash, result.get('msg'))
        apps = apps_named(state, 'race_app')
        assert len(apps) == 1 and apps[0]['remark'] == 'Ours', apps
        assert result['changed'] is True and result['app']['id'] == apps[0]['id']
        assert auths_of(state, 'race_app') == ['mj_imagine']
