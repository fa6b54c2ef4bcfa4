# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""APIG credential quotas: option checks, normalisation, comparison, full PUT bodies, bindings."""

import copy
import json

import pytest
import requests
from urllib3.exceptions import ReadTimeoutError

from ansible_collections.apiops.provisioning.plugins.module_utils.apig_app_quota import (
    AppQuota,
    AppQuotaInfo,
    QuotaApi,
    normalise_reset_time,
    returned_quota,
    validate_quota_options,
)
from ansible_collections.apiops.provisioning.plugins.module_utils import resource as resource_utils
from ansible_collections.apiops.provisioning.plugins.module_utils.resource import Engine, ValidationError
from ansible_collections.apiops.provisioning.tests.unit.plugins.module_utils.fakes import (
    FakeModule,
    FakeResponse,
)

from urllib.parse import parse_qsl, unquote, urlsplit

PREFIX = '/v2/p1/apigw/instances/inst1'
APP_A = 'a1f0c3e5b7d94f2a8c6e4b2d0f1a3c5e'
APP_B = 'b2f0c3e5b7d94f2a8c6e4b2d0f1a3c5e'
APP_C = 'c3f0c3e5b7d94f2a8c6e4b2d0f1a3c5e'


# ---------------------------------------------------------------------------------------------
# Fakes
# ---------------------------------------------------------------------------------------------
def apig_response(status_code, body=None, headers=None):
    """A fake APIG answer; without headers it carries a request id, as APIG's do."""
    return FakeResponse(status_code, body, headers, default_headers={'X-Request-Id': 'req-fake'})


def apig_error(status, code, msg):
    return apig_response(status, {'error_code': code, 'error_msg': msg})


class FakeApig:
    """A tiny in-memory APIG instance behind the fake session interface."""

    def __init__(self, quotas=(), apps=(), bindings=None):
        self.quotas = dict((q['app_quota_id'], dict(q)) for q in quotas)
        self.apps = list(apps)                    # [{'id', 'name'}]
        self.bindings = dict(bindings or {})      # app id -> quota id
        self.calls = []
        self.race = None                          # a quota a concurrent run creates on our POST
        self.faults = []                          # (method, path suffix, exception): applied, then the answer is lost

    # -- the session interface ----------------------------------------------------------------
    def request(self, method, url, data=None, headers=None, timeout=None, allow_redirects=None):
        parts = urlsplit(url)
        body = json.loads(data.decode('utf-8')) if data else None
        self.calls.append((method, unquote(parts.path), dict(parse_qsl(parts.query)), body))
        assert parts.path.startswith(PREFIX), parts.path
        segments = parts.path[len(PREFIX):].strip('/').split('/')
        query = dict(parse_qsl(parts.query))
        for fault in self.faults:
            if fault[0] == method and parts.path.endswith(fault[1]):
                self.faults.remove(fault)
                self.route(method, segments, query, body)
                raise fault[2]
        return self.route(method, segments, query, body)

    def close(self):
        pass

    @property
    def writes(self):
        return [call for call in self.calls if call[0] != 'GET']

    # -- routes --------------------------------------------------------------------------------
    def route(self, method, seg, query, body):
        if seg == ['app-quotas'] and method == 'GET':
            found = [self.read(q) for q in self.quotas.values() if query.get('name', '') in q['name']]
            return self.page('quotas', found, query)
        if seg == ['app-quotas'] and method == 'POST':
            if self.race:
                self.quotas[self.race['app_quota_id']] = self.race
                self.race = None
            if any(q['name'] == body['name'] for q in self.quotas.values()):
                return apig_error(400, 'APIG.3325', 'The API quota name already exists')
            quota = dict(body, app_quota_id='q%d' % (len(self.quotas) + 1))
            self.quotas[quota['app_quota_id']] = quota
            answer = dict(quota)
            answer.pop('remark', None)
            return apig_response(201, answer)
        if seg[0] == 'app-quotas' and len(seg) == 2:
            quota = self.quotas.get(seg[1])
            if quota is None:
                return apig_error(404, 'APIG.3093', 'App quota %s does not exist' % seg[1])
            if method == 'GET':
                return apig_response(200, self.read(quota))
            if method == 'PUT':
                for key in ('remark', 'reset_time'):
                    quota.pop(key, None)
                quota.update(body)
                return apig_response(200, self.read(quota))
            if method == 'DELETE':
                del self.quotas[seg[1]]
                self.bindings = dict((a, q) for a, q in self.bindings.items() if q != seg[1])
                return apig_response(204)
        if seg[0] == 'app-quotas' and seg[2] == 'bound-apps' and method == 'GET':
            bound = [{'app_id': a['id'], 'name': a['name']} for a in self.apps if self.bindings.get(a['id']) == seg[1]]
            return self.page('apps', bound, query)
        if seg[0] == 'app-quotas' and seg[2] == 'binding-apps' and method == 'POST':
            for app_id in body['app_ids']:
                if app_id in self.bindings:
                    return apig_error(400, 'APIG.3475', 'The app is already bound to a quota')
            for app_id in body['app_ids']:
                self.bindings[app_id] = seg[1]
            return apig_response(201, {'applies': [{'app_id': a, 'app_quota_id': seg[1]} for a in body['app_ids']]})
        if seg[0] == 'app-quotas' and seg[2] == 'bound-apps' and method == 'DELETE':
            if self.bindings.get(seg[3]) != seg[1]:
                return apig_error(404, 'APIG.3004', 'not bound')
            del self.bindings[seg[3]]
            return apig_response(204)
        if seg == ['apps'] and method == 'GET':
            found = self.apps
            if 'id' in query:
                found = [a for a in found if a['id'] == query['id']]
            if 'name' in query:
                exact = query.get('precise_search') == 'name'
                found = [a for a in found if (a['name'] == query['name'] if exact else query['name'] in a['name'])]
            return self.page('apps', found, query)
        if seg[0] == 'apps' and seg[2:] == ['bound-quota'] and method == 'GET':
            quota_id = self.bindings.get(seg[1])
            if quota_id is None:
                return apig_error(404, 'APIG.3004', 'App %s is not bound' % seg[1])
            return apig_response(200, self.read(self.quotas[quota_id]))
        raise AssertionError('no route for %s %s' % (method, seg))

    def read(self, quota):
        """A quota as APIG reads it back: reset_time in Go's format, empty keys omitted."""
        out = dict((k, v) for k, v in quota.items() if v not in ('', None))
        if out.get('reset_time'):
            out['reset_time'] = out['reset_time'] + ' +0000 +0000'
        bound = sum(1 for q in self.bindings.values() if q == quota['app_quota_id'])
        if bound:
            out['bound_app_num'] = bound
        return out

    @staticmethod
    def page(key, items, query):
        offset, limit = int(query.get('offset', 0)), int(query.get('limit', 20))
        chunk = items[offset:offset + limit]
        return apig_response(200, {key: chunk, 'size': len(chunk), 'total': len(items)})


