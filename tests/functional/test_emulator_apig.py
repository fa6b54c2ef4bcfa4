# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Conformance of the APIG/IAM emulator with huawei-apig-api.md.

Run with ``cd <repo> && PYTHONPATH=tests python -m pytest tests/functional/test_emulator_apig.py``.
Requests are signed with a small signer written here from section 5.2 of the reference (not the
collection's signer and not the emulator's verifier), so that the three stay independent.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import re
import time
from urllib.parse import parse_qsl, quote, unquote, urlsplit

import pytest
import requests

from emulator import seed as S
from emulator.apig import ApigPlugin, IamPlugin, verify_aksk
from emulator.client import EmulatorClient
from emulator.core import BackgroundServer, Request

BASE = '/v2/%s/apigw/instances/%s' % (S.PROJECT_ID, S.INSTANCE_ID)
APP_A, APP_B, APP_C, APP_AB = (app['id'] for app in S.DEFAULT_SEED['apig']['apps'])
HEX32 = re.compile('^[0-9a-f]{32}$')
CREATE_TIME = re.compile(r'^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?\+08:00$')
READ_TIME = re.compile(r'^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$')
NANO_Z_TIME = re.compile(r'^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$')
QUOTA = {'name': 'ClientQuota_demo', 'call_limits': 1000, 'time_unit': 'DAY', 'time_interval': 1,
         'reset_time': '2020-09-20 00:00:00'}
EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'


# -- a test-local signer, written from section 5.2 ---------------------------------------------------

def sdk_date(delta_seconds=0):
    moment = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=delta_seconds)
    return moment.strftime('%Y%m%dT%H%M%SZ')


def canonical_query(pairs):
    return '&'.join('%s=%s' % (quote(k, safe='~'), quote(str(v), safe='~')) for k, v in sorted(pairs))


def canonical_request(method, path, query, headers, body):
    uri = '/'.join(quote(segment, safe='~') for segment in unquote(path).split('/'))
    uri += '' if uri.endswith('/') else '/'
    signed = sorted(name.lower() for name in headers if '_' not in name)
    lowered = {name.lower(): str(value) for name, value in headers.items()}
    canonical_headers = ''.join('%s:%s\n' % (name, lowered[name].strip()) for name in signed)
    if not body:
        payload = EMPTY_SHA256
    elif 'x-sdk-content-sha256' in lowered:
        payload = lowered['x-sdk-content-sha256']
    else:
        payload = hashlib.sha256(body).hexdigest()
    return '\n'.join([method.upper(), uri, query, canonical_headers, ';'.join(signed), payload]), ';'.join(signed)


def signature(secret, date, creq):
    to_sign = 'SDK-HMAC-SHA256\n%s\n%s' % (date, hashlib.sha256(creq.encode('utf-8')).hexdigest())
    return hmac.new(secret.encode('utf-8'), to_sign.encode('utf-8'), hashlib.sha256).hexdigest()


def sign(method, path, query, headers, body, access, secret):
    """Add X-Sdk-Date (unless set) and Authorization to ``headers`` (which must hold Host)."""
    headers.setdefault('X-Sdk-Date', sdk_date())
    creq, signed = canonical_request(method, path, query, headers, body)
    headers['Authorization'] = 'SDK-HMAC-SHA256 Access=%s, SignedHeaders=%s, Signature=%s' % (
        access, signed, signature(secret, headers['X-Sdk-Date'], creq))
    return headers


# -- fixtures ------------------------------------------------------------------------------------------

class Client(EmulatorClient):
    """Calls the emulator like the SDK does: the canonical query is the wire query."""

    def __init__(self, url, emulator):
        super().__init__(url)
        self.emulator = emulator
        self.netloc = urlsplit(url).netloc

    def call(self, method, path, body=None, query=None, access=S.ACCESS_KEY, secret=S.SECRET_KEY, headers=None,
             project_id=S.PROJECT_ID, raw=None, tamper=None, token=None, sign_it=True):
        """``path`` is absolute or relative to the instance; ``tamper(headers)`` runs after signing."""
        path = path if path.startswith('/v') else BASE + path
        data = raw if raw is not None else (json.dumps(body).encode('utf-8') if body is not None else b'')
        query = canonical_query((query or {}).items())
        sent = {'Host': self.netloc,
                'Content-Type': 'application/json;charset=utf-8' if method in ('POST', 'PUT') else 'application/json'}
        if project_id:
            sent['X-Project-Id'] = project_id
        sent.update(headers or {})
        if token is not None:
            sent['X-Auth-Token'] = token
        elif sign_it:
            sign(method, path, query, sent, data, access, secret)
        if tamper:
            tamper(sent)
        return requests.request(method, self.url + path + ('?' + query if query else ''), data=data, headers=sent, timeout=10)

    def create(self, **overrides):
        response = self.call('POST', '/app-quotas', dict(QUOTA, **overrides))
        assert response.status_code == 201, response.text
        return response.json()

    def password_token(self, **overrides):
        body = {'auth': {'identity': {'methods': ['password'], 'password': {'user': {
            'name': S.USER_NAME, 'password': S.USER_PASSWORD, 'domain': {'name': S.DOMAIN_NAME}}}},
            'scope': {'project': {'name': S.REGION}}}}
        body['auth']['identity']['password']['user'].update(overrides.pop('user', {}))
        body['auth'].update(overrides)
        return requests.post(self.url + '/v3/auth/tokens', json=body, timeout=10)


@pytest.fixture(scope='module')
def server():
    with BackgroundServer(readings=(), plugins=[IamPlugin, ApigPlugin]) as background:
        yield Client(background.url, background.emulator)


@pytest.fixture
def api(server):
    server.reset()
    return server


def assert_error(response, status, code, message=None):
    assert response.status_code == status, response.text
    body = response.json()
    assert body['error_code'] == code, body
    if message is not None:
        assert body['error_msg'] == message, body
    return body


def assert_invalid(response, field):
    assert_error(response, 400, 'APIG.2012',
                 'Invalid parameter value,parameterName:%s. Please refer to the support documentation' % field)


# -- signing ------------------------------------------------------------------------------------------

