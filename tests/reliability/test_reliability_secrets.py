# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""5. Secrets never show: real playbooks at ``-vvvv --diff``, on success and on every failure path.

The emulator is seeded with credentials whose values are distinctive (``SECRET`` in the middle),
and every task's output segment, result, diff, warnings and error text is searched for them, for the
IAM tokens the emulator issued, for the platform's credential tokens (masked unless revealed) and for
anything that looks like an ``Authorization`` or ``X-Auth-Token`` header value.
"""

from __future__ import annotations

import hashlib
import json
import re
import urllib.request

import pytest

from emulator import seed as S
from reliability_support import (
    ACEDATA_ERROR,
    APIG_ERROR,
    APPLICATION_INFO_MODULE,
    APPLICATION_MODULE,
    QUOTA_INFO_MODULE,
    QUOTA_MODULE,
    SERVICE_IDS,
    FAST,
    assert_no_traceback,
    fault,
    find_leaks,
    task,
)

SECRETS = {
    'api_token': 'platform-reliab-7c2e-SECRET-API-TOKEN-4c1e9b7a2f60d83e',
    'secret_key': 'reliab-5a1f-SECRET-SK-9d2f4a6b8c0e13572468',
    'temporary_secret_key': 'reliab-8b3d-SECRET-TEMP-SK-1f3e5a7c9b2d4f60',
    'security_token': 'reliab-2e9c-SECRET-SECURITY-TOKEN-7a5c3e1f9b8d6042',
    'password': 'reliab-4f7a-SECRET-PASSWORD-6e8a0c2e4b6d',
    'wrong_secret_key': 'reliab-0d6e-SECRET-WRONG-SK-3c5e7a9b1d2f4a6c',
    'wrong_api_token': 'platform-reliab-1b8f-SECRET-WRONG-TOKEN-5d7f9b',
    'wrong_password': 'reliab-6c0a-SECRET-WRONG-PASSWORD-8e2c4a6b',
    'wrong_security_token': 'reliab-9e4b-SECRET-WRONG-SECURITY-1c3e5a7b',
    'unknown_auth_token': 'MIIreliab-3a5c-SECRET-UNKNOWN-AUTH-TOKEN-9f1d',
}
ACCESS_KEY = 'RELIABSECRETSAK00001'
TEMPORARY_ACCESS_KEY = 'RELIABSECRETSTEMP002'
USER = 'reliab_secrets_user'
# What an Authorization or X-Auth-Token header value looks like, whatever the secret.
HEADER_SHAPES = re.compile(r'SDK-HMAC-SHA256 Access=|Signature=[0-9a-f]{16}|Bearer [A-Za-z0-9-]{8}|X-Auth-Token[\'"]?: *[\'"]?MII')


def seed_credentials(emulator):
    emulator.seed({
        'iam': {'users': [{'name': USER, 'password': SECRETS['password'], 'domain': S.DOMAIN_NAME}],
                'access_keys': [{'access': ACCESS_KEY, 'secret': SECRETS['secret_key']}],
                'security_tokens': [{'access': TEMPORARY_ACCESS_KEY, 'secret': SECRETS['temporary_secret_key'],
                                     'token': SECRETS['security_token']}]},
        'acedata': {'tokens': [{'token': SECRETS['api_token'], 'user_id': S.ACEDATA_USER_ID}],
                    'applications': [{'service_id': SERVICE_IDS['suno']}, {'service_id': SERVICE_IDS['suno']}]},
    })


def iam_token(emulator):
    """A real IAM token for the seeded user: the auth_token of the token-based tasks."""
    body = {'auth': {'identity': {'methods': ['password'], 'password': {'user': {
        'name': USER, 'password': SECRETS['password'], 'domain': {'name': S.DOMAIN_NAME}}}},
        'scope': {'project': {'id': S.PROJECT_ID}}}}
    request = urllib.request.Request(emulator.url + '/v3/auth/tokens', data=json.dumps(body).encode('utf-8'), method='POST',
                                     headers={'Content-Type': 'application/json'})
    with urllib.request.urlopen(request, timeout=10) as response:  # nosec - loopback test emulator
        return response.headers['X-Subject-Token']


def apig(emulator, **auth):
    options = dict(FAST, region=S.REGION, project_id=S.PROJECT_ID, instance_id=S.INSTANCE_ID, apig_endpoint=emulator.url,
                   iam_endpoint=emulator.url)
    options.update(auth)
    return options


def aksk(secret=SECRETS['secret_key']):
    return {'access_key': ACCESS_KEY, 'secret_key': secret}


def password(secret=SECRETS['password'], **extra):
    return dict({'user': USER, 'password': secret, 'domain': S.DOMAIN_NAME}, **extra)


def temporary(token=SECRETS['security_token']):
    return {'access_key': TEMPORARY_ACCESS_KEY, 'secret_key': SECRETS['temporary_secret_key'], 'security_token': token}


def quota(name, **extra):
    return dict({'name': name, 'call_limits': 10, 'time_unit': 'DAY', 'time_interval': 1}, **extra)


def plan(emulator, auth_token):
    """(group, task name, module, args, faults, expected status) for every path."""
    ace = dict(FAST, api_token=SECRETS['api_token'], api_url=emulator.url)
    many = 20
    return [
        ('success', 'AK/SK create with apps and diff', QUOTA_MODULE,
         dict(apig(emulator, **aksk()), **quota('sec_quota', apps=['consumer_app_a'])), [], 'ok'),
        ('success', 'temporary AK/SK update', QUOTA_MODULE, dict(apig(emulator, **temporary()), name='sec_quota', call_limits=20), [], 'ok'),
        ('success', 'auth_token update remark', QUOTA_MODULE, dict(apig(emulator, auth_token=auth_token), name='sec_quota', remark='r'),
         [], 'ok'),
        ('success', 'user/password info', QUOTA_INFO_MODULE, dict(apig(emulator, **password())), [], 'ok'),
        ('success', 'api_token create with diff', APPLICATION_MODULE, dict(ace, service='midjourney', tags=['t']), [], 'ok'),
        ('success', 'api_token several applications warning', APPLICATION_MODULE, dict(ace, service='suno'), [], 'ok'),
        ('success', 'api_token info revealing nothing', APPLICATION_INFO_MODULE, dict(ace), [], 'ok'),
        ('bad credentials', 'wrong secret_key', QUOTA_INFO_MODULE, dict(apig(emulator, **aksk(SECRETS['wrong_secret_key']))), [], 'failed'),
        ('bad credentials', 'unknown auth_token', QUOTA_INFO_MODULE, dict(apig(emulator, auth_token=SECRETS['unknown_auth_token'])), [],
         'failed'),
        ('bad credentials', 'wrong password', QUOTA_INFO_MODULE, dict(apig(emulator, **password(SECRETS['wrong_password']))), [], 'failed'),
        ('bad credentials', 'wrong security_token', QUOTA_INFO_MODULE, dict(apig(emulator, **temporary(SECRETS['wrong_security_token']))),
         [], 'failed'),
        ('bad credentials', 'wrong api_token', APPLICATION_INFO_MODULE, dict(ace, api_token=SECRETS['wrong_api_token']), [], 'failed'),
        ('API errors', 'apig 403', QUOTA_MODULE, dict(apig(emulator, **aksk()), **quota('sec_quota')),
         [fault('apig', 'GET', '/app-quotas$', status=403, body={'error_code': 'APIG.1005', 'error_msg': 'No permissions'})], 'failed'),
        ('API errors', 'acedata create-only conflict', APPLICATION_MODULE, dict(ace, service='midjourney', tags=['other']), [],
         'failed'),
        ('API errors', 'acedata 404', APPLICATION_MODULE, dict(ace, service='openai'),
         [fault('acedata', 'GET', '/applications/$', status=404, body={'detail': 'Not found.', 'code': 'not_found'})], 'failed'),
        ('injected faults', 'apig 503 until retries run out', QUOTA_MODULE, dict(apig(emulator, **password()), name='sec_quota', call_limits=30),
         [fault('apig', 'PUT', '/app-quotas/', times=many, status=503, body=APIG_ERROR)], 'failed'),
        ('injected faults', 'apig create reset after apply', QUOTA_MODULE, dict(apig(emulator, **temporary()), **quota('sec_quota_two')),
         [fault('apig', 'POST', '/app-quotas$', action='reset', after=True)], 'ok'),
        ('injected faults', 'acedata resets until retries run out', APPLICATION_INFO_MODULE, dict(ace),
         [fault('acedata', 'GET', '/applications/$', action='reset', times=many)], 'failed'),
        ('injected faults', 'acedata 500 create', APPLICATION_MODULE, dict(ace, service='openai'),
         [fault('acedata', 'POST', '/applications/$', times=many, status=500, body=ACEDATA_ERROR)], 'failed'),
        ('injected faults', 'expired token renewed once then refused', QUOTA_INFO_MODULE, dict(apig(emulator, **password())),
         [fault('apig', 'GET', '/app-quotas$', times=many, status=401,
                body={'error_code': 'APIG.1002', 'error_msg': 'Incorrect token or token resolution failed'})], 'failed'),
        ('validation errors', 'call_limits 0 with AK/SK', QUOTA_MODULE, dict(apig(emulator, **aksk()), **quota('sec_quota', call_limits=0)),
         [], 'failed'),
        ('validation errors', 'password without domain', QUOTA_INFO_MODULE,
         dict(apig(emulator, user=USER, password=SECRETS['password'])), [], 'failed'),
        ('validation errors', 'security_token without AK/SK', QUOTA_INFO_MODULE,
         dict(apig(emulator, security_token=SECRETS['security_token'], auth_token=auth_token)), [], 'failed'),
        ('validation errors', 'empty tag with api_token', APPLICATION_MODULE, dict(ace, service='openai', tags=['']), [], 'failed'),
        ('validation errors', 'wrong type with api_token', APPLICATION_MODULE, dict(ace, service='openai', metadata='not a dict'), [],
         'failed'),
    ]


def output_segment(stdout, name):
    """The part of the default callback's output that belongs to task ``name``."""
    start = stdout.find('TASK [%s]' % name)
    if start < 0:
        return ''
    end = stdout.find('TASK [', start + 1)
    return stdout[start:end if end > 0 else len(stdout)]