def quota_params(**resource):
    values = dict(region='cn-north-4', project_id='p1', instance_id='inst1', access_key='AK1234567890',
                  secret_key='SK-secret', security_token=None, auth_token=None, user=None, password=None,
                  domain=None, apig_endpoint=None, iam_endpoint=None, validate_certs=True, timeout=30.0,
                  retries=4, retry_max_delay=30.0,
                  name='images_daily', call_limits=None, time_unit=None, time_interval=None, reset_time=None,
                  remark=None, apps=None, purge_apps=False, state='present')
    values.update(resource)
    return values


def app_quota(api=None, check_mode=False, cls=AppQuota, **resource):
    module = FakeModule(quota_params(**resource), check_mode=check_mode)
    quota = cls(module)
    if api is not None:
        sleeps = []
        quota.cloud.apig._session = api
        quota.cloud.apig.sleep = sleeps.append
    return quota


QUOTA = {'app_quota_id': 'q1', 'name': 'images_daily', 'call_limits': 1000, 'time_unit': 'DAY', 'time_interval': 1,
         'remark': 'keep me', 'reset_time': '2026-12-01 00:00:00', 'create_time': '2026-11-23T07:27:47Z'}
APPS = [{'id': APP_A, 'name': 'consumer_app_a'}, {'id': APP_B, 'name': 'consumer_app_b'},
        {'id': APP_C, 'name': 'consumer_app_c'}]


# ---------------------------------------------------------------------------------------------
# validate_quota_options
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize('option, value', [
    ('name', '1bad'),
    ('name', 'ab'),
    ('name', 'a' * 256),
    ('name', 'has space'),
    ('name', 'dash-name'),
    ('name', '_under'),
    ('call_limits', 0),
    ('call_limits', 2147483648),
    ('call_limits', -5),
    ('time_interval', 0),
    ('time_interval', 2147483648),
    ('remark', 'a <b> tag'),
    ('remark', 'greater >'),
    ('remark', 'x' * 256),
    ('remark', 'bell\x07'),
    ('reset_time', 'tomorrow'),
    ('reset_time', '2026-02-30 00:00:00'),
    ('reset_time', '2026-12-01T00:00:00'),
    ('reset_time', '2026-12-01 25:00:00'),
    ('apps', ['consumer_app_a', '']),
    ('apps', ['bad app']),
    ('apps', ['a' * 256]),
    ('apps', ['tab\tinside']),
    ('apps', ['line\nbreak']),
])
def test_invalid_options_name_the_option(option, value):
    params = dict(name='images_daily')
    params[option] = value
    with pytest.raises(ValidationError) as info:
        validate_quota_options(params)
    assert str(info.value).startswith(option)


def test_bad_app_entry_message_names_index():
    with pytest.raises(ValidationError) as info:
        validate_quota_options(dict(name='images_daily', apps=['consumer_app_a', 'bad app']))
    assert str(info.value).startswith('apps[1]')


def test_purge_apps_needs_apps():
    with pytest.raises(ValidationError) as info:
        validate_quota_options(dict(name='images_daily', purge_apps=True, apps=None))
    assert str(info.value).startswith('purge_apps')
    validate_quota_options(dict(name='images_daily', purge_apps=True, apps=[]))


@pytest.mark.parametrize('params', [
    dict(name='images_daily'),
    dict(name=u'每日配额'),
    dict(name=u'配额_daily_1'),
    dict(name='abc'),
    dict(name='a' * 255),
    dict(name='q_x', call_limits=1, time_interval=1),
    dict(name='q_x', call_limits=2147483647, time_interval=2147483647, time_unit='SECOND'),
    dict(name='q_x', remark=''),
    dict(name='q_x', remark=u'每天 1000 次, for "images" & co.' + 'x' * 200),
    dict(name='q_x', remark='r' * 255),
    dict(name='q_x', reset_time='2028-02-29 23:59:59'),
    dict(name='q_x', apps=[APP_A, 'consumer_app_b', '98df09fb-1d2c-4e3f-8a9b-0c1d2e3f4a5b', u'消费者应用']),
    dict(name='q_x', apps=['consumer_app_b'], purge_apps=True),
    # Real apps are named with hyphens (the vendor's own examples: app-demo) and other characters
    # the create docs do not list: any name an app can have is a reference, resolved later.
    dict(name='q_x', apps=['app-demo', '1starts_with_digit', 'x', 'a' * 255]),
])
def test_valid_options_accepted(params):
    validate_quota_options(params)


def test_blanks_around_app_references_are_dropped():
    # apps='a, b' on the command line arrives as ['a', ' b'].
    params = dict(name='q_x', apps=['consumer_app_a', ' consumer_app_b', 'app-demo\n'])
    validate_quota_options(params)
    assert params['apps'] == ['consumer_app_a', 'consumer_app_b', 'app-demo']