VECTOR_PATH = '/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs'
VECTOR_QUERY = 'limit=2&marker=13551d6b-755d-4757-b956-536f674975c0'
VECTOR_HEADERS = {'Content-Type': 'application/json', 'Host': 'service.region.example.com', 'X-Sdk-Date': '20191115T033655Z'}
VECTOR_AK, VECTOR_SK = 'QTWAOYTTINDUT2QVKYUC', 'MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc'
VECTOR_SIGNATURE = '7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe'
VECTOR_TIME = datetime.datetime(2019, 11, 15, 3, 36, 55, tzinfo=datetime.timezone.utc)


def vector_request(query=VECTOR_QUERY, access=VECTOR_AK):
    headers = dict(VECTOR_HEADERS, Authorization='SDK-HMAC-SHA256 Access=%s, SignedHeaders=content-type;host;x-sdk-date, Signature=%s'
                   % (access, VECTOR_SIGNATURE))
    return Request('GET', VECTOR_PATH + '?' + query, headers, b'')


def vector_keys(access):
    return (VECTOR_SK, None) if access == VECTOR_AK else None


def test_signer_reproduces_documented_vector():
    creq, signed = canonical_request('GET', VECTOR_PATH, canonical_query(parse_qsl(VECTOR_QUERY)), VECTOR_HEADERS, b'')
    assert creq == ('GET\n/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs/\nlimit=2&marker=13551d6b-755d-4757-b956-536f674975c0\n'
                    'content-type:application/json\nhost:service.region.example.com\nx-sdk-date:20191115T033655Z\n\n'
                    'content-type;host;x-sdk-date\n' + EMPTY_SHA256)
    assert signed == 'content-type;host;x-sdk-date'
    assert hashlib.sha256(creq.encode()).hexdigest() == 'b25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a'
    assert signature(VECTOR_SK, '20191115T033655Z', creq) == VECTOR_SIGNATURE


def test_documented_vector_verifies_through_emulator_verifier():
    assert verify_aksk(vector_request(), vector_keys, now=VECTOR_TIME) is None
    assert verify_aksk(vector_request(), vector_keys, now=VECTOR_TIME + datetime.timedelta(minutes=14)) is None
    assert verify_aksk(vector_request(), vector_keys, now=VECTOR_TIME + datetime.timedelta(minutes=16)) == 'signature expired'
    assert verify_aksk(vector_request('limit=3&marker=13551d6b-755d-4757-b956-536f674975c0'), vector_keys,
                       now=VECTOR_TIME) == 'verify aksk signature fail'
    assert verify_aksk(vector_request(access='OTHERAK'), vector_keys,
                       now=VECTOR_TIME) == 'Get secretKey failed,ak:OTHERAK,err:ak not exist'
    # Query pairs are sorted by the verifier; order on the wire does not matter.
    assert verify_aksk(vector_request('marker=13551d6b-755d-4757-b956-536f674975c0&limit=2'), vector_keys, now=VECTOR_TIME) is None


def test_query_with_reserved_characters_verifies(api):
    api.create(name='q_demo')
    response = api.call('GET', '/app-quotas', query={'name': 'q demo/x~', 'limit': 500, 'offset': 0})
    assert response.status_code == 200, response.text
    assert response.json()['total'] == 0


# -- quotas -------------------------------------------------------------------------------------------

def test_create_answer_shape(api):
    response = api.call('POST', '/app-quotas', QUOTA)
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {'app_quota_id', 'name', 'call_limits', 'time_unit', 'time_interval', 'reset_time', 'create_time'}
    assert HEX32.match(body['app_quota_id'])
    assert CREATE_TIME.match(body['create_time']), body['create_time']
    assert body['reset_time'] == '2020-09-20 00:00:00'
    assert (body['name'], body['call_limits'], body['time_unit'], body['time_interval']) == ('ClientQuota_demo', 1000, 'DAY', 1)
    assert HEX32.match(response.headers['X-Request-Id'])


def test_show_and_list_shape(api):
    created = api.create(remark='demo')
    show = api.call('GET', '/app-quotas/' + created['app_quota_id'])
    assert show.status_code == 200
    body = show.json()
    assert set(body) == {'app_quota_id', 'name', 'call_limits', 'time_unit', 'time_interval', 'reset_time', 'create_time', 'remark'}
    assert READ_TIME.match(body['create_time'])
    assert body['reset_time'] == '2020-09-20 00:00:00 +0000 +0000'
    assert body['remark'] == 'demo'
    # The same instant as the create answer (+08:00 there, UTC here), and stable across reads.
    created_at = datetime.datetime.fromisoformat(created['create_time'][:19] + '+08:00')
    assert created_at == datetime.datetime.fromisoformat(body['create_time'].replace('Z', '+00:00'))
    assert api.call('GET', '/app-quotas/' + created['app_quota_id']).json() == body
    listed = api.call('GET', '/app-quotas').json()
    assert listed == {'size': 1, 'total': 1, 'quotas': [body]}


def test_create_without_optionals_omits_them(api):
    body = dict(QUOTA)
    del body['reset_time']
    created = api.call('POST', '/app-quotas', body).json()
    assert 'reset_time' not in created and 'remark' not in created
    shown = api.call('GET', '/app-quotas/' + created['app_quota_id']).json()
    assert set(shown) == {'app_quota_id', 'name', 'call_limits', 'time_unit', 'time_interval', 'create_time'}


def test_update(api):
    quota_id = api.create(remark='before')['app_quota_id']
    change = {'name': 'Renamed_quota', 'call_limits': 5, 'time_unit': 'HOUR', 'time_interval': 2,
              'remark': 'after', 'reset_time': '2021-01-02 03:04:05'}
    response = api.call('PUT', '/app-quotas/' + quota_id, change)
    assert response.status_code == 200
    body = response.json()
    assert READ_TIME.match(body['create_time'])
    assert body == dict(change, app_quota_id=quota_id, create_time=body['create_time'])
    shown = api.call('GET', '/app-quotas/' + quota_id).json()
    assert shown['reset_time'] == '2021-01-02 03:04:05 +0000 +0000' and shown['name'] == 'Renamed_quota'
    # PUT is a full write: optional keys left out are cleared (strict reading).
    minimal = {k: change[k] for k in ('name', 'call_limits', 'time_unit', 'time_interval')}
    assert api.call('PUT', '/app-quotas/' + quota_id, minimal).status_code == 200
    shown = api.call('GET', '/app-quotas/' + quota_id).json()
    assert 'remark' not in shown and 'reset_time' not in shown
    # remark "" is accepted (Terraform sends it) and means no remark.
    assert api.call('PUT', '/app-quotas/' + quota_id, dict(minimal, remark='')).status_code == 200