def secrets_of_run(emulator):
    """Every secret to look for: the seeded ones, the issued IAM tokens and the platform's credential tokens."""
    state = emulator.state()
    found = dict(SECRETS)
    found.update(('iam token %d' % index, token['token']) for index, token in enumerate(state['iam']['tokens']))
    found.update(('credential token %d' % index, credential['token'])
                 for index, credential in enumerate(state['acedata']['credentials']))
    return found


def check_run_for_leaks(ledger, emulator, run, groups, api):
    """One try per task: its output segment and its result hold no secret and no header value."""
    secrets = secrets_of_run(emulator)
    for group, name, expected in groups:
        record = run.record(name)
        with ledger.attempt(5, group, api) as attempt:
            result = json.dumps(record['result'], ensure_ascii=False)
            segment = output_segment(run.stdout, name)
            leaks = attempt.leaks(find_leaks(secrets, output=segment, result=result))
            shapes = HEADER_SHAPES.findall(segment + result)
            assert not leaks and not shapes, (name, leaks, shapes)
            assert record['status'] == expected, (name, record['result'].get('msg'))
    with ledger.attempt(5, 'whole output (stdout, stderr) at -vvvv', api) as attempt:
        assert_no_traceback(run)
        leaks = attempt.leaks(find_leaks(secrets, stdout=run.stdout, stderr=run.stderr))
        assert not leaks and not HEADER_SHAPES.search(run.text), leaks


