# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""7. Expired tokens: with user/password, a refused IAM token is renewed once, never in a loop.

The IAM token expires between the module's token exchange and its next APIG call: a 401
APIG.1002 answer to that call (a fault), or, in this process, the emulator expiring every token at
that exact moment. The module fetches a new token once (exactly two ``POST /v3/auth/tokens``) and
succeeds; a token that stays refused fails after that one renewal.
"""

from __future__ import annotations

import pytest

from emulator import seed as S
from emulator.client import EmulatorClient
from reliability_support import (
    APPLICATION_INFO_MODULE,
    QUOTA_MODULE,
    acedata_connection,
    apig_connection,
    assert_api_failure,
    assert_faults_spent,
    assert_no_traceback,
    assert_succeeded,
    fault,
    known_bug,
    quotas_named,
    run_module,
    task,
)

EXPIRED = {'error_code': 'APIG.1002', 'error_msg': 'Incorrect token or token resolution failed'}
PASSWORD = {'access_key': None, 'secret_key': None, 'user': S.USER_NAME, 'password': S.USER_PASSWORD, 'domain': S.DOMAIN_NAME}
TOKENS = '/v3/auth/tokens'
PLATFORM_CASE = 'platform token refused: no renewal, fails at once'
QUOTA = {'name': 'tok_quota', 'call_limits': 5, 'time_unit': 'DAY', 'time_interval': 1}


def token_posts(record):
    return [entry for entry in record['requests'] if (entry['method'], entry['path']) == ('POST', TOKENS)]


CASES = {
    # case -> (connection changes, module, args, faults, expected status (None: success), token exchanges, API answers of 401)
    'token refused on the second APIG call: renewed once, run succeeds': (
        PASSWORD, QUOTA_MODULE, dict(QUOTA, call_limits=6),
        [fault('apig', 'PUT', '/app-quotas/', status=401, body=EXPIRED)], None, 2, 1),
    'token refused on the first APIG call: renewed once, run succeeds': (
        PASSWORD, QUOTA_MODULE, dict(QUOTA, call_limits=7),
        [fault('apig', 'GET', '/app-quotas$', status=401, body=EXPIRED)], None, 2, 1),
    'token that stays refused: one renewal, then the run fails': (
        PASSWORD, QUOTA_MODULE, dict(QUOTA, call_limits=8),
        [fault('apig', 'GET', '/app-quotas$', times=10, status=401, body=EXPIRED)], 401, 2, 2),
    'a given auth_token refused: no renewal possible, fails at once': (
        {'access_key': None, 'secret_key': None, 'auth_token': 'MIIreliabilityNotIssuedToken'}, QUOTA_MODULE, QUOTA, [], 401, 0, 1),
    'password refused at the token exchange: fails at once': (
        dict(PASSWORD, password='reliability-wrong-password'), QUOTA_MODULE, QUOTA, [], 401, 1, 0),
}


BUGS = {'password refused at the token exchange: fails at once': 'B11'}


@pytest.fixture(scope='module')
def token_run(emulator_server, runner):
    emulator = EmulatorClient(emulator_server.url)
    emulator.reset()
    emulator.seed({'apig': {'quotas': [dict(QUOTA)]}})
    tasks, steps = [], {}
    for case, (changes, module, args, faults, *_rest) in CASES.items():
        connection = apig_connection(emulator.url, **changes)
        tasks.append(task(case, module, dict(connection, **args)))
        steps[case] = faults
    tasks.append(task(PLATFORM_CASE, APPLICATION_INFO_MODULE, acedata_connection(emulator.url, api_token='platform-reliability-expired')))
    return runner.run(tasks, emulator=emulator.url, steps=steps)


@pytest.mark.parametrize('case', [pytest.param(case, marks=known_bug(BUGS[case])) if case in BUGS else case for case in CASES])
def test_expired_token(case, token_run, ledger):
    _changes, _module, args, _faults, status, exchanges, refusals = CASES[case]
    record = token_run.record(case)
    with ledger.attempt(7, case, 'APIG'):
        assert_no_traceback(token_run)
        assert len(token_posts(record)) == exchanges, token_posts(record)
        assert len([entry for entry in record['requests'] if entry['api'] == 'apig' and entry['status'] == 401]) == refusals
        if status is None:
            assert_faults_spent(record)
            assert_succeeded(record, changed=True)
            assert [quota['call_limits'] for quota in quotas_named(record['state'], 'tok_quota')] == [args['call_limits']]
        elif exchanges == 1 and refusals == 0:  # IAM's own refusal
            assert_api_failure(record, status, message='The username or password is wrong.')
        else:
            assert_api_failure(record, status, 'APIG.1002', 'Incorrect token')


def test_platform_token_is_not_renewed(token_run, ledger):
    record = token_run.record(PLATFORM_CASE)
    with ledger.attempt(7, PLATFORM_CASE, 'Ace Data Cloud'):
        assert_api_failure(record, 401, 'authentication_failed', 'Invalid token.')
        assert len(record['requests']) == 1


def test_token_really_expires_between_exchange_and_next_call(emulator, interleave, ledger):
    """No fault: the emulator expires every issued token just before the module's PUT."""
    from ansible_collections.apiops.provisioning.plugins.modules import apig_app_quota

    emulator.seed({'apig': {'quotas': [dict(QUOTA)]}})
    seq = emulator.last_seq()
    interleave('PUT', '/app-quotas/', lambda: emulator.seed({'iam': {'expire_tokens': True}}))
    connection = apig_connection(emulator.url, **PASSWORD)
    result, crash = run_module(apig_app_quota.main, dict(connection, **dict(QUOTA, call_limits=9)))
    requests = emulator.requests(seq)
    with ledger.attempt(7, 'token expired (emulator clock) between exchange and next call: renewed once', 'APIG'):
        assert crash is None and not result.get('failed'), (crash, result.get('msg'))
        assert [(entry['method'], entry['status']) for entry in requests if entry['path'] == TOKENS] == [('POST', 201)] * 2
        assert [entry['status'] for entry in requests if entry['method'] == 'PUT'] == [401, 200]
        assert [quota['call_limits'] for quota in quotas_named(emulator.state(), 'tok_quota')] == [9]