@pytest.mark.parametrize('field', ['name', 'call_limits', 'time_unit', 'time_interval'])
def test_mandatory_fields_on_create_and_put(api, field):
    quota_id = api.create()['app_quota_id']
    body = dict(QUOTA)
    del body[field]
    if field != 'name':
        body['name'] = 'Other_quota'
    assert_invalid(api.call('POST', '/app-quotas', body), field)
    assert_invalid(api.call('PUT', '/app-quotas/' + quota_id, body), field)


INVALID_VALUES = [
    ('name', 'ab'), ('name', '1abc'), ('name', '_abc'), ('name', 'ab-c'), ('name', 'ab c'), ('name', 'a' * 256),
    ('name', 'abc\n'), ('name', 5), ('name', None),
    ('call_limits', 0), ('call_limits', -1), ('call_limits', 2147483648), ('call_limits', '10'), ('call_limits', True),
    ('call_limits', 1.5), ('call_limits', None),
    ('time_unit', 'WEEK'), ('time_unit', 'day'), ('time_unit', ['DAY']),
    ('time_interval', 0), ('time_interval', 2147483648), ('time_interval', '1'), ('time_interval', False),
    ('remark', 'a<b'), ('remark', 'a>b'), ('remark', 'x' * 256), ('remark', 5),
    ('reset_time', '2020-09-20T00:00:00'), ('reset_time', '2020-09-20'), ('reset_time', '2020-13-01 00:00:00'),
    ('reset_time', '2020-09-20 00:00:00 +0000 +0000'), ('reset_time', 1600560000),
    ('app_quota_id', '0' * 32), ('unknown_key', 'x'),
]


@pytest.mark.parametrize('field,value', INVALID_VALUES)
def test_invalid_values_on_create_and_put(api, field, value):
    quota_id = api.create()['app_quota_id']
    body = dict(QUOTA, name='Other_quota')
    body[field] = value
    assert_invalid(api.call('POST', '/app-quotas', body), field)
    assert_invalid(api.call('PUT', '/app-quotas/' + quota_id, body), field)
    assert api.call('GET', '/app-quotas').json()['total'] == 1


@pytest.mark.parametrize('field,value', [
    ('name', 'abc'), ('name', 'a' * 255), ('name', '配额_一'), ('name', 'Q配额'), ('call_limits', 2147483647),
    ('time_interval', 2147483647), ('time_unit', 'SECOND'), ('remark', 'x' * 255), ('remark', ''),
    ('reset_time', '2024-02-29 23:59:59'),
])
def test_boundary_values_accepted(api, field, value):
    assert api.call('POST', '/app-quotas', dict(QUOTA, **{field: value})).status_code == 201


@pytest.mark.parametrize('raw', [b'{"name": ', b'[1, 2]', b'', b'"text"', b'\xff\xfe'])
def test_malformed_body(api, raw):
    assert_error(api.call('POST', '/app-quotas', raw=raw), 400, 'APIG.2000', 'Parameter error')


def test_duplicate_name(api):
    first = api.create()['app_quota_id']
    assert_error(api.call('POST', '/app-quotas', QUOTA), 400, 'APIG.3325', 'The API quota name already exists')
    second = api.create(name='clientquota_demo')['app_quota_id']  # case-sensitive (strict reading)
    assert_error(api.call('PUT', '/app-quotas/' + second, QUOTA), 400, 'APIG.3325', 'The API quota name already exists')
    assert api.call('PUT', '/app-quotas/' + first, dict(QUOTA, call_limits=7)).status_code == 200


def test_delete(api):
    quota_id = api.create()['app_quota_id']
    response = api.call('DELETE', '/app-quotas/' + quota_id)
    assert response.status_code == 204 and response.content == b''
    message = 'App quota %s does not exist' % quota_id
    assert_error(api.call('DELETE', '/app-quotas/' + quota_id), 404, 'APIG.3093', message)
    assert_error(api.call('GET', '/app-quotas/' + quota_id), 404, 'APIG.3093', message)
    assert_error(api.call('PUT', '/app-quotas/' + quota_id, QUOTA), 404, 'APIG.3093', message)


def test_unknown_instance(api):
    path = '/v2/%s/apigw/instances/%s/app-quotas' % (S.PROJECT_ID, 'f' * 32)
    assert_error(api.call('GET', path), 404, 'APIG.3030', 'The instance does not exist;id:' + 'f' * 32)
    assert_error(api.call('POST', path, QUOTA), 404, 'APIG.3030')


def test_unknown_route(api):
    assert_error(api.call('GET', '/nothing-here'), 404, 'APIG.0101')
    assert_error(api.call('PATCH', '/app-quotas'), 404, 'APIG.0101')


def test_pagination_clamping(api):
    api.control('POST', 'seed', {'apig': {'quotas': [
        {'name': 'quota_%04d' % i, 'call_limits': 1, 'time_unit': 'DAY', 'time_interval': 1} for i in range(501)]}})

    def page(**query):
        body = api.call('GET', '/app-quotas', query=query).json()
        return body['size'], body['total'], [q['name'] for q in body['quotas']]

    assert page()[:2] == (20, 501)
    assert page(limit=0)[:2] == (20, 501)
    assert page(limit=-3)[:2] == (20, 501)
    assert page(limit=600)[:2] == (500, 501)
    assert page(limit=500)[:2] == (500, 501)
    assert page(offset=-5, limit=2)[2] == ['quota_0000', 'quota_0001']
    assert page(offset=499, limit=10) == (2, 501, ['quota_0499', 'quota_0500'])
    assert page(offset=501)[:2] == (0, 501)
    names = page(limit=500)[2] + page(offset=500, limit=500)[2]
    assert names == ['quota_%04d' % i for i in range(501)]  # stable creation order
    assert_invalid(api.call('GET', '/app-quotas', query={'limit': 'ten'}), 'limit')
    assert_invalid(api.call('GET', '/app-quotas', query={'offset': '1.5'}), 'offset')