def test_no_secret_in_any_output(emulator, runner, ledger):
    seed_credentials(emulator)
    auth_token = iam_token(emulator)
    steps = plan(emulator, auth_token)
    tasks = [task(name, module, args) for _group, name, module, args, _faults, _expected in steps]
    run = runner.run(tasks, emulator=emulator.url, steps=dict((name, faults) for _g, name, _m, _a, faults, _e in steps),
                     verbosity=4, diff=True)
    assert run.returncode == 0, run.describe()  # every task ignores its errors
    warned = run.result('api_token several applications warning')
    assert warned.get('warnings'), 'the warning path was not taken'
    diffs = [record for record in run.records if record['result'].get('diff')]
    assert len(diffs) >= 3, 'the diff paths were not taken'
    check_run_for_leaks(ledger, emulator, run, [(group, name, expected) for group, name, _m, _a, _f, expected in steps], 'both')


# ---------------------------------------------------------------------------------------------
# The role
# ---------------------------------------------------------------------------------------------
ROLE_CASES = {
    # case -> (apig settings, acedata settings, expected exit: 0 or failed)
    'role api_access succeeds': ('ok', {}, {}),
    'role api_access succeeds revealing its secrets': ('ok', {}, {}),
    'role api_access with a wrong secret_key': ('failed', {'secret_key': SECRETS['wrong_secret_key']}, {}),
    'role api_access with a wrong api_token': ('failed', {}, {'api_token': SECRETS['wrong_api_token']}),
    'role api_access refused by its argument spec': ('failed', {'instance_id': None, 'bogus_option': 1}, {}),
}