@pytest.mark.parametrize('params', [dict(name='images_daily\n'), dict(name='q_x', apps=['consumer\napp_a'])],
                         ids=['name', 'apps'])
def test_trailing_newline_refused(params):
    with pytest.raises(ValidationError):
        validate_quota_options(params)


# ---------------------------------------------------------------------------------------------
# Normalisation and returned objects
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize('value, expected', [
    ('2020-09-20 00:00:00 +0000 +0000', '2020-09-20 00:00:00'),
    ('2020-09-20 00:00:00', '2020-09-20 00:00:00'),
    ('2020-09-20 08:30:15 +0800 CST', '2020-09-20 08:30:15'),
    ('2020-09-20T00:00:00Z', '2020-09-20T00:00:00Z'),
    ('', None),
    (None, None),
])
def test_normalise_reset_time(value, expected):
    assert normalise_reset_time(value) == expected


def test_returned_quota_fills_omitted_keys_without_mutating():
    read = {'app_quota_id': 'q1', 'name': 'n_q', 'reset_time': '2020-09-20 00:00:00 +0000 +0000'}
    original = copy.deepcopy(read)
    out = returned_quota(read)
    assert read == original
    assert out['reset_time'] == '2020-09-20 00:00:00'
    assert out['remark'] == ''
    assert 'bound_apps' not in out
    assert out['bound_app_num'] == 0
    assert returned_quota({'app_quota_id': 'q2'})['reset_time'] is None


def test_returned_quota_counts_the_bindings_read_not_the_api_count():
    # A vendor example shows bound_app_num 0 on a quota with an app bound: the list decides, and
    # without a list none is made up from the count.
    apps = [{'app_id': APP_A, 'name': 'consumer_app_a'}]
    assert returned_quota({'app_quota_id': 'q1', 'bound_app_num': 0, 'bound_apps': apps})['bound_app_num'] == 1
    assert returned_quota({'app_quota_id': 'q1', 'bound_app_num': 3, 'bound_apps': []})['bound_app_num'] == 0
    unread = returned_quota({'app_quota_id': 'q1', 'bound_app_num': 0})
    assert 'bound_apps' not in unread and unread['bound_app_num'] == 0


def test_returned_quota_with_read_bindings():
    apps = [{'app_id': APP_A, 'name': 'consumer_app_a'}]
    out = returned_quota({'app_quota_id': 'q1', 'remark': 'kept', 'bound_app_num': 7, 'bound_apps': apps})
    assert out['remark'] == 'kept'
    assert out['bound_apps'] == apps
    assert out['bound_app_num'] == 1


# ---------------------------------------------------------------------------------------------
# AppQuota.changes
# ---------------------------------------------------------------------------------------------
BOUND = [{'app_id': APP_A, 'name': 'consumer_app_a'}, {'app_id': APP_B, 'name': 'consumer_app_b'}]


@pytest.mark.parametrize('apps, purge, changed', [
    (['consumer_app_a', 'consumer_app_b'], False, False),
    (['consumer_app_b', 'consumer_app_a'], True, False),
    ([APP_A, 'consumer_app_b'], True, False),
    ([APP_A, APP_B], True, False),
    (['consumer_app_a', 'consumer_app_a', APP_B], True, False),
    (['consumer_app_a'], False, False),
    ([APP_A], False, False),
    ([], False, False),
    (['consumer_app_a'], True, True),
    ([APP_B], True, True),
    ([], True, True),
    (['consumer_app_c'], False, True),
    ([APP_C], False, True),
    (['consumer_app_a', 'consumer_app_b', 'consumer_app_c'], True, True),
])
def test_changes_apps(apps, purge, changed):
    res = app_quota(apps=apps, purge_apps=purge)
    current = dict(QUOTA, bound_apps=BOUND)
    result = res.changes(current, res.desired())
    assert ('apps' in result) is changed
    if changed:
        assert result['apps'] == apps
    assert set(result) <= {'apps'}


@pytest.mark.parametrize('given, expected', [
    (dict(call_limits=1000, time_unit='DAY', time_interval=1), {}),
    (dict(reset_time='2026-12-01 00:00:00'), {}),
    (dict(remark='keep me'), {}),
    (dict(call_limits=2000), {'call_limits': 2000}),
    (dict(time_unit='HOUR', remark='new'), {'time_unit': 'HOUR', 'remark': 'new'}),
    (dict(reset_time='2027-01-01 00:00:00'), {'reset_time': '2027-01-01 00:00:00'}),
])
def test_changes_scalars(given, expected):
    res = app_quota(**given)
    # As APIG reads it: reset_time with Go's zone suffix.
    current = dict(QUOTA, reset_time='2026-12-01 00:00:00 +0000 +0000', bound_apps=[])
    assert res.changes(current, res.desired()) == expected


def test_empty_remark_equals_omitted_remark():
    res = app_quota(remark='')
    current = dict(QUOTA, bound_apps=[])
    del current['remark']
    assert res.changes(current, res.desired()) == {}
    assert res.changes(dict(QUOTA, bound_apps=[]), res.desired()) == {'remark': ''}


# ---------------------------------------------------------------------------------------------
# AppQuota._body: full PUT
# ---------------------------------------------------------------------------------------------
def test_body_keeps_current_values_not_given():
    res = app_quota(call_limits=5000)
    current = dict(QUOTA, reset_time='2099-12-01 00:00:00 +0000 +0000', bound_apps=BOUND, bound_app_num=2)
    # A stored reset_time still to come is sent again (kept under either reading of PUT)...
    assert res._body(current, res.desired()) == {
        'name': 'images_daily', 'call_limits': 5000, 'time_unit': 'DAY', 'time_interval': 1, 'remark': 'keep me',
        'reset_time': '2099-12-01 00:00:00'}
    # ... one in the past is left out (the gateway may refuse it); a given one is sent.
    past = dict(current, reset_time='2020-09-20 00:00:00 +0000 +0000')
    assert 'reset_time' not in res._body(past, res.desired())
    res = app_quota(call_limits=5000, reset_time='2027-01-01 00:00:00')
    assert res._body(past, res.desired())['reset_time'] == '2027-01-01 00:00:00'