def test_quota_name_filter_is_fuzzy(api):
    for name in ('daily_limit', 'daily_limit_b', 'hourly', 'Daily_upper'):
        api.create(name=name)
    names = [q['name'] for q in api.call('GET', '/app-quotas', query={'name': 'daily'}).json()['quotas']]
    assert names == ['daily_limit', 'daily_limit_b']
    assert api.call('GET', '/app-quotas', query={'name': 'limit', 'limit': 1}).json()['total'] == 2
    assert api.call('GET', '/app-quotas', query={'name': 'nomatch'}).json() == {'size': 0, 'total': 0, 'quotas': []}


# -- apps ---------------------------------------------------------------------------------------------

def test_apps_list_filters_and_shape(api):
    fuzzy = api.call('GET', '/apps', query={'name': 'consumer_app_a'}).json()
    assert [a['name'] for a in fuzzy['apps']] == ['consumer_app_a', 'consumer_app_ab']
    exact = api.call('GET', '/apps', query={'name': 'consumer_app_a', 'precise_search': 'name'}).json()
    assert exact['total'] == 1 and exact['apps'][0]['id'] == APP_A
    item = exact['apps'][0]
    assert 'app_id' not in item
    assert {'id', 'name', 'remark', 'creator', 'update_time', 'app_key', 'app_secret', 'register_time', 'status',
            'app_type', 'bind_num'} == set(item)
    assert re.match(r'^.{3}\*{12}.{3}$', item['app_secret'])
    assert (item['status'], item['creator'], item['app_type'], item['bind_num']) == (1, 'USER', 'apig', 0)
    assert READ_TIME.match(item['register_time'])
    assert api.call('GET', '/apps', query={'id': APP_B}).json()['apps'][0]['name'] == 'consumer_app_b'
    assert api.call('GET', '/apps').json()['total'] == 4
    assert_invalid(api.call('GET', '/apps', query={'precise_search': 'app_key'}), 'precise_search')


def test_show_and_create_app(api):
    shown = api.call('GET', '/apps/' + APP_A)
    assert shown.status_code == 200 and shown.json()['id'] == APP_A and '*' not in shown.json()['app_secret']
    assert_error(api.call('GET', '/apps/' + 'e' * 32), 404, 'APIG.3004', 'The app does not exist.')
    created = api.call('POST', '/apps', {'name': 'new_app', 'remark': 'r', 'app_key': 'key_12345', 'app_secret': 's3cret-value'})
    assert created.status_code == 201
    body = created.json()
    assert HEX32.match(body['id']) and body['app_key'] == 'key_12345' and body['name'] == 'new_app'
    assert api.call('GET', '/apps', query={'name': 'new_app', 'precise_search': 'name'}).json()['total'] == 1
    for field, value in (('name', 'x'), ('name', '9app'), ('app_key', 'short'), ('app_key', '-starts_bad'),
                         ('app_secret', 'short'), ('remark', 'r' * 256), ('color', 'red')):
        assert_invalid(api.call('POST', '/apps', dict({'name': 'other_app'}, **{field: value})), field)
    assert_invalid(api.call('POST', '/apps', {'remark': 'no name'}), 'name')


# -- bindings -----------------------------------------------------------------------------------------

def bind(api, quota_id, *app_ids):
    return api.call('POST', '/app-quotas/%s/binding-apps' % quota_id, {'app_ids': list(app_ids)})


def apps_of(api, quota_id, kind, **query):
    return api.call('GET', '/app-quotas/%s/%s' % (quota_id, kind), query=query).json()


def test_bind_and_list(api):
    quota_id = api.create()['app_quota_id']
    response = bind(api, quota_id, APP_A, APP_B)
    assert response.status_code == 201
    applies = response.json()['applies']
    assert [(a['app_id'], a['app_quota_id']) for a in applies] == [(APP_A, quota_id), (APP_B, quota_id)]
    assert all(set(a) == {'app_id', 'app_quota_id', 'bound_time'} and NANO_Z_TIME.match(a['bound_time']) for a in applies)

    bound = apps_of(api, quota_id, 'bound-apps')
    assert (bound['size'], bound['total']) == (2, 2)
    item = bound['apps'][0]
    assert item['app_id'] == APP_A and item['app_quota_id'] == quota_id and item['app_quota_name'] == 'ClientQuota_demo'
    assert READ_TIME.match(item['bound_time']) and READ_TIME.match(item['register_time']) and item['status'] == 1
    assert {'app_id', 'name', 'status', 'app_key', 'remark', 'register_time', 'update_time', 'app_quota_id',
            'app_quota_name', 'bound_time'} == set(item)

    bindable = apps_of(api, quota_id, 'bindable-apps')
    assert [a['app_id'] for a in bindable['apps']] == [APP_C, APP_AB]
    assert all(a['bound_time'] == '0001-01-01T00:00:00Z' and 'app_quota_id' not in a for a in bindable['apps'])
    assert [a['app_id'] for a in apps_of(api, quota_id, 'bound-apps', app_name='app_b')['apps']] == [APP_B]
    assert [a['app_id'] for a in apps_of(api, quota_id, 'bindable-apps', app_name='app_ab')['apps']] == [APP_AB]
    assert apps_of(api, quota_id, 'bound-apps', limit=1, offset=1)['apps'][0]['app_id'] == APP_B

    shown = api.call('GET', '/app-quotas/' + quota_id).json()
    assert shown['bound_app_num'] == 2
    other = api.create(name='other_quota')['app_quota_id']
    assert apps_of(api, other, 'bindable-apps')['total'] == 2  # bound to any quota means not bindable

    bound_quota = api.call('GET', '/apps/%s/bound-quota' % APP_A)
    assert bound_quota.status_code == 200 and bound_quota.json() == shown
    assert_error(api.call('GET', '/apps/%s/bound-quota' % APP_C), 404, 'APIG.3093')
    assert_error(api.call('GET', '/apps/%s/bound-quota' % ('e' * 32)), 404, 'APIG.3004', 'The app does not exist.')