@pytest.mark.parametrize('case', list(ROLE_CASES))
def test_no_secret_from_the_role(case, emulator, runner, ledger):
    expected, apig_changes, acedata_changes = ROLE_CASES[case]
    seed_credentials(emulator)
    apig_settings = dict(apig(emulator, **password()), **aksk())
    apig_settings.update(apig_changes)
    apig_settings = dict((key, value) for key, value in apig_settings.items() if value is not None)
    acedata_settings = dict(FAST, api_token=SECRETS['api_token'], api_url=emulator.url)
    acedata_settings.update(acedata_changes)
    # 2.0: a new consumer (its app secret is generated), an API key per service (its token), the
    # quota's apps authorized to the service's APIs; with api_access_reveal_secrets, the no_log fact.
    reveal = 'revealing' in case
    services = [{'service': 'midjourney', 'quota': quota('role_quota', apps=['role_consumer', 'consumer_app_b']),
                 'credential': {'name': 'role-backend'}, 'apis': ['mj_imagine']},
                {'service': 'suno', 'credential': {'name': 'role-backend', 'limited_amount': 5}}]
    tasks = [task('show the result', 'ansible.builtin.debug', {'var': 'api_access_result'}, ignore_errors=False)]
    if reveal:
        tasks.append(task('count the secrets', 'ansible.builtin.assert', {'that': [
            'api_access_secrets.services | length == 2', "api_access_secrets.consumers.keys() | list == ['role_consumer']"],
            'quiet': True}, ignore_errors=False))
    run = runner.run(tasks,
                     emulator=emulator.url, verbosity=4, diff=True, roles=['apiops.provisioning.api_access'],
                     play_vars={'api_access_apig': apig_settings, 'api_access_acedata': acedata_settings,
                                'api_access_services': services, 'api_access_reveal_secrets': reveal,
                                'api_access_consumers': [{'name': 'role_consumer', 'remark': 'reliability'}]})
    secrets = secrets_of_run(emulator)
    with ledger.attempt(5, case, 'role') as attempt:
        leaks = attempt.leaks(find_leaks(secrets, stdout=run.stdout, stderr=run.stderr,
                                         results=json.dumps([record['result'] for record in run.records], ensure_ascii=False)))
        assert not leaks and not HEADER_SHAPES.search(run.text), leaks
        assert_no_traceback(run)
        assert (run.returncode == 0) is (expected == 'ok'), run.describe()
        if expected == 'ok':
            result = run.result('show the result')['api_access_result']
            assert [entry['service'] for entry in result] == ['midjourney', 'suno'] and result[0]['app_quota_id']
            assert all(entry['credential_id'] for entry in result), result
            assert [api['name'] for api in result[0]['authorized_apis']] == ['mj_imagine', 'mj_imagine'], result
            if reveal:
                assert run.record('count the secrets')['status'] == 'ok', run.describe()