def test_body_for_create_has_only_given_values():
    res = app_quota(call_limits=10, time_unit='DAY', time_interval=1, apps=['consumer_app_a'])
    assert res._body(None, res.desired()) == {'name': 'images_daily', 'call_limits': 10, 'time_unit': 'DAY',
                                              'time_interval': 1}


def test_body_given_empty_remark_clears():
    res = app_quota(remark='')
    assert res._body(dict(QUOTA), res.desired())['remark'] == ''


# ---------------------------------------------------------------------------------------------
# Whole runs against the fake instance
# ---------------------------------------------------------------------------------------------
def test_check_mode_create_sends_no_write():
    api = FakeApig(apps=APPS)
    res = app_quota(api, check_mode=True, call_limits=10, time_unit='DAY', time_interval=1, apps=['consumer_app_a'])
    result = Engine(res).present()
    assert api.writes == []
    assert api.quotas == {}
    assert result['changed'] is True
    quota = result['app_quota']
    assert quota['app_quota_id'] is None
    assert (quota['call_limits'], quota['time_unit'], quota['time_interval']) == (10, 'DAY', 1)
    assert quota['bound_apps'] == [{'app_id': APP_A, 'name': 'consumer_app_a'}]
    assert result['diff']['after']['apps'] == ['consumer_app_a']


def test_create_then_unchanged():
    api = FakeApig(apps=APPS)
    options = dict(call_limits=10, time_unit='DAY', time_interval=1, remark='r', reset_time='2026-12-01 00:00:00',
                   apps=['consumer_app_a', APP_B])
    result = Engine(app_quota(api, **options)).present()
    assert result['changed'] is True
    posts = [c for c in api.writes if c[0] == 'POST']
    assert posts[0][1] == PREFIX + '/app-quotas'
    assert posts[0][3] == {'name': 'images_daily', 'call_limits': 10, 'time_unit': 'DAY', 'time_interval': 1,
                           'remark': 'r', 'reset_time': '2026-12-01 00:00:00'}
    assert posts[1][1] == PREFIX + '/app-quotas/q1/binding-apps'
    assert sorted(posts[1][3]['app_ids']) == sorted([APP_A, APP_B])
    assert result['app_quota']['remark'] == 'r'
    assert result['app_quota']['reset_time'] == '2026-12-01 00:00:00'
    assert sorted(a['app_id'] for a in result['app_quota']['bound_apps']) == sorted([APP_A, APP_B])
    assert result['app_quota']['bound_app_num'] == 2

    api.calls = []
    again = Engine(app_quota(api, **options)).present()
    assert again['changed'] is False
    assert api.writes == []
    assert 'diff' not in again
    assert len(api.calls) == 2  # the lookup and the bindings


def test_unchanged_without_apps_costs_one_request():
    api = FakeApig(quotas=[QUOTA], apps=APPS, bindings={APP_A: 'q1'})
    result = Engine(app_quota(api, call_limits=1000)).present()
    assert result['changed'] is False
    assert len(api.calls) == 1
    assert 'bound_apps' not in result['app_quota']  # not read: never made up from the count
    assert result['app_quota']['bound_app_num'] == 1


@pytest.mark.parametrize('count', [None, 0], ids=['absent', 'zero'])
def test_bindings_read_whatever_bound_app_num_says(count):
    api = FakeApig(quotas=[QUOTA], apps=APPS, bindings={APP_A: 'q1'})
    plain_read = api.read

    def read(quota):
        out = plain_read(quota)
        out.pop('bound_app_num', None)
        if count is not None:
            out['bound_app_num'] = count
        return out
    api.read = read
    result = Engine(app_quota(api, apps=['consumer_app_a'])).present()
    assert result['changed'] is False
    assert api.writes == []
    assert result['app_quota']['bound_app_num'] == 1


def test_bad_app_on_create_writes_nothing():
    # Bindings are planned before the quota is created: an app bound elsewhere stops the run first.
    other = dict(QUOTA, app_quota_id='q9', name='other_quota')
    api = FakeApig(quotas=[other], apps=APPS, bindings={APP_C: 'q9'})
    with pytest.raises(ValidationError) as info:
        Engine(app_quota(api, call_limits=10, time_unit='DAY', time_interval=1, apps=['consumer_app_c'])).present()
    assert "'other_quota'" in str(info.value)
    assert api.writes == []


def test_update_sends_full_body():
    api = FakeApig(quotas=[QUOTA], apps=APPS, bindings={APP_A: 'q1'})
    result = Engine(app_quota(api, call_limits=5000)).present()
    assert result['changed'] is True
    # QUOTA's reset_time is in the past: left out of the PUT.
    assert api.writes == [('PUT', PREFIX + '/app-quotas/q1', {}, {
        'name': 'images_daily', 'call_limits': 5000, 'time_unit': 'DAY', 'time_interval': 1, 'remark': 'keep me'})]
    assert api.quotas['q1']['remark'] == 'keep me'
    # apps not given: the bindings were not read, and are not claimed to be empty.
    assert 'bound_apps' not in result['app_quota']
    assert result['app_quota']['bound_app_num'] == 1
    assert 'apps' not in result['diff']['before'] and 'apps' not in result['diff']['after']
    assert result['diff']['before']['call_limits'] == 1000
    assert result['diff']['after']['call_limits'] == 5000


