# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Conformance of the Ace Data Cloud platform emulator with acedata-platform-api.md.

Run with ``cd <repo> && PYTHONPATH=tests python -m pytest tests/functional/test_emulator_acedata.py``.
An in-process server holds only the Ace Data Cloud plugin; every test starts from the default seed.
"""

from __future__ import annotations

import json
import re

import pytest
import requests

from emulator import seed as S
from emulator.acedata import AceDataPlugin
from emulator.client import EmulatorClient
from emulator.core import BackgroundServer

TOKEN = S.ACEDATA_TOKEN
ME = S.ACEDATA_USER_ID
SERVICES = dict((svc['alias'], svc['id']) for svc in S.DEFAULT_SEED['acedata']['services'])
MJ, SUNO, OPENAI = SERVICES['midjourney'], SERVICES['suno'], SERVICES['openai']
OTHER = '3c1d7e55-0a4b-4f6e-9d21-6b8a0f2e4c19'
OTHER_TOKEN = 'platform-v1-0f9e8d7c6b5a49382716a5b4c3d2e1f0'
ADMIN = '5e2a9c71-4b3d-4e8f-a6c0-1d7b9e3f5a28'
ADMIN_TOKEN = 'platform-v1-a1b2c3d4e5f60718293a4b5c6d7e8f90'
READ_ONLY_TOKEN = 'platform-v1-00000000000000000000000000000001'
UUID = re.compile(r'^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$')
STAMP = re.compile(r'^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$')
SK = re.compile(r'^sk-[0-9a-f]{32}$')
APPLICATION_KEYS = {'id', 'user_id', 'service_id', 'type', 'scope', 'remaining_amount', 'used_amount', 'paid',
                    'disabled', 'allow_consume_global', 'expired_at', 'credentials', 'packages', 'service', 'tags',
                    'metadata', 'created_at', 'updated_at'}
NOT_FOUND = {'detail': 'Not found.', 'code': 'not_found'}
DENIED = {'detail': 'You do not have permission to perform this action.', 'code': 'permission_denied'}


# -- fixtures ------------------------------------------------------------------------------------------

class Client(EmulatorClient):
    def __init__(self, url):
        super().__init__(url)
        self.session = requests.Session()

    def call(self, method, path, body=None, query=None, token=TOKEN, data=None, headers=None):
        """A platform API call; ``path`` is relative to /api/v1; ``token=None`` sends no Authorization."""
        headers = dict(headers or {})
        if token is not None:
            headers['Authorization'] = 'Bearer %s' % token
        if body is not None:
            data = json.dumps(body)
        if data is not None:
            headers['Content-Type'] = 'application/json'
        return self.session.request(method, self.url + '/api/v1' + path, params=query, data=data,
                                    headers=headers, timeout=10)

    def seed_acedata(self, **section):
        return self.seed({'acedata': section})['acedata']

    def create(self, expect=201, **body):
        response = self.call('POST', '/applications/', body)
        assert response.status_code == expect, response.text
        return response.json()

    def items(self, path, **query):
        response = self.call('GET', path, query=query)
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture(scope='module')
def server():
    with BackgroundServer(readings=(), plugins=[AceDataPlugin]) as background:
        yield Client(background.url)


@pytest.fixture
def api(server):
    server.reset()
    return server


@pytest.fixture
def others(api):
    """A second normal user, a superuser and a read-only token for the first user."""
    api.seed_acedata(users=[{'id': OTHER, 'username': 'other'}, {'id': ADMIN, 'username': 'admin', 'is_superuser': True}],
                     tokens=[{'token': OTHER_TOKEN, 'user_id': OTHER}, {'token': ADMIN_TOKEN, 'user_id': ADMIN},
                             {'token': READ_ONLY_TOKEN, 'user_id': ME, 'permissions': ['applications:read']}])
    return api


def assert_error(response, status, body):
    assert response.status_code == status, response.text
    assert response.json() == body


# -- authentication and permissions ----------------------------------------------------------------

def test_me(api):
    response = api.call('GET', '/platform-tokens/me/')
    assert response.status_code == 200
    assert response.json() == {'id': ME, 'username': 'provisioner', 'email': 'provisioner@example.com',
                               'nickname': None, 'avatar': None,
                               'permissions': ['applications:read', 'applications:write', 'credentials:read',
                                               'credentials:write']}


@pytest.mark.parametrize('method, path', [('GET', '/platform-tokens/me/'), ('GET', '/applications/'),
                                          ('POST', '/applications/'), ('GET', '/credentials/'),
                                          ('POST', '/credentials/%s/rotate/' % ME)])
def test_bearer_required(api, method, path):
    missing = api.call(method, path, token=None)
    assert_error(missing, 401, {'detail': 'Authentication credentials were not provided.', 'code': 'not_authenticated'})
    assert missing.headers['WWW-Authenticate'].startswith('Bearer')
    other_scheme = api.call(method, path, token=None, headers={'Authorization': 'Token %s' % TOKEN})
    assert other_scheme.json()['code'] == 'not_authenticated'
    invalid = {'detail': 'Invalid token.', 'code': 'authentication_failed'}
    assert_error(api.call(method, path, token='platform-v1-unknown'), 401, invalid)
    assert_error(api.call(method, path, token=''), 401, invalid)


def test_service_key_is_rejected(api):
    key = api.create(service_id=MJ)['credentials'][0]['token']
    assert_error(api.call('GET', '/applications/', token=key), 401,
                 {'detail': 'Invalid token.', 'code': 'authentication_failed'})


def test_missing_permission(others):
    assert others.call('GET', '/applications/', query={'user_id': 'me'}, token=READ_ONLY_TOKEN).status_code == 200
    assert others.call('GET', '/platform-tokens/me/', token=READ_ONLY_TOKEN).json()['permissions'] == ['applications:read']
    assert_error(others.call('POST', '/applications/', {'service_id': MJ}, token=READ_ONLY_TOKEN), 403, DENIED)
    assert_error(others.call('GET', '/credentials/', token=READ_ONLY_TOKEN), 403, DENIED)
    assert_error(others.call('POST', '/credentials/', {}, token=READ_ONLY_TOKEN), 403, DENIED)


# -- create ----------------------------------------------------------------------------------------

def test_create_application_shape(api):
    app = api.create(service_id=MJ)
    assert set(app) == APPLICATION_KEYS
    assert UUID.match(app['id']) and app['user_id'] == ME and app['service_id'] == MJ
    assert (app['type'], app['scope'], app['allow_consume_global']) == ('Usage', 'Individual', True)
    assert (app['remaining_amount'], app['used_amount'], app['paid'], app['disabled']) == (0, 0, False, False)
    assert (app['tags'], app['metadata'], app['expired_at'], app['packages']) == (None, None, None, [])
    assert app['service'] == {'id': MJ, 'alias': 'midjourney', 'name': 'Midjourney'}
    assert STAMP.match(app['created_at']) and app['updated_at'] == app['created_at']
    [credential] = app['credentials']
    assert SK.match(credential['token']) and credential['type'] == 'Token'
    assert (credential['application_id'], credential['user_id']) == (app['id'], ME)


def test_create_with_every_field(api):
    app = api.create(service_id=MJ.upper(), type='Period', scope='Individual', allow_consume_global=False,
                     tags=['team-a', 'prod'], metadata={'owner': 'ops'}, expired_at='2027-01-31T00:00:00+01:00')
    assert app['service_id'] == MJ and app['type'] == 'Period' and app['allow_consume_global'] is False
    assert app['tags'] == ['team-a', 'prod'] and app['metadata'] == {'owner': 'ops'}
    assert app['expired_at'] == '2027-01-30T23:00:00.000000Z'
    assert api.create(service_id=SUNO, allow_consume_global=None, expired_at='2027-02-01')['allow_consume_global'] is True


def test_create_global(api):
    app = api.create(scope='Global')
    assert (app['service_id'], app['service'], app['scope']) == (None, None, 'Global')
    assert len(app['credentials']) == 1
    assert api.create(scope='Global', type='Period', service_id=None)['service_id'] is None


def test_free_amount_granted_on_create(api):
    free = api.seed_acedata(services=[{'alias': 'freebie', 'title': 'Freebie', 'free_amount': 50}])['services'][-1]
    assert api.create(service_id=free['id'])['remaining_amount'] == 50


@pytest.mark.parametrize('body, errors', [
    ({}, {'service_id': ['This field is required.']}),
    ({'service_id': None}, {'service_id': ['This field is required.']}),
    ({'scope': 'Global', 'service_id': MJ}, {'service_id': ['This field is not allowed when scope is Global.']}),
    ({'service_id': 'midjourney'}, {'service_id': ['Must be a valid UUID.']}),
    ({'service_id': MJ, 'type': 'Monthly'}, {'type': ['"Monthly" is not a valid choice.']}),
    ({'service_id': MJ, 'scope': 'Local'}, {'scope': ['"Local" is not a valid choice.']}),
    ({'service_id': MJ, 'type': None}, {'type': ['This field may not be null.']}),
    ({'service_id': MJ, 'allow_consume_global': 'false'}, {'allow_consume_global': ['Must be a valid boolean.']}),
    ({'service_id': MJ, 'allow_consume_global': 0}, {'allow_consume_global': ['Must be a valid boolean.']}),
    ({'service_id': MJ, 'tags': 'a'}, {'tags': ['Expected a list of items but got type "str".']}),
    ({'service_id': MJ, 'tags': ['ok', 3, '']}, {'tags': {'1': ['Not a valid string.'],
                                                          '2': ['This field may not be blank.']}}),
    ({'service_id': MJ, 'expired_at': 'tomorrow'},
     {'expired_at': ['Datetime has wrong format. Use one of these formats instead: '
                     'YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].']}),
    ({'service_id': MJ, 'metadata': ['a']}, {'metadata': ['Expected a dictionary of items but got type "list".']}),
    ({'service_id': MJ, 'name': 'x', 'user_id': ME}, {'name': ['This field is not allowed.'],
                                                      'user_id': ['This field is not allowed.']}),
    ({'service_id': MJ, 'type': 'Bad', 'scope': 'Bad'}, {'type': ['"Bad" is not a valid choice.'],
                                                         'scope': ['"Bad" is not a valid choice.']}),
])
def test_create_validation(api, body, errors):
    assert_error(api.call('POST', '/applications/', body), 400, errors)
    assert api.control('GET', 'state')['acedata']['applications'] == []


def test_create_unknown_service(api):
    missing = '0e6b1f0c-1111-4222-8333-944455556666'
    assert_error(api.call('POST', '/applications/', {'service_id': missing}), 400,
                 {'service_id': ['Invalid pk "%s" - object does not exist.' % missing]})


def test_malformed_json(api):
    response = api.call('POST', '/applications/', data='{"service_id": ')
    assert response.status_code == 400
    assert response.json()['code'] == 'parse_error'
    assert response.json()['detail'].startswith('JSON parse error - ')
    assert_error(api.call('POST', '/applications/', [MJ]), 400,
                 {'non_field_errors': ['Invalid data. Expected a dictionary, but got list.']})
    # an empty body is an empty object, as in DRF
    assert_error(api.call('POST', '/applications/', data=''), 400, {'service_id': ['This field is required.']})


def test_duplication(api):
    duplicate = {'detail': 'Application already exists.', 'code': 'duplication'}
    api.create(service_id=MJ)
    assert_error(api.call('POST', '/applications/', {'service_id': MJ, 'type': 'Usage'}), 400, duplicate)
    api.create(service_id=MJ, type='Period')       # another type is another application
    api.create(service_id=SUNO)                    # another service too
    api.create(scope='Global')
    assert_error(api.call('POST', '/applications/', {'scope': 'Global'}), 400, duplicate)
    # a seeded application of another user does not conflict
    api.seed_acedata(applications=[{'user_id': OTHER, 'service_id': OPENAI}])
    api.create(service_id=OPENAI)
    assert len(api.control('GET', 'state')['acedata']['applications']) == 6


# -- detail, update, 405 ---------------------------------------------------------------------------

def test_application_detail(api):
    app = api.create(service_id=MJ)
    for path in ('/applications/%s' % app['id'], '/applications/%s/' % app['id']):
        response = api.call('GET', path)
        assert response.status_code == 200
        assert response.json() == app
    mine_elsewhere = api.seed_acedata(applications=[{'user_id': OTHER, 'service_id': MJ}])['applications'][-1]
    for unknown in ('0e6b1f0c-1111-4222-8333-944455556666', 'not-a-uuid', mine_elsewhere['id']):
        assert_error(api.call('GET', '/applications/%s' % unknown), 404, NOT_FOUND)


@pytest.mark.parametrize('method', ['PUT', 'PATCH', 'DELETE', 'POST'])
@pytest.mark.parametrize('slash', ['', '/'])
def test_application_detail_methods_not_allowed(api, method, slash):
    app = api.create(service_id=MJ)
    response = api.call(method, '/applications/%s%s' % (app['id'], slash), {'tags': ['x']})
    assert_error(response, 405, {'detail': 'Method "%s" not allowed.' % method, 'code': 'method_not_allowed'})
    assert response.headers['Allow'] == 'GET'
    assert api.call(method, '/applications/%s%s' % (app['id'], slash), token=None).status_code == 401
    assert api.call('GET', '/applications/%s' % app['id']).json() == app


@pytest.mark.parametrize('method, path', [('GET', '/applications/%s/update-allow-consume-global/' % ME),
                                          ('DELETE', '/applications/'), ('PUT', '/credentials/%s' % ME),
                                          ('POST', '/services/'), ('DELETE', '/services/midjourney'),
                                          ('POST', '/platform-tokens/me/')])
def test_other_methods_not_allowed(api, method, path):
    assert_error(api.call(method, path), 405,
                 {'detail': 'Method "%s" not allowed.' % method, 'code': 'method_not_allowed'})


@pytest.mark.parametrize('path', ['/nothing', '/applications', '/applications/%s/sponsor/' % ME,
                                  '/applications/%s/update-allow-consume-global' % ME, '/services/a/b'])
def test_unknown_paths(api, path):
    assert_error(api.call('GET', path), 404, NOT_FOUND)
    assert_error(api.call('GET', path, token=None), 404, NOT_FOUND)


def test_update_allow_consume_global(api):
    app = api.create(service_id=MJ)
    path = '/applications/%s/update-allow-consume-global/' % app['id']
    response = api.call('POST', path, {'allow_consume_global': False})
    assert response.status_code == 200
    updated = response.json()
    assert updated['allow_consume_global'] is False
    assert updated['created_at'] == app['created_at'] and updated['updated_at'] > app['updated_at']
    assert dict(updated, allow_consume_global=True, updated_at=app['updated_at']) == app
    assert api.call('GET', '/applications/%s' % app['id']).json() == updated
    assert api.call('POST', path, {'allow_consume_global': True}).json()['allow_consume_global'] is True


@pytest.mark.parametrize('body, errors', [
    ({}, {'allow_consume_global': ['This field is required.']}),
    ({'allow_consume_global': None}, {'allow_consume_global': ['This field may not be null.']}),
    ({'allow_consume_global': 'false'}, {'allow_consume_global': ['Must be a valid boolean.']}),
    ({'allow_consume_global': 1}, {'allow_consume_global': ['Must be a valid boolean.']}),
    ({'allow_consume_global': True, 'disabled': False}, {'disabled': ['This field is not allowed.']}),
])
def test_update_allow_consume_global_validation(api, body, errors):
    app = api.create(service_id=MJ)
    assert_error(api.call('POST', '/applications/%s/update-allow-consume-global/' % app['id'], body), 400, errors)


def test_update_allow_consume_global_unknown(api):
    other = api.seed_acedata(applications=[{'user_id': OTHER, 'service_id': MJ}])['applications'][-1]
    for app_id in (other['id'], '0e6b1f0c-1111-4222-8333-944455556666'):
        assert_error(api.call('POST', '/applications/%s/update-allow-consume-global/' % app_id,
                              {'allow_consume_global': False}), 404, NOT_FOUND)


# -- application listing ---------------------------------------------------------------------------

def seed_many(api, count, **extra):
    apps = [dict(extra, service_id=MJ, created_at='2026-01-01T00:00:%02d.000000Z' % index) for index in range(count)]
    return api.seed_acedata(applications=apps)['applications']


def test_list_pagination(api):
    seeded = seed_many(api, 25)
    pages = [api.items('/applications/', user_id='me', limit=10, offset=offset) for offset in (0, 10, 20, 30)]
    assert [page['count'] for page in pages] == [25] * 4
    assert [len(page['items']) for page in pages] == [10, 10, 5, 0]
    listed = [app['id'] for page in pages for app in page['items']]
    assert listed == [app['id'] for app in reversed(seeded)]          # default ordering: -created_at
    ascending = api.items('/applications/', user_id=ME, ordering='created_at', limit=100)
    assert [app['id'] for app in ascending['items']] == [app['id'] for app in seeded]
    assert len(api.items('/applications/', user_id='me')['items']) == 10  # default page size
    assert set(ascending['items'][0]) == APPLICATION_KEYS


PAGING_ERRORS = [
    ({'limit': '0'}, {'limit': ['Ensure this value is greater than or equal to 1.']}),
    ({'limit': '101'}, {'limit': ['Ensure this value is less than or equal to 100.']}),
    ({'limit': 'ten'}, {'limit': ['A valid integer is required.']}),
    ({'offset': '-1'}, {'offset': ['Ensure this value is greater than or equal to 0.']}),
    ({'ordering': 'name'}, {'ordering': ['Select a valid choice. name is not one of the available choices.']}),
    ({'user_id': 'you'}, {'user_id': ['Enter a valid UUID.']}),
]
APPLICATION_FILTER_ERRORS = [
    ({'service_id': 'midjourney'}, {'service_id': ['Enter a valid UUID.']}),
    ({'type': 'Monthly'}, {'type': ['Select a valid choice. Monthly is not one of the available choices.']}),
    ({'scope': 'all'}, {'scope': ['Select a valid choice. all is not one of the available choices.']}),
    ({'affiliation': 'any'}, {'affiliation': ['Select a valid choice. any is not one of the available choices.']}),
]


@pytest.mark.parametrize('path, query, errors', [('/applications/',) + case for case in PAGING_ERRORS + APPLICATION_FILTER_ERRORS]
                         + [('/credentials/',) + case for case in PAGING_ERRORS])
def test_list_query_validation(api, path, query, errors):
    assert_error(api.call('GET', path, query=dict({'user_id': 'me'}, **query)), 400, errors)


def test_list_filters(api):
    usage = api.create(service_id=MJ)
    period = api.create(service_id=MJ, type='Period')
    suno = api.create(service_id=SUNO)
    glob = api.create(scope='Global')

    def ids(**query):
        query = dict({'user_id': 'me', 'limit': 100}, **query)
        return sorted(app['id'] for app in api.items('/applications/', **query)['items'])

    assert ids() == sorted(app['id'] for app in (usage, period, suno, glob))
    assert ids(service_id=MJ) == sorted([usage['id'], period['id']])
    assert ids(service_id=[MJ, SUNO], type='Usage') == sorted([usage['id'], suno['id']])
    assert ids(type=['Usage', 'Period'], scope='Individual') == sorted([usage['id'], period['id'], suno['id']])
    assert ids(scope='Global') == [glob['id']]
    assert ids(service_id=OPENAI) == []
    assert ids(user_id=ME, alias='midjourney', tags='x') == ids()  # unknown filters are ignored
    assert ids(ordering='-created_at', affiliation='owner') == ids()


def test_list_without_user_id_is_forbidden_when_the_page_holds_another_users_app(api):
    mine = seed_many(api, 3)  # 00:00:00 .. 00:00:02
    api.seed_acedata(applications=[{'user_id': OTHER, 'service_id': SUNO, 'created_at': '2026-01-01T00:00:00.500000Z'}])
    # newest first: mine[2], mine[1], the other user's application, mine[0]
    first = api.items('/applications/', limit=2)
    assert first['count'] == 4 and [app['id'] for app in first['items']] == [mine[2]['id'], mine[1]['id']]
    assert_error(api.call('GET', '/applications/', query={'limit': 3}), 403, DENIED)
    assert_error(api.call('GET', '/applications/', query={'limit': 1, 'offset': 2}), 403, DENIED)
    assert api.items('/applications/', limit=1, offset=3)['items'][0]['id'] == mine[0]['id']
    scoped = api.items('/applications/', user_id='me', limit=100)
    assert scoped['count'] == 3 and all(app['user_id'] == ME for app in scoped['items'])


def test_list_user_id_of_someone_else(others):
    other_app = others.seed_acedata(applications=[{'user_id': OTHER, 'service_id': MJ}])['applications'][-1]
    assert_error(others.call('GET', '/applications/', query={'user_id': OTHER}), 403, DENIED)
    assert_error(others.call('GET', '/applications/', query={'user_id': ['me', OTHER]}), 403, DENIED)
    assert_error(others.call('GET', '/credentials/', query={'user_id': OTHER}), 403, DENIED)
    # the other user sees its own; a superuser may name anyone and list without user_id
    assert others.call('GET', '/applications/', query={'user_id': 'me'}, token=OTHER_TOKEN).json()['count'] == 1
    admin = others.call('GET', '/applications/', query={'user_id': OTHER}, token=ADMIN_TOKEN).json()
    assert [app['id'] for app in admin['items']] == [other_app['id']]
    assert admin['items'][0]['credentials'] and 'role' not in admin['items'][0]
    assert others.call('GET', '/applications/', token=ADMIN_TOKEN).json()['count'] == 1


def test_granted_applications(api):
    other_app = api.seed_acedata(applications=[{'user_id': OTHER, 'service_id': MJ}])['applications'][-1]
    grant = api.seed_acedata(credentials=[{'application_id': other_app['id'], 'user_id': ME, 'name': 'for me'}])['credentials'][-1]
    mine = api.create(service_id=SUNO)
    assert [a['id'] for a in api.items('/applications/', user_id='me')['items']] == [mine['id']]
    granted = api.items('/applications/', user_id='me', affiliation='granted')['items']
    assert [a['id'] for a in granted] == [other_app['id']]
    assert granted[0]['role'] == 'grantee' and [c['id'] for c in granted[0]['credentials']] == [grant['id']]
    both = api.items('/applications/', user_id='me', affiliation=['owner', 'granted'])
    assert both['count'] == 2
    assert api.items('/applications/')['count'] == 2  # every row is visible to the caller: no 403
    assert api.call('GET', '/applications/%s' % other_app['id']).json()['role'] == 'grantee'
    assert_error(api.call('POST', '/applications/%s/update-allow-consume-global/' % other_app['id'],
                          {'allow_consume_global': False}), 403, DENIED)
    # a grantee cannot make credentials on the application (section 4.2)
    assert_error(api.call('POST', '/credentials/', {'application_id': other_app['id']}), 404, NOT_FOUND)
    creds = api.items('/credentials/', user_id='me', granted='true')
    assert [c['id'] for c in creds['items']] == [grant['id']]
    assert api.items('/credentials/', user_id='me', granted='false')['items'][0]['application_id'] == mine['id']


# -- services --------------------------------------------------------------------------------------

def test_services_are_public(api):
    listing = api.call('GET', '/services/', token=None)
    assert listing.status_code == 200
    body = listing.json()
    assert body['count'] == 4 and [svc['alias'] for svc in body['items']] == list(SERVICES)
    assert all(svc['applied'] is False for svc in body['items'])
    assert {'id', 'alias', 'title', 'type', 'applied', 'applied_count', 'tags', 'packages'} <= set(body['items'][0])
    invalid = {'detail': 'Invalid token.', 'code': 'authentication_failed'}
    assert_error(api.call('GET', '/services/', token='sk-' + '0' * 32), 401, invalid)
    assert_error(api.call('GET', '/services/midjourney', token='nope'), 401, invalid)


def test_services_applied_reflects_the_caller(others):
    others.create(service_id=MJ)
    mine = dict((svc['alias'], svc) for svc in others.items('/services/')['items'])
    assert mine['midjourney']['applied'] is True and mine['suno']['applied'] is False
    assert mine['midjourney']['applied_count'] == 1
    theirs = others.call('GET', '/services/midjourney', token=OTHER_TOKEN).json()
    assert theirs['applied'] is False and theirs['applied_count'] == 1
    assert others.call('GET', '/services/midjourney', token=None).json()['applied'] is False


def test_services_alias_filter_is_ignored(api):
    for alias in ('midjourney', 'suno', 'no-such-service'):
        body = api.items('/services/', alias=alias)
        assert body['count'] == 4 and len(body['items']) == 4


def test_services_filters_and_pages(api):
    api.seed_acedata(services=[{'alias': 'proxy-x', 'title': 'Proxy X', 'type': 'Proxy', 'tags': ['proxy', 'net']}])
    assert [s['alias'] for s in api.items('/services/', id=[MJ, SUNO])['items']] == ['midjourney', 'suno']
    assert [s['alias'] for s in api.items('/services/', type='Proxy')['items']] == ['proxy-x']
    assert api.items('/services/', type=['Api', 'Proxy'])['count'] == 5
    assert [s['alias'] for s in api.items('/services/', tag='net')['items']] == ['proxy-x']
    first, second = (api.items('/services/', limit=3, offset=offset) for offset in (0, 3))
    assert first['count'] == second['count'] == 5
    assert [s['alias'] for s in first['items'] + second['items']] == list(SERVICES) + ['proxy-x']
    assert [s['alias'] for s in api.items('/services/', ordering='-created_at', limit=1)['items']] == ['proxy-x']
    assert_error(api.call('GET', '/services/', query={'limit': 101}), 400,
                 {'limit': ['Ensure this value is less than or equal to 100.']})
    assert_error(api.call('GET', '/services/', query={'id': 'midjourney'}), 400, {'id': ['Enter a valid UUID.']})
    assert_error(api.call('GET', '/services/', query={'type': 'Model'}), 400,
                 {'type': ['Select a valid choice. Model is not one of the available choices.']})


@pytest.mark.parametrize('ref', ['midjourney', 'midjourney/', MJ, MJ + '/', MJ.upper()])
def test_service_detail(api, ref):
    response = api.call('GET', '/services/%s' % ref, token=None)
    assert response.status_code == 200
    assert (response.json()['id'], response.json()['alias']) == (MJ, 'midjourney')


def test_service_detail_unknown_and_broken(api):
    assert_error(api.call('GET', '/services/Midjourney'), 404, NOT_FOUND)  # aliases match exactly
    assert_error(api.call('GET', '/services/0e6b1f0c-1111-4222-8333-944455556666'), 404, NOT_FOUND)
    api.control('POST', 'config', {'acedata_service_detail_broken': True})
    broken = {'detail': 'A server error occurred.', 'code': 'error'}
    assert_error(api.call('GET', '/services/midjourney/'), 500, broken)
    assert_error(api.call('GET', '/services/%s' % MJ, token=None), 500, broken)
    assert api.items('/services/')['count'] == 4  # the listing still works


# -- credentials -----------------------------------------------------------------------------------

def test_credential_created_with_the_application(api):
    app = api.create(service_id=MJ)
    [auto] = app['credentials']
    listed = api.items('/credentials/', user_id='me', application_id=app['id'])
    assert listed['count'] == 1 and listed['items'] == [auto]
    assert auto['token'] == listed['items'][0]['token'] and SK.match(auto['token'])
    assert api.call('GET', '/credentials/%s' % auto['id']).json() == auto
    state = api.control('GET', 'state')['acedata']
    assert [c['id'] for c in state['credentials']] == [auto['id']]
    assert state['applications'][0]['credentials'] == [auto]


def test_credential_lifecycle(api):
    app = api.create(service_id=MJ)
    response = api.call('POST', '/credentials/', {'application_id': app['id'], 'name': 'ci', 'host': 'https://a.example',
                                                  'limited_amount': 10, 'expired_at': '2027-01-01T00:00:00Z',
                                                  'allowed_api_ids': [MJ.upper()], 'metadata': {'k': 'v'}})
    assert response.status_code == 201, response.text
    cred = response.json()
    assert SK.match(cred['token']) and UUID.match(cred['id'])
    assert (cred['user_id'], cred['application_id'], cred['name'], cred['host']) == (ME, app['id'], 'ci', 'https://a.example')
    assert (cred['limited_amount'], cred['used_amount'], cred['allowed_api_ids']) == (10, 0, [MJ])
    assert cred['expired_at'] == '2027-01-01T00:00:00.000000Z' and STAMP.match(cred['created_at'])
    assert len(api.call('GET', '/applications/%s' % app['id']).json()['credentials']) == 2
    for path in ('/credentials/%s' % cred['id'], '/credentials/%s/' % cred['id']):
        assert api.call('GET', path).json() == cred

    cleared = {'name': 'ci-2', 'limited_amount': None, 'allowed_api_ids': None, 'expired_at': None}
    patched = api.call('PATCH', '/credentials/%s' % cred['id'], cleared).json()
    assert dict((key, patched[key]) for key in cleared) == cleared
    assert patched['host'] == 'https://a.example' and patched['updated_at'] > cred['updated_at']
    assert api.call('PATCH', '/credentials/%s/' % cred['id'], {}).json()['name'] == 'ci-2'

    rotated = api.call('POST', '/credentials/%s/rotate/' % cred['id'])
    assert rotated.status_code == 200
    assert rotated.json()['id'] == cred['id'] and rotated.json()['token'] != cred['token']
    assert SK.match(rotated.json()['token']) and rotated.json()['used_amount'] == 0

    deleted = api.call('DELETE', '/credentials/%s' % cred['id'])
    assert deleted.status_code == 204 and deleted.content == b''
    assert_error(api.call('GET', '/credentials/%s' % cred['id']), 404, NOT_FOUND)
    assert_error(api.call('DELETE', '/credentials/%s/' % cred['id']), 404, NOT_FOUND)
    assert_error(api.call('POST', '/credentials/%s/rotate/' % cred['id']), 404, NOT_FOUND)


@pytest.mark.parametrize('body, errors', [
    ({}, {'application_id': ['This field is required.']}),
    ({'application_id': None}, {'application_id': ['This field may not be null.']}),
    ({'application_id': 'x'}, {'application_id': ['Must be a valid UUID.']}),
    ({'application_id': '0e6b1f0c-1111-4222-8333-944455556666'},
     {'application_id': ['Invalid pk "0e6b1f0c-1111-4222-8333-944455556666" - object does not exist.']}),
    ({'name': 'n' * 256}, {'name': ['Ensure this field has no more than 255 characters.']}),
    ({'limited_amount': 'ten'}, {'limited_amount': ['A valid number is required.']}),
    ({'limited_amount': -1}, {'limited_amount': ['Ensure this value is greater than or equal to 0.']}),
    ({'allowed_api_ids': ['x']}, {'allowed_api_ids': {'0': ['Must be a valid UUID.']}}),
    ({'for_user_id': OTHER}, {'for_user_id': ['Invalid pk "%s" - object does not exist.' % OTHER]}),
    ({'token': 'sk-mine'}, {'token': ['This field is not allowed.']}),
])
def test_credential_create_validation(api, body, errors):
    app = api.create(service_id=MJ)
    if 'application_id' not in errors:
        body = dict(body, application_id=app['id'])
    assert_error(api.call('POST', '/credentials/', body), 400, errors)


@pytest.mark.parametrize('body, errors', [
    ({'host': 'https://b.example'}, {'host': ['This field is not allowed.']}),
    ({'metadata': {}}, {'metadata': ['This field is not allowed.']}),
    ({'name': 5}, {'name': ['Not a valid string.']}),
    ({'limited_amount': True}, {'limited_amount': ['A valid number is required.']}),
    ({'expired_at': '31/01/2027'}, {'expired_at': ['Datetime has wrong format. Use one of these formats instead: '
                                                   'YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].']}),
    ({'allowed_api_ids': 'x'}, {'allowed_api_ids': ['Expected a list of items but got type "str".']}),
])
def test_credential_update_validation(api, body, errors):
    cred = api.create(service_id=MJ)['credentials'][0]
    assert_error(api.call('PATCH', '/credentials/%s' % cred['id'], body), 400, errors)
    assert api.call('GET', '/credentials/%s' % cred['id']).json() == cred


def test_credential_of_another_user(others):
    theirs = others.seed_acedata(applications=[{'user_id': OTHER, 'service_id': MJ}])['applications'][-1]
    cred = theirs['credentials'][0]
    for method, path in (('GET', '/credentials/%s'), ('PATCH', '/credentials/%s'), ('DELETE', '/credentials/%s'),
                         ('POST', '/credentials/%s/rotate/')):
        assert_error(others.call(method, path % cred['id'], {}), 404, NOT_FOUND)
    assert_error(others.call('POST', '/credentials/', {'application_id': theirs['id']}), 400,
                 {'application_id': ['Invalid pk "%s" - object does not exist.' % theirs['id']]})
    # without user_id, a page holding the other user's credential is refused
    others.create(service_id=SUNO)
    assert_error(others.call('GET', '/credentials/'), 403, DENIED)
    assert others.items('/credentials/', user_id='me')['count'] == 1
    assert_error(others.call('GET', '/credentials/', query={'application_id': theirs['id']}), 403, DENIED)
    suno = others.items('/applications/', user_id='me')['items'][0]
    assert others.items('/credentials/', application_id=suno['id'])['count'] == 1  # own rows only: no user_id needed
    # the owner may grant a credential to another user; the holder then sees it, and the application
    granted = others.call('POST', '/credentials/', {'application_id': suno['id'], 'for_user_id': OTHER}).json()
    assert granted['user_id'] == OTHER
    held = others.call('GET', '/credentials/', query={'user_id': 'me', 'granted': 'true'}, token=OTHER_TOKEN).json()
    assert [c['id'] for c in held['items']] == [granted['id']]
    assert others.call('GET', '/applications/%s' % suno['id'], token=OTHER_TOKEN).json()['role'] == 'grantee'


def test_credential_filters(api):
    app = api.create(service_id=MJ)
    other_app = api.create(service_id=SUNO)
    named = [api.call('POST', '/credentials/', {'application_id': app['id'], 'name': name, 'host': host}).json()
             for name, host in (('one', 'https://one.example'), ('two', None), ('one', None))]

    def ids(**query):
        query = dict({'user_id': 'me', 'limit': 100}, **query)
        return sorted(c['id'] for c in api.items('/credentials/', **query)['items'])

    assert len(ids()) == 5
    assert ids(application_id=app['id']) == sorted([app['credentials'][0]['id']] + [c['id'] for c in named])
    assert ids(application_id=[app['id'], other_app['id']]) == ids()
    assert ids(name='one') == sorted([named[0]['id'], named[2]['id']])
    assert ids(name=['one', 'two']) == sorted(c['id'] for c in named)
    assert ids(host='https://one.example') == [named[0]['id']]
    assert ids(granted='false') == ids() and ids(granted='true') == []
    assert_error(api.call('GET', '/credentials/', query={'granted': 'maybe'}), 400,
                 {'granted': ['Select a valid choice. maybe is not one of the available choices.']})
    newest = api.items('/credentials/', user_id='me', limit=1)['items'][0]
    assert newest['id'] == named[2]['id']


# -- request log and control -----------------------------------------------------------------------

def test_request_log(api):
    api.control('DELETE', 'requests')
    app = api.create(service_id=MJ, tags=['t'])
    api.call('GET', '/applications/%s' % app['id'], token=None)
    api.call('GET', '/services/', token=None)
    api.call('PUT', '/applications/%s' % app['id'])
    log = api.control('GET', 'requests?api=acedata')
    entries = [(e['method'], e['path'], e['status'], e['auth']) for e in log['requests']]
    assert entries == [('POST', '/api/v1/applications/', 201, 'bearer'),
                       ('GET', '/api/v1/applications/%s' % app['id'], 401, None),
                       ('GET', '/api/v1/services/', 200, None),
                       ('PUT', '/api/v1/applications/%s' % app['id'], 405, 'bearer')]
    assert log['requests'][0]['body'] == {'service_id': MJ, 'tags': ['t']}
    assert log['writes'] == 2
    assert TOKEN not in json.dumps(log)


def test_seed_add_and_dump(api):
    added = api.seed_acedata(
        users=[{'id': OTHER, 'username': 'other'}],
        services=[{'id': '0e6b1f0c-1111-4222-8333-944455556666', 'alias': 'extra', 'title': 'Extra'}],
        applications=[{'id': '11111111-2222-4333-8444-555555555555', 'user_id': OTHER, 'service_id': MJ,
                       'created_at': '2025-05-05T05:05:05Z', 'credentials': []},
                      {'service_id': MJ, 'scope': 'Individual', 'type': 'Usage'},
                      {'service_id': MJ, 'scope': 'Individual', 'type': 'Usage'}])
    first, second, third = added['applications']
    assert (first['id'], first['user_id'], first['created_at']) == (
        '11111111-2222-4333-8444-555555555555', OTHER, '2025-05-05T05:05:05.000000Z')
    assert first['credentials'] == [] and len(second['credentials']) == len(third['credentials']) == 1
    assert second['user_id'] == third['user_id'] == ME  # duplicates can be seeded
    assert api.items('/applications/', user_id='me', service_id=MJ)['count'] == 2
    assert [s['alias'] for s in added['services']][-1] == 'extra'
    assert len(added['credentials']) == 2 and {'tokens', 'users'} <= set(added)
    reset = api.control('POST', 'reset')['acedata']
    assert reset['applications'] == [] and reset['credentials'] == [] and len(reset['services']) == 4


# -- credentials: the readings of what the references leave open (docs/fidelity.md B8, B9, B14, B15) --

def test_credential_name_filter_is_exact(api):
    app = api.create(service_id=MJ)
    for name in ('ci', 'ci-2'):
        assert api.call('POST', '/credentials/', {'application_id': app['id'], 'name': name}).status_code == 201
    listed = api.items('/credentials/', user_id='me', application_id=app['id'], name='ci')
    assert [c['name'] for c in listed['items']] == ['ci']


def test_credential_readings(api):
    app = api.create(service_id=MJ)
    cred = api.call('POST', '/credentials/', {'application_id': app['id'], 'name': 'ci', 'limited_amount': 5,
                                              'allowed_api_ids': [MJ]}).json()
    api.readings(['list_thin', 'partial_update', 'delete_200_body', 'rotate_recreate'])
    [thin] = [c for c in api.items('/credentials/', user_id='me', application_id=app['id'])['items'] if c['name'] == 'ci']
    assert not set(thin) & {'limited_amount', 'expired_at', 'allowed_api_ids'} and thin['token'] == cred['token']
    assert api.call('GET', '/credentials/%s' % cred['id']).json()['limited_amount'] == 5  # the detail has them
    patched = api.call('PATCH', '/credentials/%s' % cred['id'], {'limited_amount': None})
    assert patched.status_code == 200 and patched.json() == {'id': cred['id']}
    assert api.call('GET', '/credentials/%s' % cred['id']).json()['limited_amount'] is None  # applied all the same
    assert_error(api.call('POST', '/credentials/%s/rotate/' % cred['id']), 404, NOT_FOUND)
    assert api.call('GET', '/credentials/%s' % cred['id']).json()['token'] == cred['token']  # nothing rotated
    deleted = api.call('DELETE', '/credentials/%s' % cred['id'])
    assert deleted.status_code == 200 and deleted.json()['id'] == cred['id']
    assert_error(api.call('GET', '/credentials/%s' % cred['id']), 404, NOT_FOUND)