# -- apig_app: the apps' own secrets ---------------------------------------------------------------

APP_MODULE = 'apiops.provisioning.apig_app'
APP_INFO_MODULE = 'apiops.provisioning.apig_app_info'
APP_SECRETS = {
    'given app_secret': 'reliabSECRETgiven_7c2e9b4f1a3d',
    'seeded secret (reset)': 'reliabSECRETreset_2f60d83e4c1e',
    'seeded secret (replaced)': 'reliabSECRETold_9d2f4a6b8c0e',
    'given app_secret (always)': 'reliabSECRETalways_5a7c9b2d4f60',
    'seeded secret (read)': 'reliabSECRETread_1f3e5a7c9b2d',
}


def app_plan(emulator):
    """(group, task name, module, args, faults, expected status) for the paths that read, write or reset a secret."""
    conn = apig(emulator, **aksk())
    return [
        ('app secrets', 'app create with a given secret and diff', APP_MODULE,
         dict(conn, name='sec_app_given', app_secret=APP_SECRETS['given app_secret'], apis=['mj_imagine']), [], 'ok'),
        ('app secrets', 'app reset_secret with diff', APP_MODULE, dict(conn, name='sec_app_reset', reset_secret=True), [], 'ok'),
        ('app secrets', 'app update_secret always with diff', APP_MODULE,
         dict(conn, name='sec_app_replaced', app_secret=APP_SECRETS['given app_secret (always)'], update_secret='always'), [], 'ok'),
        ('app secrets', 'app unchanged (the secret read from the detail)', APP_MODULE, dict(conn, name='sec_app_read'), [], 'ok'),
        ('app secrets', 'app info of every app', APP_INFO_MODULE, dict(conn), [], 'ok'),
        ('app secrets', 'app list form', APP_MODULE, dict(conn, apps=[{'name': 'sec_app_read'}, {'name': 'sec_app_reset',
                                                                                                 'remark': 'listed'}]), [], 'ok'),
        ('app secrets', 'app API error after the secret was read', APP_MODULE, dict(conn, name='sec_app_read', remark='fails'),
         [fault('apig', 'PUT', '/apps/[0-9a-f]{32}$', times=20, status=500, body=APIG_ERROR)], 'failed'),
        ('app secrets', 'app secret refused by validation', APP_MODULE, dict(conn, name='sec_app_read', app_secret='-bad'), [],
         'failed'),
    ]


