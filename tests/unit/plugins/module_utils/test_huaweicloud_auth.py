# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Huawei Cloud access: choice of credentials, endpoints, project id, IAM tokens and APIG errors."""

import json

import pytest
import requests
from requests.structures import CaseInsensitiveDict

from ansible_collections.apiops.provisioning.plugins.module_utils.huaweicloud import (
    AkSkAuth,
    AuthConfigError,
    HuaweiCloud,
    PasswordAuth,
    TokenAuth,
    instance_path,
    parse_error,
    sign,
)
from ansible_collections.apiops.provisioning.plugins.module_utils.transport import ApiError
from ansible_collections.apiops.provisioning.tests.unit.plugins.module_utils.fakes import (
    FakeResponse,
    FakeSession,
)

AK = 'QTWAOYTTINDUT2QVKYUC'
SK = 'MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc'
PASSWORD = 'Pa55w0rd-very-secret'
IAM = 'https://iam.cn-north-4.myhuaweicloud.com'
APIG = 'https://apig.cn-north-4.myhuaweicloud.com'


def params(**overrides):
    base = dict(region='cn-north-4', project_id=None, instance_id='inst1', access_key=None, secret_key=None,
                security_token=None, auth_token=None, user=None, password=None, domain=None, apig_endpoint=None,
                iam_endpoint=None, validate_certs=True, timeout=30.0, retries=4, retry_max_delay=30.0)
    base.update(overrides)
    return base


def connect(script, **overrides):
    """A HuaweiCloud whose every transport answers from ``script`` (one shared fake session)."""
    cloud = HuaweiCloud(params(**overrides))
    session = FakeSession(list(script))
    sleeps = []
    make = cloud._transport

    def transport(base_url, auth):
        t = make(base_url, auth)
        t._session = session
        t.sleep = sleeps.append
        return t
    cloud._transport = transport
    return cloud, session, sleeps


def projects(*names_ids):
    return FakeResponse(200, {'projects': [{'id': pid, 'name': name, 'enabled': True} for name, pid in names_ids],
                              'links': {}})


def token_reply(token, project_id='p-from-token'):
    body = {'token': {'expires_at': '2030-01-01T00:00:00.000000Z', 'methods': ['password']}}
    if project_id:
        body['token']['project'] = {'id': project_id, 'name': 'cn-north-4'}
    return FakeResponse(201, body, headers={'X-Subject-Token': token})


def apig_error(status, code, msg, request_id='req-1'):
    return FakeResponse(status, {'error_code': code, 'error_msg': msg}, headers={'X-Request-Id': request_id})


def verify_signature(call):
    """Re-sign the recorded request with the secret: the signature must be the same."""
    headers = dict((k, v) for k, v in call['headers'].items() if k != 'Authorization')
    expected = sign(call['method'], call['url'], headers, call['data'] or b'', AK, SK)['Authorization']
    assert call['headers']['Authorization'] == expected


# ---------------------------------------------------------------------------------------------
# Choice of credentials (no request is made)
# ---------------------------------------------------------------------------------------------
def test_aksk_wins_over_token_and_password():
    cloud = HuaweiCloud(params(access_key=AK, secret_key=SK, auth_token='tok', user='u', password=PASSWORD, domain='d'))
    assert isinstance(cloud.auth, AkSkAuth)
    assert (cloud.auth.access_key, cloud.auth.secret_key) == (AK, SK)
    assert cloud.request_count == 0


def test_token_wins_over_password():
    cloud = HuaweiCloud(params(auth_token='tok', user='u', password=PASSWORD, domain='d'))
    assert isinstance(cloud.auth, TokenAuth) and not isinstance(cloud.auth, PasswordAuth)
    assert cloud.auth.token == 'tok'


def test_password_auth_fetches_later():
    cloud = HuaweiCloud(params(user='u', password=PASSWORD, domain='d'))
    assert isinstance(cloud.auth, PasswordAuth)
    assert cloud.auth.token is None
    assert cloud.request_count == 0


