# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ace Data Cloud platform: errors, masking, times, option checks, service aliases, applications."""

import copy
import datetime
import json

import pytest
import requests
from requests.structures import CaseInsensitiveDict
from urllib3.exceptions import ReadTimeoutError

from ansible_collections.apiops.provisioning.plugins.module_utils.acedata import (
    AceData,
    normalise_time,
    parse_error,
    parse_time,
)
from ansible_collections.apiops.provisioning.plugins.module_utils.acedata_application import (
    Application,
    ApplicationInfo,
    mask_credentials,
    validate_application_options,
)
from ansible_collections.apiops.provisioning.plugins.module_utils.resource import Engine, ValidationError
from ansible_collections.apiops.provisioning.plugins.module_utils.transport import ApiError
from ansible_collections.apiops.provisioning.tests.unit.plugins.module_utils.fakes import (
    FakeModule,
    FakeResponse,
    FakeSession,
)

TOKEN = 'platform-v1-5b8fSECRETtokenValue'
BASE = 'https://platform.acedata.cloud/api/v1'
MJ = 'd87e5e99-b797-4ade-9e73-b896896b0461'
SUNO = '0b1e3c5a-0000-4000-8000-000000000002'
UTC = datetime.timezone.utc


def connection(**overrides):
    values = dict(api_token=TOKEN, api_url='https://platform.acedata.cloud', validate_certs=True, timeout=30.0,
                  retries=4, retry_max_delay=30.0)
    values.update(overrides)
    return values


def client(script, **overrides):
    ace = AceData(connection(**overrides))
    session = FakeSession(script, json_body=True)
    sleeps = []
    ace.transport._session = session
    ace.transport.sleep = sleeps.append
    return ace, session, sleeps


def app_params(**resource):
    values = connection()
    values.update(service=MJ, type='Usage', scope='Individual', allow_consume_global=None, tags=None, metadata=None,
                  expired_at=None, reveal_credentials=False, state='present')
    values.update(resource)
    return values


def application(script, check_mode=False, cls=Application, **resource):
    module = FakeModule(app_params(**resource), check_mode=check_mode)
    res = cls(module)
    session = FakeSession(script, json_body=True)
    res.client.transport._session = session
    res.client.transport.sleep = [].append
    return res, session, module


def page(items, count=None):
    return FakeResponse(200, {'count': len(items) if count is None else count, 'items': items})


def app(app_id, created_at, service_id=MJ, app_type='Usage', scope='Individual', **extra):
    obj = {'id': app_id, 'service_id': service_id, 'type': app_type, 'scope': scope, 'allow_consume_global': True,
           'tags': None, 'metadata': None, 'expired_at': None, 'created_at': created_at, 'role': 'owner',
           'credentials': [{'id': 'c-' + app_id, 'token': 'sk-' + app_id + '-abcd1234', 'type': 'Token'}]}
    obj.update(extra)
    return obj


class FakePlatform:
    """The application routes of the platform, in memory."""

    def __init__(self, apps=()):
        self.apps = [copy.deepcopy(a) for a in apps]
        self.fail_next_create = None  # (exception, applied)

    def __call__(self, call):
        if call['path'] == '/api/v1/applications/' and call['method'] == 'GET':
            q = call['query']
            found = [a for a in self.apps if a['type'] == q.get('type', a['type']) and a['scope'] == q.get('scope', a['scope'])
                     and a.get('service_id') == q.get('service_id')]
            offset, limit = int(q['offset']), int(q['limit'])
            return page(found[offset:offset + limit], len(found))
        if call['path'] == '/api/v1/applications/' and call['method'] == 'POST':
            created = app('new-%d' % len(self.apps), '2026-11-23T12:00:00.000000Z', **call['body'])
            if self.fail_next_create:
                error, applied = self.fail_next_create
                self.fail_next_create = None
                if applied:
                    self.apps.append(created)
                return error
            self.apps.append(created)
            return FakeResponse(201, created)
        if call['path'].endswith('/update-allow-consume-global/') and call['method'] == 'POST':
            app_id = call['path'].split('/')[-3]
            target = [a for a in self.apps if a['id'] == app_id][0]
            target['allow_consume_global'] = call['body']['allow_consume_global']
            return FakeResponse(200, target)
        raise AssertionError('no route for %s %s' % (call['method'], call['url']))

    def writes(self, session):
        return [c for c in session.calls if c['method'] != 'GET']