def test_purge_unbinds_only_unlisted():
    api = FakeApig(quotas=[QUOTA], apps=APPS, bindings={APP_A: 'q1', APP_B: 'q1'})
    result = Engine(app_quota(api, apps=['consumer_app_a'], purge_apps=True)).present()
    assert result['changed'] is True
    assert api.writes == [('DELETE', PREFIX + '/app-quotas/q1/bound-apps/' + APP_B, {}, None)]
    assert api.bindings == {APP_A: 'q1'}
    assert result['app_quota']['bound_apps'] == [{'app_id': APP_A, 'name': 'consumer_app_a'}]
    assert result['diff']['before']['apps'] == ['consumer_app_a', 'consumer_app_b']
    assert result['diff']['after']['apps'] == ['consumer_app_a']


@pytest.mark.parametrize('check_mode', [False, True])
def test_app_bound_elsewhere_names_both_quotas(check_mode):
    other = dict(QUOTA, app_quota_id='q9', name='other_quota')
    api = FakeApig(quotas=[QUOTA, other], apps=APPS, bindings={APP_C: 'q9'})
    with pytest.raises(ValidationError) as info:
        Engine(app_quota(api, check_mode=check_mode, apps=['consumer_app_c'])).present()
    text = str(info.value)
    assert "'images_daily'" in text and "'other_quota'" in text
    assert 'consumer_app_c' in text
    assert api.bindings == {APP_C: 'q9'}


def test_unknown_app_fails_naming_apps():
    api = FakeApig(quotas=[QUOTA], apps=APPS)
    with pytest.raises(ValidationError) as info:
        Engine(app_quota(api, apps=['ghost_app'])).present()
    assert str(info.value).startswith('apps')
    assert 'ghost_app' in str(info.value)
    assert api.writes == []


def test_fuzzy_name_filter_matched_exactly():
    similar = dict(QUOTA, app_quota_id='q5', name='images_daily_backup')
    api = FakeApig(quotas=[similar], apps=APPS)
    res = app_quota(api, check_mode=True, call_limits=10, time_unit='DAY', time_interval=1)
    result = Engine(res).present()
    assert result['changed'] is True
    assert result['app_quota']['app_quota_id'] is None


def test_concurrent_create_converges():
    api = FakeApig(apps=APPS)
    api.race = dict(app_quota_id='q7', name='images_daily', call_limits=10, time_unit='DAY', time_interval=1)
    result = Engine(app_quota(api, call_limits=10, time_unit='DAY', time_interval=1)).present()
    assert result['changed'] is False
    assert result['app_quota']['app_quota_id'] == 'q7'
    assert [c[0] for c in api.writes] == ['POST']
    assert len(api.quotas) == 1


def lost_answer():
    return requests.exceptions.ReadTimeout(ReadTimeoutError(None, '/', 'Read timed out.'))


def test_create_with_lost_answer_is_found_not_recreated():
    api = FakeApig(apps=APPS)
    api.faults = [('POST', '/app-quotas', lost_answer())]
    result = Engine(app_quota(api, call_limits=10, time_unit='DAY', time_interval=1, apps=['consumer_app_a'])).present()
    assert result['changed'] is True
    assert len([c for c in api.writes if c[1] == PREFIX + '/app-quotas']) == 1
    assert len(api.quotas) == 1
    # The bindings the lost create could not make are made afterwards.
    assert api.bindings == {APP_A: 'q1'}
    assert result['app_quota']['bound_apps'] == [{'app_id': APP_A, 'name': 'consumer_app_a'}]


def test_bind_with_lost_answer_is_checked_not_repeated():
    api = FakeApig(quotas=[QUOTA], apps=APPS)
    api.faults = [('POST', '/binding-apps', lost_answer())]
    result = Engine(app_quota(api, apps=['consumer_app_a', 'consumer_app_b'])).present()
    assert result['changed'] is True
    assert len([c for c in api.writes if c[1].endswith('/binding-apps')]) == 1
    assert api.bindings == {APP_A: 'q1', APP_B: 'q1'}


def test_absent_deletes_then_is_unchanged():
    api = FakeApig(quotas=[QUOTA], apps=APPS, bindings={APP_A: 'q1'})
    result = Engine(app_quota(api, state='absent')).absent()
    assert result['changed'] is True
    assert api.writes == [('DELETE', PREFIX + '/app-quotas/q1', {}, None)]
    assert api.quotas == {}
    again = Engine(app_quota(api, state='absent')).absent()
    assert again['changed'] is False


def test_info_lists_every_page_with_bindings():
    quotas = [dict(QUOTA, app_quota_id='q%d' % i, name='quota_%03d' % i) for i in range(1, 503)]
    api = FakeApig(quotas=quotas, apps=APPS, bindings={APP_A: 'q2'})
    info = app_quota(api, cls=AppQuotaInfo, name=None)
    result = info.gather()
    assert len(result['app_quotas']) == 502
    assert result['changed'] is False
    assert result['app_quotas'][1]['bound_apps'] == [{'app_id': APP_A, 'name': 'consumer_app_a'}]
    assert result['app_quotas'][0]['reset_time'] == '2026-12-01 00:00:00'
    list_calls = [c for c in api.calls if c[1] == PREFIX + '/app-quotas']
    assert [c[2]['offset'] for c in list_calls] == ['0', '500']
    assert all(c[2]['limit'] == '500' for c in list_calls)


# ---------------------------------------------------------------------------------------------
# AppLookup.resolve and QuotaApi.named: one page for many references, else one by one
# ---------------------------------------------------------------------------------------------
class NoTotalApig(FakeApig):
    """An instance whose list answers lack ``total``: no page can be known to be complete."""

    @staticmethod
    def page(key, items, query):
        offset, limit = int(query.get('offset', 0)), int(query.get('limit', 20))
        chunk = items[offset:offset + limit]
        return apig_response(200, {key: chunk, 'size': len(chunk)})


def quota_api(fake):
    """A QuotaApi whose requests go to ``fake``."""
    api = app_quota(fake, cls=AppQuotaInfo).api
    assert isinstance(api, QuotaApi)
    return api