def test_temporary_aksk_sends_and_signs_security_token():
    cloud, session, dummy = connect([FakeResponse(200, {'quotas': [], 'total': 0})],
                                    access_key=AK, secret_key=SK, security_token='sts-token', project_id='p1')
    cloud.request('GET', '/app-quotas')
    call = session.calls[0]
    assert call['headers']['X-Security-Token'] == 'sts-token'
    assert 'x-security-token' in call['headers']['Authorization'].split('SignedHeaders=')[1].split(',')[0].split(';')
    verify_signature(call)


@pytest.mark.parametrize('given, named', [
    (dict(access_key=AK), ['secret_key']),
    (dict(secret_key=SK), ['access_key']),
    (dict(access_key=AK, auth_token='tok'), ['secret_key']),
    (dict(security_token='sts'), ['security_token', 'access_key', 'secret_key']),
    (dict(user='u', password=PASSWORD), ['domain']),
    (dict(user='u', domain='d'), ['password']),
    (dict(password=PASSWORD), ['user', 'domain']),
    (dict(), ['access_key', 'secret_key', 'auth_token', 'user', 'password', 'domain']),
])
def test_incomplete_credentials_fail_naming_options(given, named):
    with pytest.raises(AuthConfigError) as info:
        HuaweiCloud(params(**given))
    for option in named:
        assert option in str(info.value)
    assert PASSWORD not in str(info.value)


def test_missing_region_fails_naming_it():
    with pytest.raises(AuthConfigError) as info:
        HuaweiCloud(params(region=None, access_key=AK, secret_key=SK))
    assert 'region' in str(info.value)


def test_apig_endpoint_without_region_still_needs_project_id():
    with pytest.raises(AuthConfigError) as info:
        HuaweiCloud(params(region=None, apig_endpoint='https://gw.example.test', access_key=AK, secret_key=SK))
    assert 'project_id' in str(info.value)
    cloud = HuaweiCloud(params(region=None, apig_endpoint='https://gw.example.test', project_id='p1',
                               access_key=AK, secret_key=SK))
    assert cloud.resolve_project_id() == 'p1'


# ---------------------------------------------------------------------------------------------
# Endpoints
# ---------------------------------------------------------------------------------------------
def test_default_endpoints():
    cloud = HuaweiCloud(params(access_key=AK, secret_key=SK))
    assert cloud.apig_url == 'https://apig.cn-north-4.myhuaweicloud.com'
    assert cloud.iam_url == 'https://iam.cn-north-4.myhuaweicloud.com'


def test_eu_west_101_endpoints():
    cloud = HuaweiCloud(params(region='eu-west-101', access_key=AK, secret_key=SK))
    assert cloud.apig_url == 'https://apig.eu-west-101.myhuaweicloud.eu'
    assert cloud.iam_url == 'https://iam.eu-west-101.myhuaweicloud.eu'


def test_endpoint_overrides_win():
    cloud = HuaweiCloud(params(region='eu-west-101', access_key=AK, secret_key=SK,
                               apig_endpoint='http://127.0.0.1:8080', iam_endpoint='http://127.0.0.1:8081'))
    assert cloud.apig_url == 'http://127.0.0.1:8080'
    assert cloud.iam_url == 'http://127.0.0.1:8081'


def test_requests_go_to_overridden_endpoint():
    cloud, session, dummy = connect([FakeResponse(200, {'quotas': [], 'total': 0})], access_key=AK, secret_key=SK,
                                    project_id='p1', apig_endpoint='http://127.0.0.1:8080/')
    cloud.list_all('/app-quotas', 'quotas')
    assert session.calls[0]['url'] == 'http://127.0.0.1:8080/v2/p1/apigw/instances/inst1/app-quotas?limit=500&offset=0'


# ---------------------------------------------------------------------------------------------
# Project id
# ---------------------------------------------------------------------------------------------
def test_project_id_given_costs_nothing():
    cloud, session, dummy = connect([], access_key=AK, secret_key=SK, project_id='given')
    assert cloud.resolve_project_id() == 'given'
    assert session.calls == []