# ---------------------------------------------------------------------------------------------
# parse_error
# ---------------------------------------------------------------------------------------------
def hdrs(**values):
    return CaseInsensitiveDict(values)


@pytest.mark.parametrize('data, code, message', [
    ({'detail': 'Not found.', 'code': 'not_found'}, 'not_found', 'Not found.'),
    ({'detail': 'Authentication credentials were not provided.'}, None, 'Authentication credentials were not provided.'),
    ({'detail': {'hostname': 'already exists'}, 'code': 'duplication'}, 'duplication', 'hostname: already exists'),
    ({'detail': {'b': ['second'], 'a': 'first'}, 'code': 'bad_request'}, 'bad_request', 'a: first; b: second'),
    ({'error': {'code': 'invalid_token', 'message': 'The token is invalid.'}, 'trace_id': 't-1'},
     'invalid_token', 'The token is invalid.'),
    ({'service_id': ['This field is required.'], 'type': ['"Monthly" is not a valid choice.']},
     None, 'service_id: This field is required.; type: "Monthly" is not a valid choice.'),
    (['Application is immutable.'], None, 'Application is immutable.'),
])
def test_parse_error_shapes(data, code, message):
    got = parse_error(400, data, json.dumps(data), hdrs())
    assert got[0] == code
    assert got[1] == message


def test_parse_error_request_id():
    data = {'error': {'code': 'x', 'message': 'y'}, 'trace_id': 'trace-9'}
    assert parse_error(500, data, json.dumps(data), hdrs())[2] == 'trace-9'
    assert parse_error(500, data, json.dumps(data), hdrs(**{'x-request-id': 'hdr-1'}))[2] == 'hdr-1'
    assert parse_error(404, {'detail': 'Not found.'}, '', hdrs())[2] is None


def test_parse_error_html_and_empty():
    page_text = '<!DOCTYPE html><html><head><title>Server Error (500)</title></head><body><h1>oops</h1></body></html>'
    code, message, request_id = parse_error(500, None, page_text, hdrs())
    assert code is None
    assert 'Server Error (500)' in message
    assert '<h1>' not in message
    assert parse_error(502, None, '', hdrs())[1] == 'HTTP 502 with an empty body'


def test_error_through_transport_names_status_code_and_message():
    ace, session, dummy = client([FakeResponse(403, {'detail': 'You do not have permission.', 'code': 'permission_denied'},
                                               headers={'X-Request-Id': 'rq-3'})])
    with pytest.raises(ApiError) as info:
        ace.request('GET', '/applications/')
    text = str(info.value)
    for part in ('403', 'permission_denied', 'You do not have permission.', 'rq-3', '/applications/'):
        assert part in text
    assert TOKEN not in text
    assert session.calls[0]['headers']['Authorization'] == 'Bearer ' + TOKEN


# ---------------------------------------------------------------------------------------------
# mask_credentials
# ---------------------------------------------------------------------------------------------
def test_mask_credentials():
    original = {'id': 'a1', 'credentials': [
        {'id': 'c1', 'type': 'Token', 'token': 'sk-abcdefghijklmnop'},
        {'id': 'c2', 'type': 'Identity', 'username': 'bob', 'password': 'hunter2-password'},
        {'id': 'c3', 'type': 'Token', 'token': ''},
    ]}
    before = copy.deepcopy(original)
    masked = mask_credentials(original, False)
    assert original == before  # the input is not mutated
    tokens = masked['credentials']
    assert tokens[0]['token'].endswith('mnop')
    assert 'sk-abcdefghijkl' not in tokens[0]['token']
    assert tokens[0]['token'] == '********mnop'
    assert tokens[1]['password'] == '********word'
    assert tokens[1]['username'] == 'bob'
    assert tokens[2]['token'] == ''
    assert masked['id'] == 'a1'
    assert 'sk-abcdefghijklmnop' not in json.dumps(masked)
    assert 'hunter2' not in json.dumps(masked)