def bulk_apps(count):
    """``count`` more apps, so that the instance holds more apps than one page."""
    return [{'id': '%032x' % (0xf000 + i), 'name': 'bulk_app_%04d' % i} for i in range(count)]


def app_calls(fake):
    """The queries of the app lists sent, without offset and limit."""
    return [dict((k, v) for k, v in call[2].items() if k not in ('offset', 'limit'))
            for call in fake.calls if call[1] == PREFIX + '/apps']


def found(app):
    return {'app_id': app['id'], 'name': app['name']}


def test_resolve_one_reference_is_one_precise_lookup():
    """A single reference is looked up by itself: no page of every app is read for it."""
    fake = FakeApig(apps=APPS)
    assert quota_api(fake).apps.resolve(['consumer_app_b']) == [found(APPS[1])]
    assert app_calls(fake) == [{'name': 'consumer_app_b', 'precise_search': 'name'}]


def test_resolve_several_from_one_complete_page_in_order():
    """Several references (ids and names) are resolved from one unfiltered page holding every app, in
    the order given."""
    fake = FakeApig(apps=APPS)
    resolved = quota_api(fake).apps.resolve(['consumer_app_c', APP_A, 'consumer_app_b'])
    assert resolved == [found(APPS[2]), found(APPS[0]), found(APPS[1])]
    assert app_calls(fake) == [{}]
    assert fake.calls[0][2] == {'offset': '0', 'limit': '500'}


# An app named like another app's id (the name pattern admits a hex id that starts with a letter).
IMPOSTOR = {'id': 'e5f0c3e5b7d94f2a8c6e4b2d0f1a3c5e', 'name': APP_A}


@pytest.mark.parametrize('extra', [0, 500], ids=['complete-page', 'incomplete-page'])
def test_resolve_prefers_the_id_to_a_name_equal_to_it(extra):
    """A reference that is one app's id and another app's name is the app with that id, whether the
    page of apps answers or each reference is looked up; the impostor comes first in the list."""
    fake = FakeApig(apps=[IMPOSTOR] + APPS + bulk_apps(extra))
    resolved = quota_api(fake).apps.resolve([APP_A, 'consumer_app_b'])
    assert resolved == [found(APPS[0]), found(APPS[1])]


@pytest.mark.parametrize('extra, lookups', [
    (0, []),
    (500, [{'name': 'consumer_app_a', 'precise_search': 'name'}, {'id': APP_B}]),
], ids=['complete-page', 'incomplete-page'])
def test_resolve_duplicate_references_once(extra, lookups):
    """A reference given twice is resolved once and returned once."""
    fake = FakeApig(apps=APPS + bulk_apps(extra))
    resolved = quota_api(fake).apps.resolve(['consumer_app_a', APP_B, 'consumer_app_a', APP_B])
    assert resolved == [found(APPS[0]), found(APPS[1])]
    assert app_calls(fake) == [{}] + lookups


def test_resolve_duplicates_down_to_one_reference_skip_the_page():
    """References that are all the same one are one reference: one lookup, no page."""
    fake = FakeApig(apps=APPS)
    assert quota_api(fake).apps.resolve([APP_C, APP_C]) == [found(APPS[2])]
    assert app_calls(fake) == [{'id': APP_C}]


def test_resolve_unknown_reference_in_a_complete_page_fails_naming_apps():
    """An app the complete page does not hold does not exist: a ValidationError naming ``apps`` and the
    reference, without looking it up again."""
    fake = FakeApig(apps=APPS)
    with pytest.raises(ValidationError) as info:
        quota_api(fake).apps.resolve(['consumer_app_a', 'ghost_app'])
    assert str(info.value).startswith('apps')
    assert "'ghost_app'" in str(info.value)
    assert app_calls(fake) == [{}]


def test_resolve_unknown_reference_after_an_incomplete_page_fails_naming_apps():
    """Beyond one page the unknown reference is looked up (by id, then by name) before it is refused."""
    fake = FakeApig(apps=APPS + bulk_apps(500))
    ghost = 'dead0000dead0000dead0000dead0000'
    with pytest.raises(ValidationError) as info:
        quota_api(fake).apps.resolve(['consumer_app_a', ghost])
    assert str(info.value).startswith('apps') and ghost in str(info.value)
    assert app_calls(fake) == [{}, {'name': 'consumer_app_a', 'precise_search': 'name'},
                               {'id': ghost}, {'name': ghost, 'precise_search': 'name'}]


def test_resolve_incomplete_page_falls_back_to_one_lookup_per_reference():
    """When the instance has more apps than the page holds, the page proves nothing: each reference is
    looked up by itself, by id or by exact name; an app on a later page is found."""
    extra = bulk_apps(600)
    fake = FakeApig(apps=APPS + extra)
    resolved = quota_api(fake).apps.resolve([extra[550]['name'], APP_A])
    assert resolved == [found(extra[550]), found(APPS[0])]
    assert app_calls(fake) == [{}, {'name': extra[550]['name'], 'precise_search': 'name'}, {'id': APP_A}]


def test_resolve_without_total_falls_back_to_one_lookup_per_reference():
    """A page answer without ``total`` cannot be known complete: the references are looked up one by one."""
    fake = NoTotalApig(apps=APPS)
    resolved = quota_api(fake).apps.resolve(['consumer_app_a', APP_B])
    assert resolved == [found(APPS[0]), found(APPS[1])]
    assert app_calls(fake) == [{}, {'name': 'consumer_app_a', 'precise_search': 'name'}, {'id': APP_B}]