def test_project_id_lookup_with_aksk_is_signed_and_cached():
    cloud, session, dummy = connect([projects(('cn-north-4', 'p-123')), FakeResponse(200, {'quotas': [], 'total': 0})],
                                    access_key=AK, secret_key=SK)
    assert cloud.resolve_project_id() == 'p-123'
    assert len(session.calls) == 1
    call = session.calls[0]
    assert call['method'] == 'GET'
    assert call['url'] == IAM + '/v3/projects?name=cn-north-4'
    assert call['headers']['Authorization'].startswith('SDK-HMAC-SHA256 Access=%s, ' % AK)
    assert 'X-Project-Id' not in call['headers']
    verify_signature(call)
    # Cached: asking again sends nothing.
    assert cloud.resolve_project_id() == 'p-123'
    assert len(session.calls) == 1
    # APIG calls then use it, in the path and in the signed X-Project-Id header.
    cloud.list_all('/app-quotas', 'quotas')
    assert len(session.calls) == 2
    apig = session.calls[1]
    assert apig['url'].startswith(APIG + '/v2/p-123/apigw/instances/inst1/app-quotas?')
    assert apig['headers']['X-Project-Id'] == 'p-123'
    verify_signature(apig)


@pytest.mark.parametrize('answer', [
    projects(),
    projects(('cn-north-4', 'p-1'), ('cn-north-4', 'p-2')),
    projects(('cn-north-4_sub', 'p-3')),
], ids=['none', 'several', 'only-similar'])
def test_project_id_lookup_needs_exactly_one(answer):
    cloud, session, dummy = connect([answer], access_key=AK, secret_key=SK)
    with pytest.raises(ApiError) as info:
        cloud.resolve_project_id()
    assert 'project_id' in str(info.value)
    assert 'cn-north-4' in str(info.value)


def test_project_id_lookup_with_given_token():
    cloud, session, dummy = connect([projects(('cn-north-1', 'p-x'), ('cn-north-4', 'p-4'))], auth_token='iam-token')
    assert cloud.resolve_project_id() == 'p-4'
    call = session.calls[0]
    assert call['url'] == IAM + '/v3/auth/projects'
    assert call['headers']['X-Auth-Token'] == 'iam-token'
    assert 'Authorization' not in call['headers']


# ---------------------------------------------------------------------------------------------
# Password exchange
# ---------------------------------------------------------------------------------------------
def test_password_exchange_body_and_project_from_token():
    cloud, session, dummy = connect([token_reply('tok-1', 'p-9')], user='alice', password=PASSWORD, domain='acme')
    assert cloud.resolve_project_id() == 'p-9'
    assert len(session.calls) == 1
    call = session.calls[0]
    assert call['method'] == 'POST'
    assert call['url'] == IAM + '/v3/auth/tokens?nocatalog=true'
    assert 'X-Auth-Token' not in call['headers'] and 'Authorization' not in call['headers']
    body = json.loads(call['data'].decode('utf-8'))
    assert body == {'auth': {'identity': {'methods': ['password'],
                                          'password': {'user': {'name': 'alice', 'password': PASSWORD,
                                                                'domain': {'name': 'acme'}}}},
                             'scope': {'project': {'name': 'cn-north-4'}}}}
    assert cloud.auth.token == 'tok-1'
    # The token is reused: the APIG call sends no second exchange.
    session.script.append(FakeResponse(200, {'quotas': [], 'total': 0}))
    cloud.list_all('/app-quotas', 'quotas')
    assert len(session.calls) == 2
    assert session.calls[1]['headers']['X-Auth-Token'] == 'tok-1'
    assert session.calls[1]['url'].startswith(APIG + '/v2/p-9/')


def test_password_exchange_scoped_by_given_project_id():
    cloud, session, dummy = connect([token_reply('tok-1', 'p-other'), FakeResponse(200, {'quotas': [], 'total': 0})],
                                    user='alice', password=PASSWORD, domain='acme', project_id='p-given')
    cloud.list_all('/app-quotas', 'quotas')
    body = json.loads(session.calls[0]['data'].decode('utf-8'))
    assert body['auth']['scope'] == {'project': {'id': 'p-given'}}
    assert cloud.resolve_project_id() == 'p-given'
    assert '/v2/p-given/' in session.calls[1]['url']