def test_mask_credentials_reveal_and_empty():
    original = {'id': 'a1', 'credentials': [{'token': 'sk-abcdefghijklmnop'}]}
    assert mask_credentials(original, True) == original
    assert mask_credentials({}, False) == {}
    assert mask_credentials(None, False) is None
    assert mask_credentials({'id': 'a2'}, False) == {'id': 'a2', 'credentials': []}


# ---------------------------------------------------------------------------------------------
# Times
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize('value, expected', [
    ('2027-01-31T00:00:00Z', datetime.datetime(2027, 1, 31, tzinfo=UTC)),
    ('2027-01-31T08:00:00+08:00', datetime.datetime(2027, 1, 31, tzinfo=UTC)),
    ('2027-01-31T08:00:00+0800', datetime.datetime(2027, 1, 31, tzinfo=UTC)),
    ('2027-01-30T19:30:00-04:30', datetime.datetime(2027, 1, 31, tzinfo=UTC)),
    ('2027-01-31T00:00:00.5Z', datetime.datetime(2027, 1, 31, 0, 0, 0, 500000, tzinfo=UTC)),
    ('2027-01-31T00:00:00.123456789Z', datetime.datetime(2027, 1, 31, 0, 0, 0, 123456, tzinfo=UTC)),
    ('2027-01-31 00:00:00', datetime.datetime(2027, 1, 31, tzinfo=UTC)),
    ('2027-01-31T12:30', datetime.datetime(2027, 1, 31, 12, 30, tzinfo=UTC)),
    ('2027-01-31', datetime.datetime(2027, 1, 31, tzinfo=UTC)),
])
def test_parse_time(value, expected):
    assert parse_time(value) == expected


@pytest.mark.parametrize('value', ['tomorrow', '2027-02-30', '2027-13-01T00:00:00Z', '2027-01-31T24:00:00Z', '',
                                   None, '31/01/2027', '2027-01-31T00:00:00+8'])
def test_parse_time_invalid(value):
    assert parse_time(value) is None


@pytest.mark.parametrize('value, expected', [
    ('2027-01-31T08:00:00+08:00', '2027-01-31T00:00:00Z'),
    ('2027-01-31T00:00:00.000000Z', '2027-01-31T00:00:00Z'),
    ('2027-01-31T00:00:00.25Z', '2027-01-31T00:00:00.250000Z'),
    ('2027-01-31', '2027-01-31T00:00:00Z'),
    ('not a time', 'not a time'),
])
def test_normalise_time(value, expected):
    assert normalise_time(value) == expected


TOKEN_PARAM = 'platform-v1-unit-test-token'


# ---------------------------------------------------------------------------------------------
# validate_application_options
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize('params, option', [
    (dict(service=None, scope='Individual'), 'service'),
    (dict(service=None), 'service'),
    (dict(service='midjourney', scope='Global'), 'service'),
    (dict(service='mid journey'), 'service'),
    (dict(service='-leading-dash'), 'service'),
    (dict(service='a/b'), 'service'),
    (dict(service='midjourney', expired_at='next year'), 'expired_at'),
    (dict(service='midjourney', expired_at='2027-02-30T00:00:00Z'), 'expired_at'),
    (dict(service='midjourney', tags=['ok', '']), 'tags'),
    (dict(service='midjourney', tags=['   ']), 'tags'),
    (dict(service='midjourney', tags=['x' * 256]), 'tags'),
])
def test_invalid_application_options(params, option):
    with pytest.raises(ValidationError) as info:
        validate_application_options(dict(params, api_token=TOKEN_PARAM))
    assert str(info.value).startswith(option)