def test_no_app_secret_in_any_output_unless_revealed(emulator, runner, ledger):
    seed_credentials(emulator)
    emulator.seed({'apig': {'apps': [
        {'name': 'sec_app_reset', 'app_secret': APP_SECRETS['seeded secret (reset)']},
        {'name': 'sec_app_replaced', 'app_secret': APP_SECRETS['seeded secret (replaced)']},
        {'name': 'sec_app_read', 'app_secret': APP_SECRETS['seeded secret (read)']}]}})
    steps = app_plan(emulator)
    tasks = [task(name, module, args) for _group, name, module, args, _faults, _expected in steps]
    run = runner.run(tasks, emulator=emulator.url, steps=dict((name, faults) for _g, name, _m, _a, faults, _e in steps),
                     verbosity=4, diff=True)
    assert run.returncode == 0, run.describe()
    assert len([record for record in run.records if record['result'].get('diff')]) >= 3, 'the diff paths were not taken'
    assert run.result('app reset_secret with diff')['diff']['after']['app_secret'] == '(new secret)'
    # Every secret any app has had: the given and seeded ones, and those the gateway generated.
    plugin = emulator.server.emulator.plugins['apig']
    generated = dict(('app secret of %s' % app['name'], app['app_secret']) for app in plugin.apps.values())
    secrets = dict(SECRETS, **APP_SECRETS)
    secrets.update(generated)
    assert generated['app secret of sec_app_reset'] != APP_SECRETS['seeded secret (reset)']
    for group, name, _module, _args, _faults, expected in steps:
        record = run.record(name)
        with ledger.attempt(5, group, 'APIG') as attempt:
            result = json.dumps(record['result'], ensure_ascii=False)
            leaks = attempt.leaks(find_leaks(secrets, output=output_segment(run.stdout, name), result=result))
            assert not leaks, (name, leaks)
            assert record['status'] == expected, (name, record['result'].get('msg'))
    with ledger.attempt(5, 'app secrets: whole output (stdout, stderr) at -vvvv', 'APIG') as attempt:
        assert_no_traceback(run)
        leaks = attempt.leaks(find_leaks(secrets, stdout=run.stdout, stderr=run.stderr))
        assert not leaks, leaks

    revealed = runner.run([task('reveal', APP_MODULE, dict(apig(emulator, **aksk()), name='sec_app_read', reveal_secret=True)),
                           task('reveal info', APP_INFO_MODULE, dict(apig(emulator, **aksk()), name='sec_app_read',
                                                                     reveal_secret=True))])
    with ledger.attempt(5, 'app secrets: revealed when asked', 'APIG'):
        assert revealed.result('reveal')['app']['app_secret'] == APP_SECRETS['seeded secret (read)']
        assert revealed.result('reveal info')['apps'][0]['app_secret'] == APP_SECRETS['seeded secret (read)']


# ---------------------------------------------------------------------------------------------
# API keys (acedata_credential): their tokens never show unless revealed
# ---------------------------------------------------------------------------------------------
CREDENTIAL_MODULE = 'apiops.provisioning.acedata_credential'
CREDENTIAL_INFO_MODULE = 'apiops.provisioning.acedata_credential_info'
SEEDED_KEY_TOKEN = 'sk-reliab-6d2a-SECRET-SEEDED-KEY-TOKEN-0b9e7c5a'


def credential_plan(emulator):
    """(group, task name, module, args, faults, expected status) for every path of the key modules."""
    ace = dict(FAST, api_token=SECRETS['api_token'], api_url=emulator.url)
    key = dict(ace, service='midjourney', name='sec-key')
    not_found = {'detail': 'Not found.', 'code': 'not_found'}
    return [
        ('success', 'key create with diff', CREDENTIAL_MODULE, dict(key, limited_amount=5), [], 'ok'),
        ('success', 'key update with diff', CREDENTIAL_MODULE, dict(key, limited_amount=6, expired_at='2027-01-31T00:00:00Z'),
         [], 'ok'),
        ('success', 'key rotate', CREDENTIAL_MODULE, dict(key, rotate=True), [], 'ok'),
        ('success', 'key rotate without a rotate route', CREDENTIAL_MODULE, dict(key, rotate=True),
         [fault('acedata', 'POST', '/rotate/$', status=404, body=not_found)], 'ok'),
        ('success', 'seeded key read', CREDENTIAL_MODULE, dict(ace, service='midjourney', name='sec-seeded'), [], 'ok'),
        ('success', 'keys list form with diff', CREDENTIAL_MODULE, dict(ace, credentials=[
            dict(service='midjourney', name='sec-a'), dict(service='midjourney', name='sec-seeded', limited_amount=1)]),
         [], 'ok'),
        ('success', 'keys info', CREDENTIAL_INFO_MODULE, dict(ace), [], 'ok'),
        ('API errors', 'key of a missing application', CREDENTIAL_MODULE, dict(ace, service='suno', name='sec-key'), [],
         'failed'),
        ('injected faults', 'key PATCH 500 until retries run out', CREDENTIAL_MODULE, dict(key, limited_amount=7),
         [fault('acedata', 'PATCH', '/credentials/', times=20, status=500, body=ACEDATA_ERROR)], 'failed'),
        ('validation errors', 'key given and cleared', CREDENTIAL_MODULE, dict(key, limited_amount=1, clear=['limited_amount']),
         [], 'failed'),
        ('success', 'key delete with diff', CREDENTIAL_MODULE, dict(key, state='absent'), [], 'ok'),
    ]