def test_binding_is_exclusive_and_all_or_nothing(api):
    quota_id = api.create()['app_quota_id']
    other = api.create(name='other_quota')['app_quota_id']
    assert bind(api, quota_id, APP_A).status_code == 201
    assert_invalid(bind(api, quota_id, APP_A), 'app_ids')        # already bound to this quota
    assert_invalid(bind(api, other, APP_A), 'app_ids')           # bound to another quota
    assert_invalid(bind(api, other, APP_C, APP_A), 'app_ids')    # one bad id: nothing is bound
    assert_invalid(bind(api, other, APP_C, 'e' * 32), 'app_ids')
    assert_invalid(bind(api, other, APP_C, APP_C), 'app_ids')
    assert apps_of(api, other, 'bound-apps')['total'] == 0
    assert [(b['app_id'], b['app_quota_id']) for b in api.control('GET', 'state')['apig']['bindings']] == [(APP_A, quota_id)]
    for body in ({'app_ids': []}, {'app_ids': APP_C}, {'app_ids': [5]}, {}, {'app_ids': [APP_C], 'extra': 1}):
        field = 'extra' if 'extra' in body else 'app_ids'
        assert_invalid(api.call('POST', '/app-quotas/%s/binding-apps' % other, body), field)
    assert_error(api.call('POST', '/app-quotas/%s/binding-apps' % other, raw=b'{'), 400, 'APIG.2000')


def test_unbind(api):
    quota_id = api.create()['app_quota_id']
    bind(api, quota_id, APP_A, APP_B)
    response = api.call('DELETE', '/app-quotas/%s/bound-apps/%s' % (quota_id, APP_A))
    assert response.status_code == 204 and response.content == b''
    assert_error(api.call('DELETE', '/app-quotas/%s/bound-apps/%s' % (quota_id, APP_A)), 404, 'APIG.3004')
    assert_error(api.call('DELETE', '/app-quotas/%s/bound-apps/%s' % (quota_id, 'e' * 32)), 404, 'APIG.3004')
    other = api.create(name='other_quota')['app_quota_id']
    assert_error(api.call('DELETE', '/app-quotas/%s/bound-apps/%s' % (other, APP_B)), 404, 'APIG.3004')
    assert [a['app_id'] for a in apps_of(api, quota_id, 'bound-apps')['apps']] == [APP_B]


def test_binding_routes_on_unknown_quota(api):
    missing = 'f' * 32
    message = 'The App quota %s does not exist' % missing
    for method, suffix, body in (('POST', '/binding-apps', {'app_ids': [APP_A]}), ('GET', '/bound-apps', None),
                                 ('GET', '/bindable-apps', None), ('DELETE', '/bound-apps/' + APP_A, None)):
        assert_error(api.call(method, '/app-quotas/' + missing + suffix, body), 404, 'APIG.3093', message)


def test_delete_cascades_bindings(api):
    quota_id = api.create()['app_quota_id']
    bind(api, quota_id, APP_A, APP_B)
    assert api.call('DELETE', '/app-quotas/' + quota_id).status_code == 204
    state = api.control('GET', 'state')['apig']
    assert state['bindings'] == [] and state['quotas'] == []
    other = api.create(name='other_quota')['app_quota_id']
    assert apps_of(api, other, 'bindable-apps')['total'] == 4
    assert bind(api, other, APP_A).status_code == 201


def test_seed_and_dump(api):
    state = api.control('POST', 'seed', {'apig': {
        'quotas': [{'app_quota_id': 'a' * 32, 'name': 'seeded', 'call_limits': 3, 'time_unit': 'MINUTE', 'time_interval': 1}],
        'bindings': [{'app_id': APP_C, 'app_quota_id': 'a' * 32}]}})['apig']
    quota = state['quotas'][0]
    assert (quota['app_quota_id'], quota['app_ids'], quota['bound_app_num'], quota['remark'], quota['reset_time']) == ('a' * 32, [APP_C], 1, '', None)
    assert [a['app_quota_id'] for a in state['apps']] == [None, None, 'a' * 32, None]
    assert api.call('GET', '/apps/%s/bound-quota' % APP_C).json()['name'] == 'seeded'


# -- authentication -----------------------------------------------------------------------------------

def assert_signature_refused(response, reason='verify aksk signature fail'):
    body = assert_error(response, 401, 'APIGW.0301', 'Incorrect IAM authentication information: ' + reason)
    assert body['request_id'] == response.headers['X-Request-Id']


def replace(key, value):
    return lambda headers: headers.__setitem__(key, value)


def flip_signature(headers):
    last = headers['Authorization'][-1]
    headers['Authorization'] = headers['Authorization'][:-1] + ('0' if last != '0' else '1')


def test_aksk_refusals(api):
    assert api.call('GET', '/app-quotas').status_code == 200
    assert_signature_refused(api.call('GET', '/app-quotas', tamper=flip_signature))
    assert_signature_refused(api.call('GET', '/app-quotas', access='UNKNOWNAK', secret='x'),
                             'Get secretKey failed,ak:UNKNOWNAK,err:ak not exist')
    assert_signature_refused(api.call('GET', '/app-quotas', secret='wrong-secret'))
    assert_signature_refused(api.call('GET', '/app-quotas', headers={'X-Sdk-Date': sdk_date(-16 * 60)}), 'signature expired')
    assert_signature_refused(api.call('GET', '/app-quotas', headers={'X-Sdk-Date': sdk_date(16 * 60)}), 'signature expired')
    assert api.call('GET', '/app-quotas', headers={'X-Sdk-Date': sdk_date(-14 * 60)}).status_code == 200
    assert_signature_refused(api.call('GET', '/app-quotas', headers={'X-Sdk-Date': '2026-01-01T00:00:00Z'}))
    # A signed but wrong X-Project-Id, or one changed after signing.
    assert_signature_refused(api.call('GET', '/app-quotas', project_id='1' * 32))
    assert_signature_refused(api.call('GET', '/app-quotas', tamper=replace('X-Project-Id', '1' * 32)))
    # Without X-Project-Id the request is fine.
    assert api.call('GET', '/app-quotas', project_id=None).status_code == 200
    # A query or a body changed after signing.
    headers = sign('GET', BASE + '/app-quotas', 'limit=1', {'Host': api.netloc}, b'', S.ACCESS_KEY, S.SECRET_KEY)
    assert_signature_refused(requests.get(api.url + BASE + '/app-quotas?limit=2', headers=headers, timeout=10))
    body = json.dumps(QUOTA).encode()
    headers = sign('POST', BASE + '/app-quotas', '', {'Host': api.netloc, 'Content-Type': 'application/json'}, body,
                   S.ACCESS_KEY, S.SECRET_KEY)
    assert_signature_refused(requests.post(api.url + BASE + '/app-quotas', data=body.replace(b'1000', b'1001'), headers=headers, timeout=10))
    assert_signature_refused(api.call('GET', '/app-quotas', tamper=replace('Authorization', 'Bearer abc')))
    assert api.control('GET', 'state')['apig']['quotas'] == []