def test_password_token_without_project_looks_it_up_with_the_token():
    """A token that names no project: the project is looked up in IAM with it, once."""
    cloud, session, dummy = connect([token_reply('tok-1', None), projects(('cn-north-4', 'p-5')),
                                     FakeResponse(200, {'quotas': [], 'total': 0})],
                                    user='alice', password=PASSWORD, domain='acme')
    cloud.list_all('/app-quotas', 'quotas')
    assert [(c['method'], c['url'].split('?')[0]) for c in session.calls] == [
        ('POST', IAM + '/v3/auth/tokens'), ('GET', IAM + '/v3/auth/projects'),
        ('GET', APIG + '/v2/p-5/apigw/instances/inst1/app-quotas')]
    assert 'X-Auth-Token' not in session.calls[0]['headers']
    assert [c['headers']['X-Auth-Token'] for c in session.calls[1:]] == ['tok-1', 'tok-1']
    assert cloud.resolve_project_id() == 'p-5'
    assert len(session.calls) == 3


def test_instance_path_quotes_known_values():
    assert instance_path('p/1', 'in st', '/app-quotas') == '/v2/p%2F1/apigw/instances/in%20st/app-quotas'


@pytest.mark.parametrize('answer', [
    FakeResponse(401, {'error': {'code': 401, 'message': 'The username or password is wrong.', 'title': 'Unauthorized'}},
                 headers={'X-Request-Id': 'iam-req'}),
    FakeResponse(400, {'error_code': 'IAM.0007', 'error_msg': 'Request body is invalid.'}),
    requests.exceptions.ReadTimeout('Read timed out.'),
    FakeResponse(201, {'token': {}}),  # no X-Subject-Token header
], ids=['401', '400', 'timeout', 'no-token-header'])
def test_password_exchange_errors_never_show_the_password(answer):
    cloud, session, dummy = connect([answer], user='alice', password=PASSWORD, domain='acme')
    with pytest.raises(ApiError) as info:
        cloud.resolve_project_id()
    assert len(session.calls) == 1  # a POST is never retried blindly
    assert '/v3/auth/tokens' in str(info.value)
    for text in [str(info.value)] + ['%s' % (v,) for v in info.value.fail_kwargs().values()]:
        assert PASSWORD not in text


def test_password_exchange_error_keeps_iam_words():
    answer = FakeResponse(401, {'error': {'code': 401, 'message': 'The username or password is wrong.'}},
                          headers={'X-Request-Id': 'iam-req'})
    cloud, dummy, dummy2 = connect([answer], user='alice', password=PASSWORD, domain='acme')
    with pytest.raises(ApiError) as info:
        cloud.resolve_project_id()
    assert info.value.status == 401
    assert 'The username or password is wrong.' in str(info.value)
    assert info.value.request_id == 'iam-req'


def test_token_renewed_once_after_apig_1002():
    script = [
        token_reply('tok-1'),
        apig_error(401, 'APIG.1002', 'Incorrect token or token resolution failed'),
        token_reply('tok-2'),
        FakeResponse(200, {'quotas': [], 'total': 0}),
        apig_error(401, 'APIG.1002', 'Incorrect token or token resolution failed', 'req-final'),
    ]
    cloud, session, sleeps = connect(script, user='alice', password=PASSWORD, domain='acme', project_id='p1')
    assert cloud.list_all('/app-quotas', 'quotas') == []
    kinds = [(c['method'], c['url'].split('?')[0]) for c in session.calls]
    assert kinds == [('POST', IAM + '/v3/auth/tokens'), ('GET', APIG + '/v2/p1/apigw/instances/inst1/app-quotas'),
                     ('POST', IAM + '/v3/auth/tokens'), ('GET', APIG + '/v2/p1/apigw/instances/inst1/app-quotas')]
    assert [c['headers']['X-Auth-Token'] for c in session.calls if c['method'] == 'GET'] == ['tok-1', 'tok-2']
    # A second refusal in the same run is final: no token exchange loop.
    with pytest.raises(ApiError) as info:
        cloud.list_all('/app-quotas', 'quotas')
    assert info.value.status == 401
    assert info.value.code == 'APIG.1002'
    assert len(session.calls) == 5
    assert sleeps == []