def test_no_credential_token_in_any_output(emulator, runner, ledger):
    """Every token the key modules read (created, rotated, recreated, listed, seeded) stays out of the
    output at -vvvv --diff, out of results, warnings and errors, unless reveal_token."""
    emulator.seed({'acedata': {'tokens': [{'token': SECRETS['api_token'], 'user_id': S.ACEDATA_USER_ID}],
                               'applications': [{'service_id': SERVICE_IDS['midjourney'], 'credentials': [
                                   {'name': 'sec-seeded', 'token': SEEDED_KEY_TOKEN}]}]}})
    steps = credential_plan(emulator)
    tasks = [task(name, module, args) for _group, name, module, args, _faults, _expected in steps]
    run = runner.run(tasks, emulator=emulator.url, steps=dict((name, faults) for _g, name, _m, _a, faults, _e in steps),
                     verbosity=4, diff=True)
    key_secrets = dict(('credential token %s' % cred['id'], cred['token']) for cred in emulator.state()['acedata']['credentials'])
    key_secrets['seeded key'] = SEEDED_KEY_TOKEN
    assert run.returncode == 0, run.describe()
    assert run.result('key rotate without a rotate route').get('warnings'), 'the recreate path was not taken'
    assert len([record for record in run.records if record['result'].get('diff')]) >= 3, 'the diff paths were not taken'
    assert SEEDED_KEY_TOKEN[-4:] in json.dumps(run.result('seeded key read'))  # masked, not absent
    with ledger.attempt(5, 'key tokens at -vvvv --diff', 'acedata') as attempt:
        leaks = attempt.leaks(find_leaks(key_secrets, stdout=run.stdout, stderr=run.stderr))
        assert not leaks, leaks
    check_run_for_leaks(ledger, emulator, run, [(group, name, expected) for group, name, _m, _a, _f, expected in steps],
                        'acedata')


def test_a_revealed_token_is_returned(emulator, runner):
    """reveal_token: the token is in the result (the task's own no_log keeps it out of the output)."""
    emulator.seed({'acedata': {'applications': [{'service_id': SERVICE_IDS['midjourney'], 'credentials': [
        {'name': 'sec-seeded', 'token': SEEDED_KEY_TOKEN}]}]}})
    args = dict(FAST, api_token=S.ACEDATA_TOKEN, api_url=emulator.url, service='midjourney', name='sec-seeded',
                reveal_token=True)
    digest = hashlib.sha1(SEEDED_KEY_TOKEN.encode('utf-8')).hexdigest()  # nosec - a comparison, not a protection
    run = runner.run([task('revealed', CREDENTIAL_MODULE, args, no_log=True, register='revealed'),
                      task('compare', 'ansible.builtin.assert', {'that': ["revealed.credential.token | hash('sha1') == '%s'"
                                                                          % digest]}, ignore_errors=False)],
                     emulator=emulator.url, verbosity=4)
    assert run.returncode == 0, run.describe()
    assert SEEDED_KEY_TOKEN not in run.stdout + run.stderr
