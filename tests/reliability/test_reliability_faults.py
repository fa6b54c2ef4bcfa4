# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""1. Transient faults are survived within bounded retries; permanent faults fail cleanly.

One ``ansible-playbook`` run per group of cases: before each task the test-only callback injects
the task's faults, and after it records the result, the requests and the emulator's state, which
the parametrized tests below then check case by case.
"""

from __future__ import annotations

import pytest

from emulator import seed as S
from emulator.client import EmulatorClient
from reliability_support import (
    ACEDATA_ERROR,
    APIG_ERROR,
    APPLICATION_INFO_MODULE,
    APPLICATION_MODULE,
    QUOTA_INFO_MODULE,
    QUOTA_MODULE,
    acedata_connection,
    apig_connection,
    assert_api_failure,
    assert_faults_spent,
    assert_no_traceback,
    assert_succeeded,
    bound_names,
    fault,
    faulted,
    known_bug,
    quotas_named,
    seed_step,
    task,
)

QUOTA_LIST = '/app-quotas$'
QUOTA_ONE = '/app-quotas/[0-9a-f]{32}$'
BOUND_APPS = '/bound-apps$'
APPLICATIONS = '/api/v1/applications/$'
UPDATE_FLAG = '/update-allow-consume-global/$'
SERVICE_DETAIL = '/api/v1/services/svc-detail/?$'
THROTTLED = {'apig': {'error_code': 'APIG.0308', 'error_msg': 'The throttling threshold has been reached'},
             'acedata': {'detail': 'Request was throttled. Expected available in 1 second.', 'code': 'throttled'}}
SERVER_ERROR = {'apig': APIG_ERROR, 'acedata': ACEDATA_ERROR}
RETRY_AFTER = 0.4
TIMEOUT = 1.0  # the modules' timeout in the read-timeout case; the fault drops the request after 1.5 s

# kind -> (label, shots): each shot is one fault that fires once, in order. Every request of the
# matching method and path meets them until they are spent, so 2 shots mean "fails twice, then works".
KINDS = {
    '429': ('429 with Retry-After, twice', [dict(status=429, retry_after=RETRY_AFTER)] * 2),
    '503': ('503 twice in a row', [dict(status=503)] * 2),
    '5xx': ('500, 502, 503 in a row', [dict(status=500), dict(status=502), dict(status=503)]),
    'reset': ('connection reset, twice', [dict(action='reset')] * 2),
    'timeout': ('read timeout (no answer within `timeout`)', [dict(action='timeout', delay=1.5)]),
    'malformed': ('malformed JSON in a success answer, twice', [dict(action='malformed')] * 2),
    'truncated': ('truncated JSON in a success answer, twice', [dict(action='truncated')] * 2),
    'html': ('HTML 502 page from a proxy, twice', [dict(action='html')] * 2),
}
SUCCESS = {'GET': 200, 'PUT': 200, 'POST': 201, 'DELETE': 204}


def shots(kind, api, method, path, limit=None):
    """The fault steps of ``kind`` for one route. A create is tried 3 times at most (the engine's
    bound on ambiguous creates), so at most 2 shots hit it; a DELETE has no body to spoil."""
    steps = []
    for shot in KINDS[kind][1][:limit]:
        spec = dict(shot)
        action = spec.setdefault('action', 'status')
        if action == 'status':
            spec['body'] = THROTTLED[api] if spec['status'] == 429 else SERVER_ERROR[api]
        if action in ('malformed', 'truncated'):
            if method == 'DELETE':
                return []
            spec['status'] = SUCCESS[method]
        steps.append(fault(api, method, path, **spec))
    return steps


def quota_name(kind):
    return 'rq_fault_' + kind


def service_alias(kind):
    return 'svc-fault-' + kind


@pytest.fixture(scope='module')
def fault_run(emulator_server, runner):
    """Every kind of transient fault, on every route the modules use, in one playbook."""
    emulator = EmulatorClient(emulator_server.url)
    emulator.reset()
    emulator.seed({'acedata': {'services': [{'alias': service_alias(kind), 'title': kind} for kind in KINDS]}})
    tasks, steps = [], {}
    for kind in KINDS:
        args = dict(name=quota_name(kind), call_limits=10, time_unit='DAY', time_interval=1, apps=['consumer_app_a'])
        connection = {'timeout': TIMEOUT} if kind == 'timeout' else {}
        if kind == '429':
            connection['retry_max_delay'] = 1.0  # so that Retry-After, not the cap, sets the wait
        plan = [
            ('apig create', QUOTA_MODULE, args, shots(kind, 'apig', 'GET', QUOTA_LIST) + shots(kind, 'apig', 'POST', QUOTA_LIST, 2)),
            ('apig update', QUOTA_MODULE, dict(args, call_limits=20), shots(kind, 'apig', 'PUT', QUOTA_ONE)),
            ('apig info', QUOTA_INFO_MODULE, {'name': quota_name(kind)},
             shots(kind, 'apig', 'GET', QUOTA_LIST) + shots(kind, 'apig', 'GET', BOUND_APPS)),
            ('apig delete', QUOTA_MODULE, {'name': quota_name(kind), 'state': 'absent'}, shots(kind, 'apig', 'DELETE', QUOTA_ONE)),
            ('acedata create', APPLICATION_MODULE, {'service': service_alias(kind), 'allow_consume_global': True},
             shots(kind, 'acedata', 'GET', APPLICATIONS) + shots(kind, 'acedata', 'POST', APPLICATIONS, 2)),
            ('acedata info', APPLICATION_INFO_MODULE, {'service': service_alias(kind)}, shots(kind, 'acedata', 'GET', APPLICATIONS)),
        ]
        if kind == '429':  # the flag update is a POST: only a 429 (never applied) may be retried as such
            plan.append(('acedata update', APPLICATION_MODULE, {'service': service_alias(kind), 'allow_consume_global': False},
                         shots(kind, 'acedata', 'POST', UPDATE_FLAG)))
        for step, module, module_args, faults in plan:
            name = '%s %s' % (step, kind)
            tasks.append(task(name, module, dict(module_args, **connection)))
            steps[name] = faults
    run = runner.run(tasks, emulator=emulator.url, steps=steps, defaults={
        'huaweicloud': apig_connection(emulator.url), 'acedata': acedata_connection(emulator.url)})
    return run


def check_transient(ledger, run, kind, step, api, check):
    record = run.record('%s %s' % (step, kind))
    if not record['faults']:
        return  # nothing to spoil here (a DELETE answer has no body)
    with ledger.attempt(1, KINDS[kind][0], api) as attempt:
        attempt.duplicates(record['state'])
        assert_succeeded(record)
        assert_faults_spent(record)
        assert faulted(record), 'no fault fired during %s' % record['task']
        check(record, record['state'], record['result'])
        if kind == '429':  # each retry waited as long as Retry-After asked (it is below retry_max_delay)
            requests = record['requests']
            for index, entry in enumerate(requests[:-1]):
                if entry.get('fault'):
                    again = [later for later in requests[index + 1:] if (later['method'], later['path']) == (entry['method'], entry['path'])]
                    assert again and again[0]['time'] - entry['time'] >= RETRY_AFTER - 0.05, (entry, again[:1])


@pytest.mark.parametrize('kind', list(KINDS))
def test_transient_faults_apig(kind, fault_run, ledger):
    assert_no_traceback(fault_run)
    name = quota_name(kind)

    def created(record, state, result):
        quotas = quotas_named(state, name)
        assert len(quotas) == 1 and quotas[0]['call_limits'] == 10, quotas
        assert bound_names(state, quotas[0]) == ['consumer_app_a']
        assert result['changed'] and result['app_quota']['app_quota_id'] == quotas[0]['app_quota_id']
        # A create that failed before the API applied it was tried again: one try per shot, plus one.
        posts = [entry for entry in record['requests'] if entry['method'] == 'POST' and entry['path'].endswith('/app-quotas')]
        assert len(posts) == len(shots(kind, 'apig', 'POST', QUOTA_LIST, 2)) + 1, posts

    def updated(record, state, result):
        assert [quota['call_limits'] for quota in quotas_named(state, name)] == [20]
        assert result['changed'] and result['app_quota']['call_limits'] == 20

    def listed(record, state, result):
        assert [(quota['name'], quota['call_limits'], [app['name'] for app in quota['bound_apps']])
                for quota in result['app_quotas']] == [(name, 20, ['consumer_app_a'])]

    def deleted(record, state, result):
        assert result['changed'] and quotas_named(state, name) == []
        assert all(app['app_quota_id'] is None for app in state['apig']['apps'])

    for step, check in (('apig create', created), ('apig update', updated), ('apig info', listed), ('apig delete', deleted)):
        check_transient(ledger, fault_run, kind, step, 'APIG', check)


@pytest.mark.parametrize('kind', list(KINDS))
def test_transient_faults_acedata(kind, fault_run, ledger):
    assert_no_traceback(fault_run)
    alias = service_alias(kind)

    def created(record, state, result):
        apps = [app for app in state['acedata']['applications'] if (app['service'] or {}).get('alias') == alias]
        assert len(apps) == 1 and result['changed'] and result['application']['id'] == apps[0]['id'], apps
        posts = [entry for entry in record['requests'] if entry['method'] == 'POST' and entry['path'] == '/api/v1/applications/']
        assert len(posts) == len(shots(kind, 'acedata', 'POST', APPLICATIONS, 2)) + 1, posts

    def listed(record, state, result):
        assert [app['service']['alias'] for app in result['applications']] == [alias]

    def updated(record, state, result):
        apps = [app for app in state['acedata']['applications'] if (app['service'] or {}).get('alias') == alias]
        assert [app['allow_consume_global'] for app in apps] == [False] and result['changed']

    plan = [('acedata create', created), ('acedata info', listed)]
    if kind == '429':
        plan.append(('acedata update', updated))
    for step, check in plan:
        check_transient(ledger, fault_run, kind, step, 'Ace Data Cloud', check)


# ---------------------------------------------------------------------------------------------
# The service detail route (read once, never retried, the listing is the fallback)
# ---------------------------------------------------------------------------------------------
@pytest.fixture(scope='module')
def detail_run(emulator_server, runner):
    emulator = EmulatorClient(emulator_server.url)
    emulator.reset()
    emulator.seed({'acedata': {'services': [{'alias': 'svc-detail', 'title': 'Detail'}]}})
    tasks, steps = [], {}
    for kind in KINDS:
        name = 'service detail %s' % kind
        tasks.append(task(name, APPLICATION_INFO_MODULE, {'service': 'svc-detail', 'timeout': TIMEOUT}))
        steps[name] = shots(kind, 'acedata', 'GET', SERVICE_DETAIL, 1)
    return runner.run(tasks, emulator=emulator.url, steps=steps, defaults={'acedata': acedata_connection(emulator.url)})


DETAIL_BUGS = {'429': 'B7', 'malformed': 'B7', 'truncated': 'B7'}


@pytest.mark.parametrize('kind', [pytest.param(kind, marks=known_bug(DETAIL_BUGS[kind])) if kind in DETAIL_BUGS else kind
                                  for kind in KINDS])
def test_service_detail_fault_falls_back_to_listing(kind, detail_run, ledger):
    record = detail_run.record('service detail %s' % kind)
    with ledger.attempt(1, 'service alias detail answer spoilt (%s)' % kind, 'Ace Data Cloud'):
        assert_no_traceback(detail_run)
        assert_succeeded(record, changed=False)
        assert_faults_spent(record)
        assert any(entry['path'] == '/api/v1/services/' for entry in record['requests']), record['requests']


# ---------------------------------------------------------------------------------------------
# Permanent faults: more failures than retries, and 4xx answers
# ---------------------------------------------------------------------------------------------
MANY = 10  # more than the 3 retries
PERMANENT = {
    # case -> (API, module, args, faults, expected status, code, message, attempts of the faulted route)
    'apig lookup, 503 more times than retries': (
        'APIG', QUOTA_MODULE, {'name': 'rq_perm_503', 'call_limits': 1, 'time_unit': 'DAY', 'time_interval': 1},
        [fault('apig', 'GET', QUOTA_LIST, times=MANY, status=503, body=APIG_ERROR)], 503, 'APIG.9999', 'System error', 4),
    'apig create, 502 more times than creates': (
        'APIG', QUOTA_MODULE, {'name': 'rq_perm_502', 'call_limits': 1, 'time_unit': 'DAY', 'time_interval': 1},
        [fault('apig', 'POST', QUOTA_LIST, times=MANY, status=502, body=APIG_ERROR)], 502, 'APIG.9999', 'System error', 3),
    'apig update, HTML 502 more times than retries': (
        'APIG', QUOTA_MODULE, {'name': 'rq_perm_seeded', 'call_limits': 7},
        [fault('apig', 'PUT', QUOTA_ONE, action='html', times=MANY)], 502, None, '502 Bad Gateway', 4),
    'apig lookup, 429 more times than retries': (
        'APIG', QUOTA_INFO_MODULE, {},
        [fault('apig', 'GET', QUOTA_LIST, times=MANY, status=429, retry_after=0.1, body=THROTTLED['apig'])],
        429, 'APIG.0308', 'throttling threshold', 4),
    'apig create, 400 from the API': (
        'APIG', QUOTA_MODULE, {'name': 'rq_perm_400', 'call_limits': 1, 'time_unit': 'DAY', 'time_interval': 1},
        [fault('apig', 'POST', QUOTA_LIST, status=400, body={
            'error_code': 'APIG.2012', 'error_msg': 'Invalid parameter value,parameterName:name'})],
        400, 'APIG.2012', 'parameterName:name', 1),
    'apig lookup, 403 from the API': (
        'APIG', QUOTA_MODULE, {'name': 'rq_perm_403', 'state': 'absent'},
        [fault('apig', 'GET', QUOTA_LIST, status=403, body={
            'error_code': 'APIG.1005', 'error_msg': 'No permissions to request this method'})],
        403, 'APIG.1005', 'No permissions', 1),
    'apig lookup, 500 with a JSON body of an unknown shape': (
        'APIG', QUOTA_INFO_MODULE, {}, [fault('apig', 'GET', QUOTA_LIST, times=MANY, status=500, body={'detail': 'upstream said no'})],
        500, None, 'upstream said no', 4),
    'apig lookup, 404 for an unknown gateway': (
        'APIG', QUOTA_INFO_MODULE, {'instance_id': 'ffffffffffffffffffffffffffffffff'}, [], 404, 'APIG.3030',
        'The instance does not exist', 1),
    'acedata lookup, 503 more times than retries': (
        'Ace Data Cloud', APPLICATION_MODULE, {'service': 'suno'},
        [fault('acedata', 'GET', APPLICATIONS, times=MANY, status=503, body=ACEDATA_ERROR)], 503, 'error',
        'A server error occurred.', 4),
    'acedata create, 500 more times than creates': (
        'Ace Data Cloud', APPLICATION_MODULE, {'service': 'suno'},
        [fault('acedata', 'POST', APPLICATIONS, times=MANY, status=500, body=ACEDATA_ERROR)], 500, 'error',
        'A server error occurred.', 3),
    'acedata create, 403 for a read-only token': (
        'Ace Data Cloud', APPLICATION_MODULE, {'service': 'suno', 'api_token': 'platform-reliability-read-only'},
        [seed_step({'acedata': {'tokens': [
            {'token': 'platform-reliability-read-only', 'user_id': S.ACEDATA_USER_ID, 'permissions': ['applications:read']}]}})],
        403, 'permission_denied', 'You do not have permission', 1),
    'acedata lookup, 404 from the API': (
        'Ace Data Cloud', APPLICATION_INFO_MODULE, {},
        [fault('acedata', 'GET', APPLICATIONS, status=404, body={'detail': 'Not found.', 'code': 'not_found'})],
        404, 'not_found', 'Not found.', 1),
    'acedata lookup, 401 for an unknown token': (
        'Ace Data Cloud', APPLICATION_INFO_MODULE, {'api_token': 'platform-reliability-unknown'}, [], 401,
        'authentication_failed', 'Invalid token.', 1),
}


@pytest.fixture(scope='module')
def permanent_run(emulator_server, runner):
    emulator = EmulatorClient(emulator_server.url)
    emulator.reset()
    emulator.seed({'apig': {'quotas': [{'name': 'rq_perm_seeded', 'call_limits': 5, 'time_unit': 'DAY', 'time_interval': 1}]}})
    tasks = [task(case, module, args) for case, (_api, module, args, *_rest) in PERMANENT.items()]
    steps = dict((case, spec[3]) for case, spec in PERMANENT.items())
    return runner.run(tasks, emulator=emulator.url, steps=steps, defaults={
        'huaweicloud': apig_connection(emulator.url), 'acedata': acedata_connection(emulator.url)})


PERMANENT_BUGS = {'apig lookup, 500 with a JSON body of an unknown shape': 'B12'}


@pytest.mark.parametrize('case', [pytest.param(case, marks=known_bug(PERMANENT_BUGS[case])) if case in PERMANENT_BUGS else case
                                  for case in PERMANENT])
def test_permanent_fault_fails_cleanly(case, permanent_run, ledger):
    api, _module, _args, faults, status, code, message, attempts = PERMANENT[case]
    record = permanent_run.record(case)
    with ledger.attempt(1, 'permanent: %s' % case.split(', ', 1)[1], api) as attempt:
        attempt.duplicates(record['state'])
        assert_no_traceback(permanent_run)
        assert_api_failure(record, status, code, message)
        answered = [entry for entry in record['requests'] if entry['status'] == status]
        assert len(answered) == attempts, ('retries are bounded', answered)
        writes = [entry for entry in record['requests'] if entry['method'] != 'GET' and entry['status'] in (200, 201, 204)]
        assert not writes, writes
        if faults and faults[0][1] == 'faults':
            assert faulted(record)
        if isinstance(faults and faults[0][2].get('body'), dict):  # a JSON answer is not called anything else
            assert 'non-JSON' not in record['result']['msg'], record['result']['msg']