def test_given_token_is_not_renewed():
    cloud, session, dummy = connect([apig_error(401, 'APIG.1002', 'Incorrect token'), FakeResponse(200, {})],
                                    auth_token='given-token', project_id='p1')
    with pytest.raises(ApiError) as info:
        cloud.request('GET', '/app-quotas')
    assert len(session.calls) == 1
    assert 'given-token' not in str(info.value)


def test_request_count_counts_every_endpoint():
    cloud, dummy, dummy2 = connect([projects(('cn-north-4', 'p-1')), FakeResponse(200, {'quotas': [], 'total': 0})],
                                   access_key=AK, secret_key=SK)
    cloud.list_all('/app-quotas', 'quotas')
    assert cloud.request_count == 2


# ---------------------------------------------------------------------------------------------
# Error parsing
# ---------------------------------------------------------------------------------------------
def headers(**values):
    return CaseInsensitiveDict(values)


@pytest.mark.parametrize('data, expected', [
    ({'error_code': 'APIG.3093', 'error_msg': 'App quota q does not exist'}, ('APIG.3093', 'App quota q does not exist')),
    ({'errorCode': 'APIG.2001', 'errorMsg': 'camel case'}, ('APIG.2001', 'camel case')),
    ({'code': 'IAM.0001', 'message': 'plain keys'}, ('IAM.0001', 'plain keys')),
    ({'error': {'code': 401, 'message': 'nested', 'title': 'Unauthorized'}}, ('401', 'nested')),
    ({'error_code': 'APIG.1', 'error_msg': 'first', 'code': 'X', 'message': 'second'}, ('APIG.1', 'first')),
])
def test_parse_error_shapes(data, expected):
    code, message, request_id = parse_error(400, data, json.dumps(data), headers(**{'X-Request-Id': 'r-9'}))
    assert (code, message) == expected
    assert request_id == 'r-9'


def test_parse_error_request_id_from_body_and_header_case():
    data = {'error_code': 'APIGW.0301', 'error_msg': 'Incorrect IAM authentication information', 'request_id': 'body-id'}
    assert parse_error(401, data, json.dumps(data), headers())[2] == 'body-id'
    assert parse_error(401, data, json.dumps(data), headers(**{'x-request-id': 'hdr-id'}))[2] == 'hdr-id'


def test_parse_error_html_and_empty():
    page = '<html><head><title>503 Service Temporarily Unavailable</title></head><body>x</body></html>'
    code, message, request_id = parse_error(503, None, page, headers())
    assert code is None
    assert '503 Service Temporarily Unavailable' in message
    assert request_id is None
    assert parse_error(503, None, '', headers())[1] == 'HTTP 503 with an empty body'


@pytest.mark.parametrize('region', ['af-north-1', 'ap-southeast-5', 'cn-north-11', 'cn-south-4', 'cn-southwest-3',
                                    'ru-northwest-2'])
def test_iam_endpoint_for_regions_without_a_regional_one(region):
    """The vendor's SDKs list no regional IAM endpoint for these APIG regions and use the global one."""
    cloud = HuaweiCloud(params(region=region, access_key=AK, secret_key=SK))
    assert cloud.iam_url == 'https://iam.myhuaweicloud.com'
    assert cloud.apig_url == 'https://apig.%s.myhuaweicloud.com' % region
    cloud = HuaweiCloud(params(region=region, access_key=AK, secret_key=SK, iam_endpoint='http://127.0.0.1:8081'))
    assert cloud.iam_url == 'http://127.0.0.1:8081'