def test_host_and_date_must_be_signed(api):
    path = BASE + '/app-quotas'
    for dropped in ('Host', 'X-Sdk-Date'):
        headers = {'Host': api.netloc, 'X-Sdk-Date': sdk_date(), 'Content-Type': 'application/json'}
        creq_headers = {k: v for k, v in headers.items() if k != dropped}
        creq, signed = canonical_request('GET', path, '', creq_headers, b'')
        headers['Authorization'] = 'SDK-HMAC-SHA256 Access=%s, SignedHeaders=%s, Signature=%s' % (
            S.ACCESS_KEY, signed, signature(S.SECRET_KEY, headers['X-Sdk-Date'], creq))
        assert_signature_refused(requests.get(api.url + path, headers=headers, timeout=10))


def test_unsigned_payload_accepted(api):
    body = json.dumps(QUOTA).encode()
    headers = sign('POST', BASE + '/app-quotas', '', {'Host': api.netloc, 'Content-Type': 'application/octet-stream',
                                                      'X-Sdk-Content-Sha256': 'UNSIGNED-PAYLOAD'}, body, S.ACCESS_KEY, S.SECRET_KEY)
    assert requests.post(api.url + BASE + '/app-quotas', data=body, headers=headers, timeout=10).status_code == 201


def test_security_token(api):
    api.control('POST', 'seed', {'iam': {'security_tokens': [{'access': 'TEMPAK', 'secret': 'tempsk', 'token': 'sts-token-1'}]}})
    ok = api.call('GET', '/app-quotas', access='TEMPAK', secret='tempsk', headers={'X-Security-Token': 'sts-token-1'})
    assert ok.status_code == 200
    assert_signature_refused(api.call('GET', '/app-quotas', access='TEMPAK', secret='tempsk'), 'decrypt token fail')
    assert_signature_refused(api.call('GET', '/app-quotas', access='TEMPAK', secret='tempsk', headers={'X-Security-Token': 'other'}),
                             'decrypt token fail')
    assert_signature_refused(api.call('GET', '/app-quotas', access='TEMPAK', secret='tempsk',
                                      tamper=replace('X-Security-Token', 'sts-token-1')), 'decrypt token fail')
    assert_signature_refused(api.call('GET', '/app-quotas', headers={'X-Security-Token': 'sts-token-1'}), 'decrypt token fail')


def test_project_permission(api):
    other_project = '9' * 32
    path = '/v2/%s/apigw/instances/%s/app-quotas' % (other_project, S.INSTANCE_ID)
    assert_error(api.call('GET', path, project_id=other_project), 403, 'APIG.1005', 'No permissions to request this method')
    api.control('POST', 'seed', {'iam': {'projects': [{'id': other_project, 'name': 'cn-east-3', 'domain_id': S.DOMAIN_ID}]}})
    assert_error(api.call('GET', path, project_id=other_project), 404, 'APIG.3030')  # the instance is in another project


def test_missing_credentials(api):
    assert_error(api.call('GET', '/app-quotas', sign_it=False), 401, 'APIG.1000', 'The token is missing.')
    assert_error(api.call('GET', '/app-quotas', token='not-a-token'), 401, 'APIG.1002', 'Incorrect token or token resolution failed')


# -- IAM ----------------------------------------------------------------------------------------------

def test_token_flow(api):
    response = api.password_token()
    assert response.status_code == 201
    token = response.headers['X-Subject-Token']
    body = response.json()['token']
    assert body['methods'] == ['password']
    assert body['project'] == {'id': S.PROJECT_ID, 'name': S.REGION, 'domain': {'id': S.DOMAIN_ID, 'name': S.DOMAIN_NAME}}
    assert body['user']['name'] == S.USER_NAME
    issued = datetime.datetime.fromisoformat(body['issued_at'].replace('Z', '+00:00'))
    expires = datetime.datetime.fromisoformat(body['expires_at'].replace('Z', '+00:00'))
    assert re.match(r'^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$', body['expires_at'])
    assert (expires - issued).total_seconds() == pytest.approx(86400, abs=1)

    created = api.call('POST', '/app-quotas', QUOTA, token=token)
    assert created.status_code == 201
    assert api.call('GET', '/app-quotas', token=token).json()['total'] == 1
    other = '/v2/%s/apigw/instances/%s/app-quotas' % ('9' * 32, S.INSTANCE_ID)
    assert_error(api.call('GET', other, token=token), 403, 'APIG.1005')

    projects = requests.get(api.url + '/v3/auth/projects', headers={'X-Auth-Token': token}, timeout=10)
    assert projects.status_code == 200 and [p['id'] for p in projects.json()['projects']] == [S.PROJECT_ID]

    api.control('POST', 'seed', {'iam': {'expire_tokens': True}})
    assert_error(api.call('GET', '/app-quotas', token=token), 401, 'APIG.1002', 'Incorrect token or token resolution failed')
    assert requests.get(api.url + '/v3/auth/projects', headers={'X-Auth-Token': token}, timeout=10).status_code == 401
    assert api.control('GET', 'state')['iam']['tokens'][0]['expired'] is True


def test_token_ttl_and_scope_by_id(api):
    api.control('POST', 'seed', {'iam': {'token_ttl_seconds': 0}})
    token = api.password_token().headers['X-Subject-Token']
    assert_error(api.call('GET', '/app-quotas', token=token), 401, 'APIG.1002')
    api.control('POST', 'seed', {'iam': {'token_ttl_seconds': 3600}})
    response = api.password_token(scope={'project': {'id': S.PROJECT_ID}}, user={'domain': {'id': S.DOMAIN_ID}})
    assert response.status_code == 201
    assert api.call('GET', '/app-quotas', token=response.headers['X-Subject-Token']).status_code == 200