@pytest.mark.parametrize('token', [None, '', '   '])
def test_empty_api_token_refused(token):
    with pytest.raises(ValidationError) as info:
        validate_application_options(dict(service='midjourney', api_token=token))
    assert str(info.value).startswith('api_token')


def test_empty_tag_message_names_index():
    with pytest.raises(ValidationError) as info:
        validate_application_options(dict(service='midjourney', tags=['ok', ''], api_token=TOKEN_PARAM))
    assert str(info.value).startswith('tags[1]')


@pytest.mark.parametrize('params', [
    dict(service='midjourney'),
    dict(service=MJ, scope='Individual'),
    dict(service='suno.v2_beta-1'),
    dict(service=None, scope='Global'),
    dict(service='midjourney', expired_at='2027-01-31T00:00:00Z', tags=['team-images'], metadata={'a': 1}),
    dict(service='midjourney', expired_at='2027-01-31'),
])
def test_valid_application_options(params):
    validate_application_options(dict(params, api_token=TOKEN_PARAM))


@pytest.mark.parametrize('params', [dict(service='midjourney\n'), dict(service='midjourney', expired_at='2027-01-31\n')],
                         ids=['service', 'expired_at'])
def test_trailing_newline_refused(params):
    with pytest.raises(ValidationError):
        validate_application_options(dict(params, api_token=TOKEN_PARAM))


# ---------------------------------------------------------------------------------------------
# AceData basics and service_id
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize('url', ['https://platform.acedata.cloud', 'https://platform.acedata.cloud/',
                                 'https://platform.acedata.cloud/api/v1', 'https://platform.acedata.cloud/api/v1/'])
def test_base_url_normalised(url):
    ace, session, dummy = client([page([])], api_url=url)
    ace.list_all('/applications/')
    assert session.calls[0]['url'] == BASE + '/applications/?limit=100&offset=0'


def test_list_all_reads_every_page_and_results_key():
    first = FakeResponse(200, {'count': 150, 'results': [{'n': i} for i in range(100)]})
    second = FakeResponse(200, {'count': 150, 'results': [{'n': i} for i in range(100, 150)]})
    ace, session, dummy = client([first, second])
    assert [item['n'] for item in ace.list_all('/services/')] == list(range(150))
    assert [c['query']['offset'] for c in session.calls] == ['0', '100']


def test_service_uuid_needs_no_request():
    ace, session, dummy = client([])
    assert ace.service_id(MJ.upper()) == MJ
    assert session.calls == []


def test_service_alias_from_detail_once():
    ace, session, dummy = client([FakeResponse(200, {'id': MJ, 'alias': 'midjourney', 'title': 'Midjourney'})])
    assert ace.service_id('midjourney') == MJ
    assert ace.service_id('midjourney') == MJ
    assert len(session.calls) == 1
    assert session.calls[0]['method'] == 'GET'
    assert session.calls[0]['path'] == '/api/v1/services/midjourney'


@pytest.mark.parametrize('detail', [
    FakeResponse(500, text='<html><title>Server Error (500)</title></html>'),
    FakeResponse(404, {'detail': 'Not found.'}),
    FakeResponse(200, {'id': SUNO, 'alias': 'suno'}),
], ids=['500', '404', 'other-alias'])
def test_service_alias_falls_back_to_listing(detail):
    services = [{'id': SUNO, 'alias': 'suno'}, {'id': MJ, 'alias': 'midjourney'}]
    ace, session, sleeps = client([detail, page(services)])
    assert ace.service_id('midjourney') == MJ
    assert [c['path'] for c in session.calls] == ['/api/v1/services/midjourney', '/api/v1/services/']
    assert session.calls[1]['query'] == {'limit': '100', 'offset': '0'}
    assert sleeps == []
    # Cached for the run.
    assert ace.service_id('midjourney') == MJ
    assert len(session.calls) == 2