def test_plan_bindings_resolves_the_apps_to_add_in_one_page():
    """A quota's bindings planned for two new apps: one page resolves them, then each is checked free."""
    fake = FakeApig(quotas=[QUOTA], apps=APPS, bindings={APP_A: 'q1'})
    res = app_quota(fake, apps=['consumer_app_a', 'consumer_app_b', APP_C])
    apps, remove = res._plan_bindings('q1', [found(APPS[0])], ['consumer_app_a', 'consumer_app_b', APP_C])
    assert (apps, remove) == ([found(APPS[1]), found(APPS[2])], [])
    assert [call[1] for call in fake.calls] == [PREFIX + '/apps', PREFIX + '/apps/%s/bound-quota' % APP_B,
                                                PREFIX + '/apps/%s/bound-quota' % APP_C]


def named_quota(number, name):
    return dict(QUOTA, app_quota_id='q%d' % number, name=name)


NAMED = [named_quota(1, 'images_daily'), named_quota(2, 'chat_hourly'), named_quota(3, 'images_daily_backup'),
         named_quota(4, 'video_weekly')]


def quota_calls(fake):
    """The queries of the quota lists sent, without offset and limit."""
    return [dict((k, v) for k, v in call[2].items() if k not in ('offset', 'limit'))
            for call in fake.calls if call[1] == PREFIX + '/app-quotas']


def names_of(quotas):
    return [quota['name'] for quota in quotas]


def test_named_several_from_one_complete_page_in_order():
    """Several names are answered by one unfiltered page holding every quota: exact names only, in the
    order of ``names``, unknown names left out."""
    fake = FakeApig(quotas=NAMED)
    result = quota_api(fake).named(['video_weekly', 'ghost_quota', 'images_daily', 'chat_hourly'])
    assert names_of(result) == ['video_weekly', 'images_daily', 'chat_hourly']
    assert quota_calls(fake) == [{}]
    assert fake.calls[0][2] == {'offset': '0', 'limit': '500'}


def test_named_duplicates_are_returned_once():
    """A name given twice is looked for once and its quota returned once."""
    fake = FakeApig(quotas=NAMED)
    result = quota_api(fake).named(['chat_hourly', 'images_daily', 'chat_hourly'])
    assert names_of(result) == ['chat_hourly', 'images_daily']
    assert quota_calls(fake) == [{}]


def test_named_one_name_given_twice_is_one_fuzzy_lookup():
    """Duplicates of a single name make one name: its fuzzy lookup alone, no unfiltered page."""
    fake = FakeApig(quotas=NAMED)
    assert names_of(quota_api(fake).named(['images_daily', 'images_daily'])) == ['images_daily']
    assert quota_calls(fake) == [{'name': 'images_daily'}]


def test_named_empty_sends_nothing():
    """No names: no quota and no request."""
    fake = FakeApig(quotas=NAMED)
    assert quota_api(fake).named([]) == []
    assert fake.calls == []


def test_named_without_total_falls_back_to_lookups_per_name():
    """A page answer without ``total`` cannot be known complete: each name is then looked up with the
    name filter, and only exact matches are kept."""
    fake = NoTotalApig(quotas=NAMED)
    result = quota_api(fake).named(['images_daily', 'chat_hourly'])
    assert names_of(result) == ['images_daily', 'chat_hourly']
    assert quota_calls(fake) == [{}, {'name': 'images_daily'}, {'name': 'chat_hourly'}]


def test_named_incomplete_page_falls_back_to_lookups_per_name():
    """More quotas than one page: each name is looked up (every page of its fuzzy matches is read), and
    a quota beyond the first page is found."""
    many = [named_quota(100 + i, 'images_daily_%03d' % i) for i in range(600)]
    fake = FakeApig(quotas=many + NAMED)
    result = quota_api(fake).named(['chat_hourly', 'images_daily'])
    assert names_of(result) == ['chat_hourly', 'images_daily']
    calls = [call[2] for call in fake.calls]
    assert calls == [{'offset': '0', 'limit': '500'}, {'name': 'chat_hourly', 'offset': '0', 'limit': '500'},
                     {'name': 'images_daily', 'offset': '0', 'limit': '500'},
                     {'name': 'images_daily', 'offset': '500', 'limit': '500'}]


def test_info_names_gathers_in_order_with_bindings():
    """``apig_app_quota_info`` with ``names``: the quotas in the order given, with their bound apps (read
    for each quota, whatever its bound_app_num says); an empty list sends nothing."""
    fake = FakeApig(quotas=NAMED, apps=APPS, bindings={APP_B: 'q4'})
    result = app_quota(fake, cls=AppQuotaInfo, name=None, names=['video_weekly', 'images_daily']).gather()
    assert names_of(result['app_quotas']) == ['video_weekly', 'images_daily']
    assert [q['bound_apps'] for q in result['app_quotas']] == [[found(APPS[1])], []]
    first_id = result['app_quotas'][1]['app_quota_id']
    assert [call[1] for call in fake.calls] == [PREFIX + '/app-quotas', PREFIX + '/app-quotas/q4/bound-apps',
                                                PREFIX + '/app-quotas/%s/bound-apps' % first_id]
    fake.calls = []
    assert app_quota(fake, cls=AppQuotaInfo, name=None, names=[]).gather()['app_quotas'] == []
    assert fake.calls == []


# ---------------------------------------------------------------------------------------------
# Readings the reference leaves open (docs/fidelity.md)
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize('answer', [None, {'app_quota_id': '', 'name': '', 'call_limits': 0, 'time_unit': '',
                                           'time_interval': 0, 'remark': '', 'reset_time': '', 'bound_app_num': 0}],
                         ids=['empty-body', 'zero-object'])
def test_free_app_bound_quota_answered_200_means_none(answer):
    api = FakeApig(quotas=[QUOTA], apps=APPS)
    route = api.route

    def zero_bound_quota(method, seg, query, body):
        if seg[0] == 'apps' and seg[2:] == ['bound-quota'] and seg[1] not in api.bindings:
            return apig_response(200, answer)
        return route(method, seg, query, body)
    api.route = zero_bound_quota
    result = Engine(app_quota(api, apps=['consumer_app_a'])).present()
    assert result['changed'] is True
    assert api.bindings == {APP_A: 'q1'}


