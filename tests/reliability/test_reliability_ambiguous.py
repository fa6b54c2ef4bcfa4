# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""2. Ambiguous writes: the API applies a write and the answer is lost (5xx, reset, timeout, garbage).

The run must succeed and leave exactly one quota, one application, one binding per app: never
a duplicate. An ``after: true`` fault that answers with the error a concurrent run would get
(APIG.3325, ``duplication``, APIG.2012 on a bind) replays a lost race deterministically.
"""

from __future__ import annotations

import uuid

import pytest

from emulator.client import EmulatorClient
from reliability_support import (
    ACEDATA_ERROR,
    APIG_ERROR,
    APPLICATION_MODULE,
    QUOTA_MODULE,
    acedata_connection,
    apig_connection,
    assert_faults_spent,
    assert_no_traceback,
    assert_succeeded,
    bound_names,
    fault,
    faulted,
    known_bug,
    quotas_named,
    task,
)

TIMEOUT = 1.0
QUOTA_LIST = '/app-quotas$'
QUOTA_ONE = '/app-quotas/[0-9a-f]{32}$'
BIND = '/binding-apps$'
UNBIND = '/bound-apps/[0-9a-f]{32}$'
APPLICATIONS = '/api/v1/applications/$'
UPDATE_FLAG = '/update-allow-consume-global/$'
DUPLICATION = {'detail': 'Application already exists.', 'code': 'duplication'}
NAME_TAKEN = {'error_code': 'APIG.3325', 'error_msg': 'The API quota name already exists'}
APPS_INVALID = {'error_code': 'APIG.2012',
                'error_msg': 'Invalid parameter value,parameterName:app_ids. Please refer to the support documentation'}

# How the answer to an applied write is lost.
LOSSES = {
    '503': dict(status=503),
    'reset': dict(action='reset'),
    'timeout': dict(action='timeout', delay=2.5),
    'malformed': dict(action='malformed'),
    'html': dict(action='html'),
}


def lost(api, method, path, how, success=201):
    spec = dict(LOSSES[how], after=True)
    if spec.get('action', 'status') == 'status':
        spec['body'] = APIG_ERROR if api == 'apig' else ACEDATA_ERROR
    if spec.get('action') == 'malformed':
        spec['status'] = success
    return fault(api, method, path, **spec)


def replay(api, method, path, status, body):
    """The answer a concurrent run gets, after our own write was applied: a lost race, replayed."""
    return fault(api, method, path, status=status, body=body, after=True)


# case -> (kind of check, faults). Quota cases create 'ra_<n>' with two fresh apps; bind cases
# start from a seeded quota without bindings; application cases use a service of their own.
QUOTA_CASES = dict(('create quota, %s after apply' % how, [lost('apig', 'POST', QUOTA_LIST, how)]) for how in LOSSES)
QUOTA_CASES['create quota, APIG.3325 after apply (lost create race)'] = [replay('apig', 'POST', QUOTA_LIST, 400, NAME_TAKEN)]
BIND_CASES = dict(('bind apps, %s after apply' % how, [lost('apig', 'POST', BIND, how)]) for how in ('503', 'reset', 'timeout', 'html'))
BIND_CASES['bind apps, APIG.2012 after apply (lost bind race)'] = [replay('apig', 'POST', BIND, 400, APPS_INVALID)]
OTHER_APIG_CASES = {
    'update quota, 500 after apply': ('update', [lost('apig', 'PUT', QUOTA_ONE, '503', 200)]),
    'update quota, reset after apply': ('update', [lost('apig', 'PUT', QUOTA_ONE, 'reset', 200)]),
    'delete quota, 503 after apply': ('delete', [lost('apig', 'DELETE', QUOTA_ONE, '503', 204)]),
    'delete quota, timeout after apply': ('delete', [lost('apig', 'DELETE', QUOTA_ONE, 'timeout', 204)]),
    'unbind app (purge_apps), 503 after apply': ('purge', [lost('apig', 'DELETE', UNBIND, '503', 204)]),
    'unbind app (purge_apps), reset after apply': ('purge', [lost('apig', 'DELETE', UNBIND, 'reset', 204)]),
}
APPLICATION_CASES = dict(('create application, %s after apply' % how, [lost('acedata', 'POST', APPLICATIONS, how)])
                         for how in LOSSES)
APPLICATION_CASES['create application, duplication after apply (lost create race)'] = [
    replay('acedata', 'POST', APPLICATIONS, 400, DUPLICATION)]
FLAG_CASES = {
    'update allow_consume_global, 503 before apply': [fault('acedata', 'POST', UPDATE_FLAG, status=503, body=ACEDATA_ERROR)],
    'update allow_consume_global, 503 after apply': [lost('acedata', 'POST', UPDATE_FLAG, '503', 200)],
    'update allow_consume_global, reset after apply': [lost('acedata', 'POST', UPDATE_FLAG, 'reset', 200)],
}
BUGS = {'bind apps, APIG.2012 after apply (lost bind race)': 'B2'}
BUGS.update(dict((case, 'B6') for case in FLAG_CASES))


def hex_id():
    return uuid.uuid4().hex


def params(cases):
    return [pytest.param(case, marks=known_bug(BUGS[case])) if case in BUGS else case for case in cases]


@pytest.fixture(scope='module')
def ambiguous_run(emulator_server, runner):
    """Every case in one playbook, each on objects of its own."""
    emulator = EmulatorClient(emulator_server.url)
    emulator.reset()
    apps, quotas, bindings, services = [], [], [], []
    tasks, steps, expected = [], {}, {}

    def new_app():
        app = {'id': hex_id(), 'name': 'amb_app_%d' % len(apps)}
        apps.append(app)
        return app

    for index, (case, faults) in enumerate(list(QUOTA_CASES.items()) + list(BIND_CASES.items())):
        pair = [new_app(), new_app()]
        name = 'ra_%d' % index
        if case in BIND_CASES:
            quotas.append({'app_quota_id': hex_id(), 'name': name, 'call_limits': 5, 'time_unit': 'DAY', 'time_interval': 1})
        tasks.append(task(case, QUOTA_MODULE, dict(name=name, call_limits=5, time_unit='DAY', time_interval=1,
                                                   apps=[app['name'] for app in pair], timeout=TIMEOUT)))
        steps[case] = faults
        expected[case] = ('quota', name, sorted(app['name'] for app in pair))
    for index, (case, (kind, faults)) in enumerate(OTHER_APIG_CASES.items()):
        quota_id, name, pair = hex_id(), 'rb_%d' % index, [new_app(), new_app()]
        quotas.append({'app_quota_id': quota_id, 'name': name, 'call_limits': 5, 'time_unit': 'DAY', 'time_interval': 1})
        bindings.extend({'app_id': app['id'], 'app_quota_id': quota_id} for app in pair)
        args = {'update': dict(call_limits=9), 'delete': dict(state='absent'),
                'purge': dict(apps=[pair[0]['name']], purge_apps=True)}[kind]
        tasks.append(task(case, QUOTA_MODULE, dict(args, name=name, timeout=TIMEOUT)))
        steps[case] = faults
        expected[case] = (kind, name, [pair[0]['name']] if kind == 'purge' else sorted(app['name'] for app in pair))
    for index, case in enumerate(list(APPLICATION_CASES) + list(FLAG_CASES)):
        alias = 'svc-amb-%d' % index
        services.append({'alias': alias, 'title': alias})
        if case in FLAG_CASES:
            tasks.append(task('%s (setup)' % case, APPLICATION_MODULE, {'service': alias}))
        tasks.append(task(case, APPLICATION_MODULE, {'service': alias, 'allow_consume_global': False, 'timeout': TIMEOUT}))
        steps[case] = APPLICATION_CASES.get(case) or FLAG_CASES[case]
        expected[case] = ('application', alias, None)
    emulator.seed({'apig': {'apps': apps, 'quotas': quotas, 'bindings': bindings}, 'acedata': {'services': services}})
    run = runner.run(tasks, emulator=emulator.url, steps=steps, defaults={
        'huaweicloud': apig_connection(emulator.url), 'acedata': acedata_connection(emulator.url)})
    return run, expected


def check_case(ambiguous_run, ledger, case, api):
    run, expected = ambiguous_run
    kind, name, apps = expected[case]
    record = run.record(case)
    with ledger.attempt(2, case, api) as attempt:
        attempt.duplicates(record['state'])
        assert_no_traceback(run)
        # A run that lost a race did not make the object itself: it may report no change.
        assert_succeeded(record, changed=None if 'race' in case else True)
        assert_faults_spent(record)
        assert faulted(record)
        state, result = record['state'], record['result']
        if kind == 'application':
            found = [app for app in state['acedata']['applications'] if (app['service'] or {}).get('alias') == name]
            assert len(found) == 1 and found[0]['allow_consume_global'] is False, found
            assert result['application']['id'] == found[0]['id']
            return
        quotas = quotas_named(state, name)
        if kind == 'delete':
            assert quotas == [] and result['app_quota'] == {}
            return
        assert len(quotas) == 1, quotas
        assert bound_names(state, quotas[0]) == apps
        if kind == 'update':  # bindings are not managed here, so not read either
            assert quotas[0]['call_limits'] == 9 and result['app_quota']['call_limits'] == 9
        else:
            assert sorted(app['name'] for app in result['app_quota']['bound_apps']) == apps
        binds = [entry for entry in record['requests'] if entry['path'].endswith('/binding-apps')]
        applied = [entry for entry in binds if 201 in (entry['status'], entry.get('applied_status'))]
        assert len(applied) == (1 if kind == 'quota' else 0), ('each app bound exactly once', binds)


@pytest.mark.parametrize('case', params(list(QUOTA_CASES) + list(BIND_CASES) + list(OTHER_APIG_CASES)))
def test_ambiguous_apig_write(case, ambiguous_run, ledger):
    check_case(ambiguous_run, ledger, case, 'APIG')


@pytest.mark.parametrize('case', params(list(APPLICATION_CASES) + list(FLAG_CASES)))
def test_ambiguous_acedata_write(case, ambiguous_run, ledger):
    check_case(ambiguous_run, ledger, case, 'Ace Data Cloud')