def test_service_detail_500_not_retried():
    detail_answers = [FakeResponse(500, {'detail': 'boom'}), FakeResponse(200, {'id': MJ, 'alias': 'midjourney'})]

    def route(call):
        if call['path'] == '/api/v1/services/midjourney':
            return detail_answers.pop(0)
        return page([{'id': MJ, 'alias': 'midjourney'}])
    ace, session, sleeps = client(route)
    assert ace.service_id('midjourney') == MJ
    # One detail attempt (retries=0: a retry would have been answered 200), then the listing.
    assert [c['path'] for c in session.calls] == ['/api/v1/services/midjourney', '/api/v1/services/']
    assert len(detail_answers) == 1
    assert sleeps == []


def test_unknown_service_alias_names_service():
    ace, session, dummy = client([FakeResponse(404, {'detail': 'Not found.'}), page([{'id': SUNO, 'alias': 'suno'}])])
    with pytest.raises(ValidationError) as info:
        ace.service_id('nosuch')
    assert str(info.value).startswith('service')
    assert 'nosuch' in str(info.value)


def test_service_detail_auth_error_is_raised():
    ace, session, dummy = client([FakeResponse(401, {'detail': 'Invalid token.'})])
    with pytest.raises(ApiError) as info:
        ace.service_id('midjourney')
    assert info.value.status == 401
    assert len(session.calls) == 1


# ---------------------------------------------------------------------------------------------
# Application.find
# ---------------------------------------------------------------------------------------------
def test_find_picks_newest_and_warns():
    apps = [app('old', '2026-01-01T00:00:00Z'), app('newest', '2026-11-01T10:00:00+02:00'),
            app('middle', '2026-06-01T00:00:00.000000Z'),
            app('granted', '2026-12-01T00:00:00Z', role='grantee'),
            app('period', '2026-12-01T00:00:00Z', app_type='Period'),
            app('other-service', '2026-12-01T00:00:00Z', service_id=SUNO)]
    res, session, module = application([page(apps)])
    found = res.find()
    assert found['id'] == 'newest'
    assert len(module.warnings) == 1
    warning = module.warnings[0]
    assert warning.startswith('3 applications')
    assert 'newest' in warning and 'old' in warning and 'middle' in warning
    assert 'granted' not in warning and 'period' not in warning
    assert TOKEN not in warning
    query = session.calls[0]['query']
    assert query['service_id'] == MJ and query['type'] == 'Usage' and query['scope'] == 'Individual'
    assert query['user_id'] == 'me'


def test_find_single_does_not_warn():
    res, session, module = application([page([app('only', '2026-01-01T00:00:00Z')])])
    assert res.find()['id'] == 'only'
    assert module.warnings == []


def test_find_global_sends_no_service_filter():
    res, session, module = application([page([app('g', '2026-01-01T00:00:00Z', service_id=None, scope='Global')])],
                                       service=None, scope='Global')
    assert res.find()['id'] == 'g'
    assert 'service_id' not in session.calls[0]['query']


def test_find_newest_within_the_same_second():
    apps = [app('first', '2026-11-23T10:00:00.000000Z'), app('second', '2026-11-23T10:00:00.400000Z')]
    res, dummy, dummy2 = application([page(apps)])
    assert res.find()['id'] == 'second'


# ---------------------------------------------------------------------------------------------
# Application.changes and the engine
# ---------------------------------------------------------------------------------------------
def test_changes_tag_order_and_time_forms_equal():
    res, dummy, dummy2 = application([], tags=['b', 'a'], expired_at='2027-01-31T08:00:00+08:00', metadata={'k': 'v'},
                                     allow_consume_global=True)
    current = app('a1', '2026-01-01T00:00:00Z', tags=['a', 'b'], expired_at='2027-01-31T00:00:00.000000Z',
                  metadata={'k': 'v'})
    assert res.changes(current, res.desired()) == {}