def test_token_refusals(api):
    wrong = {'error': {'code': 401, 'title': 'Unauthorized', 'message': 'The username or password is wrong.'}}
    for user in ({'password': 'wrong'}, {'name': 'nobody'}, {'domain': {'name': 'other'}}):
        response = api.password_token(user=user)
        assert response.status_code == 401 and response.json() == wrong
    assert api.password_token(scope={'project': {'name': 'xx-nowhere-1'}}).status_code == 401
    for scope in ({}, {'domain': {'name': S.DOMAIN_NAME}}):
        assert api.password_token(scope=scope).status_code == 400
    malformed = requests.post(api.url + '/v3/auth/tokens', data=b'{not json', timeout=10)
    assert malformed.status_code == 400 and malformed.json()['error']['code'] == 400
    assert requests.post(api.url + '/v3/auth/tokens', json={'auth': {}}, timeout=10).status_code == 400


def test_project_lookup(api):
    def lookup(name, **kw):
        return api.call('GET', '/v3/projects', query={'name': name}, project_id=None, **kw)

    response = lookup(S.REGION)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {'projects', 'links'}
    project = body['projects'][0]
    assert len(body['projects']) == 1
    assert (project['id'], project['name'], project['domain_id'], project['enabled'], project['is_domain']) == (
        S.PROJECT_ID, S.REGION, S.DOMAIN_ID, True, False)
    assert {'parent_id', 'description', 'links'} <= set(project)
    assert lookup('xx-nowhere-1').json()['projects'] == []
    assert_signature_refused(lookup(S.REGION, secret='wrong-secret'))
    unsigned = lookup(S.REGION, sign_it=False)
    assert unsigned.status_code == 401 and unsigned.json()['error']['code'] == 401


# -- request log --------------------------------------------------------------------------------------

def test_request_log(api):
    api.password_token()
    api.create()
    api.call('GET', '/app-quotas', sign_it=False)
    log = api.control('GET', 'requests')['requests']
    summary = [(e['method'], e['path'], e['status'], e['auth']) for e in log]
    assert summary == [('POST', '/v3/auth/tokens', 201, None), ('POST', BASE + '/app-quotas', 201, 'aksk'),
                       ('GET', BASE + '/app-quotas', 401, None)]
    assert log[0]['body']['auth']['identity']['password']['user']['password'] == '******'
    assert S.USER_PASSWORD not in json.dumps(log)
    assert log[1]['body'] == QUOTA


# -- apps: update, delete, secret; environments, APIs, authorizations (section 10) ----------------

def seed_ids(api):
    state = api.state()['apig']
    return (dict((env['name'], env['id']) for env in state['envs']), dict((a['name'], a['id']) for a in state['apis']))


def authorize(api, env_id, app_ids, api_ids):
    return api.call('POST', '/app-auths', {'env_id': env_id, 'app_ids': app_ids, 'api_ids': api_ids})


def test_envs_are_seeded_per_instance(api):
    listed = api.call('GET', '/envs').json()
    assert listed['total'] == 2 and [env['name'] for env in listed['envs']] == ['RELEASE', 'TEST']
    release, test = listed['envs']
    assert release['id'] == 'DEFAULT_ENVIRONMENT_RELEASE_ID' and HEX32.match(test['id'])
    assert set(release) == {'id', 'name', 'remark', 'create_time'} and READ_TIME.match(release['create_time'])
    assert api.call('GET', '/envs', query={'name': 'TES'}).json()['total'] == 1


def test_apis_list_filters_and_shape(api):
    envs, apis = seed_ids(api)
    listed = api.call('GET', '/apis').json()
    assert [a['name'] for a in listed['apis']] == ['mj_imagine', 'mj_fetch', 'suno_generate', 'suno_draft']
    imagine = listed['apis'][0]
    assert imagine['run_env_id'].split('|') == sorted([envs['RELEASE'], envs['TEST']])
    assert set(imagine['run_env_name'].split('|')) == {'RELEASE', 'TEST'}
    assert 'run_env_id' not in listed['apis'][3]  # unpublished: Go omits the empty value
    assert {'id', 'name', 'group_id', 'group_name', 'req_method', 'req_uri', 'auth_type'} <= set(imagine)
    fuzzy = api.call('GET', '/apis', query={'name': 'suno'}).json()
    assert fuzzy['total'] == 2
    assert api.call('GET', '/apis', query={'name': 'suno', 'precise_search': 'name'}).json()['total'] == 0
    assert api.call('GET', '/apis', query={'id': apis['mj_fetch']}).json()['apis'][0]['name'] == 'mj_fetch'
    published = api.call('GET', '/apis', query={'env_id': envs['TEST']}).json()
    assert [a['name'] for a in published['apis']] == ['mj_imagine', 'suno_generate']


def test_update_app_is_a_full_write(api):
    updated = api.call('PUT', '/apps/' + APP_A, {'name': 'consumer_app_a', 'remark': 'New'})
    assert updated.status_code == 200 and updated.json()['remark'] == 'New' and updated.json()['id'] == APP_A
    assert '*' not in updated.json()['app_secret']
    api.call('PUT', '/apps/' + APP_A, {'name': 'consumer_app_a'})
    assert 'remark' not in api.call('GET', '/apps/' + APP_A).json()  # cleared, then omitted (omitempty)
    assert_error(api.call('PUT', '/apps/' + APP_A, {'name': 'consumer_app_b'}), 400, 'APIG.3310')
    assert_invalid(api.call('PUT', '/apps/' + APP_A, {'remark': 'no name'}), 'name')
    assert_error(api.call('PUT', '/apps/' + 'e' * 32, {'name': 'ghost_app'}), 404, 'APIG.3004')


def test_app_names_are_unique(api):
    assert_error(api.call('POST', '/apps', {'name': 'consumer_app_a'}), 400, 'APIG.3310', 'The app name already exists')