@pytest.mark.parametrize('status', [200, 202, 204])
def test_any_2xx_answer_to_writes_is_success(status):
    """Create answered 200/202/204 (with or without the quota), bind and delete likewise."""
    api = FakeApig(apps=APPS)
    route = api.route

    def other_status(method, seg, query, body):
        answer = route(method, seg, query, body)
        if method != 'GET' and 200 <= answer.status_code < 300:
            return apig_response(status, None if status == 204 else json.loads(answer.text or 'null'))
        return answer
    api.route = other_status
    result = Engine(app_quota(api, call_limits=10, time_unit='DAY', time_interval=1, apps=['consumer_app_a'])).present()
    assert result['changed'] is True
    assert result['app_quota']['app_quota_id'] == 'q1'
    assert api.bindings == {APP_A: 'q1'}
    assert len([call for call in api.writes if call[0] == 'POST']) == 2  # one create, one bind: no duplicate
    again = Engine(app_quota(api, call_limits=10, time_unit='DAY', time_interval=1, apps=['consumer_app_a'])).present()
    assert again['changed'] is False
    gone = Engine(app_quota(api, state='absent')).absent()
    assert gone['changed'] is True and api.quotas == {}


def test_bindings_awaited_until_reads_show_them(monkeypatch):
    """Reads lag the bind: bound-apps lists the app only on the third read after it."""
    api = FakeApig(quotas=[QUOTA], apps=APPS)
    route = api.route
    lag = {'reads': 0}

    def lagging(method, seg, query, body):
        if seg[0] == 'app-quotas' and seg[2:] == ['bound-apps'] and method == 'GET' and api.bindings:
            lag['reads'] += 1
            if lag['reads'] < 3:
                return apig_response(200, {'apps': [], 'size': 0, 'total': 0})
        return route(method, seg, query, body)
    api.route = lagging
    res = app_quota(api, apps=['consumer_app_a'])
    sleeps = []
    monkeypatch.setattr(resource_utils.time, 'sleep', sleeps.append)
    result = Engine(res).present()
    assert result['changed'] is True
    assert lag['reads'] == 3
    assert sleeps == [0.25, 0.5]


def test_update_keeps_a_future_reset_time_under_both_put_readings():
    api = FakeApig(quotas=[dict(QUOTA, reset_time='2099-12-01 00:00:00')], apps=APPS)
    res = app_quota(api, call_limits=5000)
    result = Engine(res).present()
    assert api.writes[0][3]['reset_time'] == '2099-12-01 00:00:00'
    assert result['app_quota']['reset_time'] == '2099-12-01 00:00:00'
    assert res.module.warnings == []


def test_update_without_reset_time_under_both_put_readings():
    """PUT omits a past reset_time; whether the gateway keeps or clears it, the result is what it holds."""
    for keeps in (True, False):
        api = FakeApig(quotas=[QUOTA], apps=APPS)
        route = api.route

        def put(method, seg, query, body, keeps=keeps, api=api, route=route):
            if method == 'PUT':
                quota = api.quotas[seg[1]]
                kept = quota.get('reset_time')
                route(method, seg, query, body)
                if keeps:
                    quota['reset_time'] = kept
                return apig_response(200, {'app_quota_id': seg[1]})  # a partial answer
            return route(method, seg, query, body)
        api.route = put
        res = app_quota(api, call_limits=5000)
        result = Engine(res).present()
        assert 'reset_time' not in api.writes[0][3]
        assert result['app_quota']['reset_time'] == ('2026-12-01 00:00:00' if keeps else None)
        assert result['app_quota']['call_limits'] == 5000
        assert result['app_quota']['remark'] == 'keep me'
        assert bool(res.module.warnings) is not keeps


def test_thin_list_item_read_from_detail_before_comparing():
    api = FakeApig(quotas=[QUOTA], apps=APPS)
    plain_page = api.page

    def thin(key, items, query):
        return plain_page(key, [dict((k, v) for k, v in item.items() if k not in ('remark', 'reset_time'))
                                for item in items] if key == 'quotas' else items, query)
    api.page = thin
    result = Engine(app_quota(api, remark='keep me', reset_time='2026-12-01 00:00:00')).present()
    assert result['changed'] is False
    assert api.writes == []
    assert PREFIX + '/app-quotas/q1' in [call[1] for call in api.calls]


def test_hyphenated_app_name_resolved_and_purged():
    apps = APPS + [{'id': 'd4f0c3e5b7d94f2a8c6e4b2d0f1a3c5e', 'name': 'app-demo'}]
    api = FakeApig(quotas=[QUOTA], apps=apps)
    result = Engine(app_quota(api, apps=['app-demo'])).present()
    assert result['changed'] is True
    assert api.bindings == {'d4f0c3e5b7d94f2a8c6e4b2d0f1a3c5e': 'q1'}
    result = Engine(app_quota(api, apps=[], purge_apps=True)).present()
    assert result['changed'] is True
    assert api.bindings == {}


def test_unknown_app_refused_after_lookup_before_any_write():
    api = FakeApig(quotas=[QUOTA], apps=APPS)
    with pytest.raises(ValidationError) as info:
        Engine(app_quota(api, apps=['no-such-app'])).present()
    assert "'no-such-app'" in str(info.value)
    assert api.writes == []


def test_delete_diff_reads_the_bindings_whatever_bound_app_num_says():
    api = FakeApig(quotas=[QUOTA], apps=APPS, bindings={APP_A: 'q1'})
    plain_read = api.read
    api.read = lambda quota: dict(plain_read(quota), bound_app_num=0)  # as a vendor example shows it
    result = Engine(app_quota(api, state='absent')).absent()
    assert result['changed'] is True
    assert result['diff']['before']['apps'] == ['consumer_app_a']
    assert api.quotas == {}