def test_changes_reports_real_differences():
    res, dummy, dummy2 = application([], tags=['a', 'c'], expired_at='2027-02-01', allow_consume_global=False)
    current = app('a1', '2026-01-01T00:00:00Z', tags=['a', 'b'], expired_at='2027-01-31T00:00:00Z')
    assert res.changes(current, res.desired()) == {'tags': ['a', 'c'], 'expired_at': '2027-02-01T00:00:00Z',
                                                   'allow_consume_global': False}


def test_check_mode_create_predicts_without_writing():
    platform = FakePlatform()
    res, session, dummy = application(platform, check_mode=True, tags=['x'])
    result = Engine(res).present()
    assert platform.writes(session) == []
    assert result['changed'] is True
    assert result['application']['id'] is None
    assert result['application']['service_id'] == MJ
    assert result['application']['tags'] == ['x']


def test_create_then_unchanged_and_masked():
    platform = FakePlatform()
    res, session, dummy = application(platform, tags=['x'], allow_consume_global=False)
    result = Engine(res).present()
    assert result['changed'] is True
    posts = platform.writes(session)
    assert len(posts) == 1
    assert posts[0]['body'] == {'type': 'Usage', 'scope': 'Individual', 'service_id': MJ, 'tags': ['x'],
                                'allow_consume_global': False}
    token = platform.apps[0]['credentials'][0]['token']
    assert result['application']['credentials'][0]['token'] == '********' + token[-4:]
    assert token not in json.dumps(result)

    res2, session2, dummy = application(platform, tags=['x'], allow_consume_global=False, reveal_credentials=True)
    again = Engine(res2).present()
    assert again['changed'] is False
    assert platform.writes(session2) == []
    assert again['application']['credentials'][0]['token'] == token


def test_create_only_difference_fails_naming_option():
    platform = FakePlatform([app('a1', '2026-01-01T00:00:00Z', tags=['old'])])
    res, session, dummy = application(platform, tags=['new'], allow_consume_global=False)
    with pytest.raises(ValidationError) as info:
        Engine(res).present()
    assert 'tags' in str(info.value)
    assert platform.writes(session) == []


def test_update_allow_consume_global():
    platform = FakePlatform([app('a1', '2026-01-01T00:00:00Z')])
    res, session, dummy = application(platform, allow_consume_global=False)
    result = Engine(res).present()
    assert result['changed'] is True
    writes = platform.writes(session)
    assert [(w['method'], w['path'], w['body']) for w in writes] == [
        ('POST', '/api/v1/applications/a1/update-allow-consume-global/', {'allow_consume_global': False})]
    assert result['diff']['before']['allow_consume_global'] is True
    assert result['diff']['after']['allow_consume_global'] is False


def test_ambiguous_create_is_looked_up_not_repeated():
    platform = FakePlatform()
    platform.fail_next_create = (requests.exceptions.ReadTimeout(ReadTimeoutError(None, '/', 'Read timed out.')), True)
    res, session, dummy = application(platform)
    result = Engine(res).present()
    assert result['changed'] is True
    assert len([w for w in platform.writes(session) if w['method'] == 'POST']) == 1
    assert len(platform.apps) == 1
    assert result['application']['id'] == platform.apps[0]['id']


def test_duplication_conflict_converges():
    existing = app('theirs', '2026-01-01T00:00:00Z')
    platform = FakePlatform()

    def racing(call):
        if call['method'] == 'POST':
            platform.apps.append(copy.deepcopy(existing))
            return FakeResponse(400, {'detail': {'service_id': 'application exists'}, 'code': 'duplication'})
        return platform(call)
    res, session, dummy = application(racing)
    result = Engine(res).present()
    assert result['changed'] is False
    assert result['application']['id'] == 'theirs'