def test_reset_secret(api):
    before = api.state()['apig']['app_secrets'][APP_A]
    generated = api.call('PUT', '/apps/secret/' + APP_A, {})
    assert generated.status_code == 200 and generated.json()['id'] == APP_A
    secret = generated.json()['app_secret']
    assert '*' not in secret and api.call('GET', '/apps/' + APP_A).json()['app_secret'] == secret
    after = api.state()['apig']['app_secrets'][APP_A]
    assert after != before and after == hashlib.sha256(secret.encode('utf-8')).hexdigest()[:16]
    given = api.call('PUT', '/apps/secret/' + APP_A, {'app_secret': 'Given_secret_1'})
    assert given.json()['app_secret'] == 'Given_secret_1'
    assert api.call('PUT', '/apps/secret/' + APP_A).status_code == 200  # no body: a generated secret
    assert_invalid(api.call('PUT', '/apps/secret/' + APP_A, {'app_secret': 'short'}), 'app_secret')
    assert_invalid(api.call('PUT', '/apps/secret/' + APP_A, {'app_key': 'k' * 10}), 'app_key')
    assert 'Given_secret_1' not in json.dumps(api.state())


def test_authorize_list_and_cancel(api):
    envs, apis = seed_ids(api)
    answer = authorize(api, envs['RELEASE'], [APP_A], [apis['mj_imagine'], apis['suno_draft']])
    assert answer.status_code == 201
    first, draft = answer.json()['auths']
    assert first['auth_result'] == {'status': 'SUCCESS', 'api_name': 'mj_imagine', 'app_name': 'consumer_app_a'}
    assert HEX32.match(first['id']) and first['api_id'] == apis['mj_imagine'] and first['app_id'] == APP_A
    assert draft['auth_result']['status'] == 'FAILED' and draft['auth_result']['error_code'] and 'id' not in draft
    again = authorize(api, envs['RELEASE'], [APP_A], [apis['mj_imagine']]).json()['auths'][0]
    assert again['auth_result']['status'] == 'SKIPPED' and again['id'] == first['id']
    binded = api.call('GET', '/app-auths/binded-apis', query={'app_id': APP_A, 'env_id': envs['RELEASE']}).json()
    assert binded['total'] == 1
    item = binded['auths'][0]
    assert (item['id'], item['api_id'], item['api_name'], item['env_id'], item['env_name'], item['app_id']) == (
        first['id'], apis['mj_imagine'], 'mj_imagine', envs['RELEASE'], 'RELEASE', APP_A)
    assert api.call('GET', '/app-auths/binded-apis', query={'app_id': APP_A, 'env_id': envs['TEST']}).json()['total'] == 0
    unbinded = api.call('GET', '/app-auths/unbinded-apis', query={'app_id': APP_A, 'env_id': envs['RELEASE']}).json()
    assert [a['name'] for a in unbinded['apis']] == ['mj_fetch', 'suno_generate']
    assert api.state()['apig']['auths'] == [{'app_id': APP_A, 'api_id': apis['mj_imagine'], 'env_id': envs['RELEASE'],
                                             'api_name': 'mj_imagine', 'app_name': 'consumer_app_a'}]
    assert api.call('GET', '/apps', query={'id': APP_A}).json()['apps'][0]['bind_num'] == 1
    assert api.call('DELETE', '/app-auths/' + first['id']).status_code == 204
    assert api.state()['apig']['auths'] == []
    assert_error(api.call('DELETE', '/app-auths/' + first['id']), 404, 'APIG.3004')


def test_authorization_errors(api):
    envs, apis = seed_ids(api)
    assert_invalid(api.call('POST', '/app-auths', {'app_ids': [APP_A], 'api_ids': [apis['mj_fetch']]}), 'env_id')
    assert_invalid(authorize(api, envs['RELEASE'], [], [apis['mj_fetch']]), 'app_ids')
    assert_invalid(authorize(api, envs['RELEASE'], [APP_A], 'x'), 'api_ids')
    assert_error(authorize(api, 'f' * 32, [APP_A], [apis['mj_fetch']]), 404, 'APIG.3003')
    assert_error(authorize(api, envs['RELEASE'], ['e' * 32], [apis['mj_fetch']]), 404, 'APIG.3004')
    assert_error(authorize(api, envs['RELEASE'], [APP_A], ['f' * 32]), 404, 'APIG.3002')
    assert_invalid(api.call('GET', '/app-auths/binded-apis'), 'app_id')
    assert_invalid(api.call('GET', '/app-auths/unbinded-apis', query={'app_id': APP_A}), 'env_id')
    assert api.state()['apig']['auths'] == []


def test_delete_app_removes_its_binding_and_authorizations(api):
    envs, apis = seed_ids(api)
    quota_id = api.create()['app_quota_id']
    assert bind(api, quota_id, APP_A).status_code == 201
    authorize(api, envs['RELEASE'], [APP_A, APP_B], [apis['mj_fetch']])
    assert api.call('DELETE', '/apps/' + APP_A).status_code == 204
    state = api.state()['apig']
    assert APP_A not in [app['id'] for app in state['apps']] and APP_A not in state['app_secrets']
    assert state['bindings'] == [] and [a['app_id'] for a in state['auths']] == [APP_B]
    assert_error(api.call('DELETE', '/apps/' + APP_A), 404, 'APIG.3004')


def test_readings_of_apps(api):
    envs, apis = seed_ids(api)
    api.readings(['app_list_thin', 'secret_reset_partial', 'auth_delay'])
    api.config(auth_delay_ms=300)
    try:
        item = api.call('GET', '/apps', query={'id': APP_A}).json()['apps'][0]
        assert 'remark' not in item and 'app_secret' not in item
        assert api.call('PUT', '/apps/secret/' + APP_A, {}).json() == {'id': APP_A, 'name': 'consumer_app_a'}
        auth_id = authorize(api, envs['RELEASE'], [APP_A], [apis['mj_fetch']]).json()['auths'][0]['id']
        query = {'app_id': APP_A, 'env_id': envs['RELEASE']}
        assert api.call('GET', '/app-auths/binded-apis', query=query).json()['total'] == 0  # not shown yet
        assert len(api.state()['apig']['auths']) == 1  # but applied at once
        deadline = time.monotonic() + 5
        while api.call('GET', '/app-auths/binded-apis', query=query).json()['total'] == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert api.call('DELETE', '/app-auths/' + auth_id).status_code == 204
        assert api.call('GET', '/app-auths/binded-apis', query=query).json()['total'] == 1  # the cancellation lags
        assert api.state()['apig']['auths'] == []
    finally:
        api.readings([])