def test_info_filters_and_masks():
    apps = [app('a1', '2026-01-01T00:00:00Z'), app('a2', '2026-02-01T00:00:00Z')]
    res, session, dummy = application([page(apps)], cls=ApplicationInfo, type='Usage', scope=None)
    result = res.gather()
    assert [a['id'] for a in result['applications']] == ['a1', 'a2']
    assert all(a['credentials'][0]['token'].startswith('********') for a in result['applications'])
    assert session.calls[0]['query']['service_id'] == MJ
    assert 'scope' not in session.calls[0]['query']


# ---------------------------------------------------------------------------------------------
# Readings the reference leaves open (docs/fidelity.md B1 to B4)
# ---------------------------------------------------------------------------------------------
class ReadingPlatform(FakePlatform):
    """FakePlatform with a detail route and other readings of the create, update and list answers."""

    def __init__(self, apps=(), create_answer=None, update_answer=None, thin=False):
        super().__init__(apps)
        self.create_answer = create_answer    # callable(app) -> response
        self.update_answer = update_answer
        self.thin = thin

    def __call__(self, call):
        if call['method'] == 'GET' and call['path'].startswith('/api/v1/applications/') and \
                call['path'] != '/api/v1/applications/':
            app_id = call['path'].rstrip('/').split('/')[-1]
            return FakeResponse(200, [a for a in self.apps if a['id'] == app_id][0])
        answer = super().__call__(call)
        if call['method'] == 'POST' and call['path'] == '/api/v1/applications/' and self.create_answer:
            return self.create_answer(self.apps[-1])
        if call['method'] == 'POST' and call['path'].endswith('/update-allow-consume-global/') and self.update_answer:
            return self.update_answer(call['body'])
        if call['method'] == 'GET' and self.thin:
            data = json.loads(answer.text)
            thin = ('tags', 'metadata', 'expired_at', 'credentials')
            data['items'] = [dict((k, v) for k, v in item.items() if k not in thin) for item in data['items']]
            return FakeResponse(200, data)
        return answer


@pytest.mark.parametrize('answer', [
    lambda created: FakeResponse(201, dict(created, credentials=[])),
    lambda created: FakeResponse(200, {'id': created['id']}),
    lambda created: FakeResponse(204),
], ids=['credentials-empty', 'id-only', 'no-body'])
def test_create_reads_back_when_the_answer_has_no_key(answer):
    platform = ReadingPlatform(create_answer=answer)
    res, session, dummy = application(platform)
    result = Engine(res).present()
    assert result['changed'] is True
    assert len(platform.writes(session)) == 1
    token = platform.apps[0]['credentials'][0]['token']
    assert result['application']['id'] == platform.apps[0]['id']
    assert result['application']['credentials'][0]['token'] == '********' + token[-4:]
    assert token not in json.dumps(result)


@pytest.mark.parametrize('answer', [lambda body: FakeResponse(200, body), lambda body: FakeResponse(204)],
                         ids=['partial', 'no-body'])
def test_partial_update_answer_reads_back(answer):
    platform = ReadingPlatform([app('a1', '2026-01-01T00:00:00Z')], update_answer=answer)
    res, session, dummy = application(platform, allow_consume_global=False)
    result = Engine(res).present()
    assert result['changed'] is True
    assert result['application']['id'] == 'a1'
    assert result['application']['allow_consume_global'] is False
    assert result['application']['credentials'][0]['token'].startswith('********')
    assert session.calls[-1]['path'] == '/api/v1/applications/a1'


def test_thin_list_item_read_before_refusing_a_create_only_option():
    platform = ReadingPlatform([app('a1', '2026-01-01T00:00:00Z', tags=['x'], metadata={'k': 'v'})], thin=True)
    res, session, dummy = application(platform, tags=['x'], metadata={'k': 'v'})
    result = Engine(res).present()
    assert result['changed'] is False
    assert platform.writes(session) == []
    res, session, dummy = application(platform, tags=['other'])
    with pytest.raises(ValidationError) as info:
        Engine(res).present()
    assert "it is ['x']" in str(info.value)
    assert [c['path'] for c in session.calls][-1] == '/api/v1/applications/a1'
