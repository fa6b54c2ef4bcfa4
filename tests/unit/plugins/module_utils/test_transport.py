# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The HTTP transport: query encoding, Retry-After, retries and their limits, errors, secrets."""

import json

import pytest
import requests
from urllib3.exceptions import MaxRetryError, NewConnectionError, ProtocolError, ReadTimeoutError
from urllib3.exceptions import SSLError as Urllib3SSLError

from ansible_collections.apiops.provisioning.plugins.module_utils import transport as transport_mod
from ansible_collections.apiops.provisioning.plugins.module_utils.transport import (
    ApiError,
    Transport,
    encode_query,
    parse_retry_after,
    summarise_body,
)
from ansible_collections.apiops.provisioning.tests.unit.plugins.module_utils.fakes import (
    FakeResponse,
    FakeSession,
)

BASE = 'https://api.example.test'
SECRET_BEARER = 'Bearer platform-v1-s3cr3tTOKENvalue'
SECRET_TOKEN = 'MIIauthTOKENsecretXYZ'


# ---------------------------------------------------------------------------------------------
# Fakes: an auth, a parser, scripted sessions (FakeSession, FakeResponse: fakes.py)
# ---------------------------------------------------------------------------------------------
class FakeAuth:
    def __init__(self, renew_result=True, headers=None):
        self.renew_result = renew_result
        self.headers = headers if headers is not None else {'Authorization': SECRET_BEARER, 'X-Auth-Token': SECRET_TOKEN}
        self.applied = 0
        self.renewed = 0

    def apply(self, method, url, headers, body):
        self.applied += 1
        headers.update(self.headers)

    def renew(self):
        self.renewed += 1
        return self.renew_result


def simple_parser(status, data, text, headers):
    """A minimal error parser with the transport's contract."""
    if isinstance(data, dict):
        return data.get('code'), data.get('message') or 'no message', headers.get('X-Request-Id')
    return None, summarise_body(text) or 'HTTP %s with an empty body' % status, headers.get('X-Request-Id')


def make(script, prepare=False, **kwargs):
    sleeps = []
    kwargs.setdefault('retries', 4)
    kwargs.setdefault('retry_max_delay', 30.0)
    t = Transport(BASE, simple_parser, sleep=sleeps.append, **kwargs)
    t._session = FakeSession(list(script), prepare=prepare)
    return t, t._session, sleeps


def ok(body=None, status=200, headers=None):
    return FakeResponse(status, body if body is not None else {'ok': True}, headers)


def err(status, code='Oops', message='went wrong', headers=None):
    return FakeResponse(status, {'code': code, 'message': message}, headers)


def refused():
    return requests.exceptions.ConnectionError(MaxRetryError(None, '/', NewConnectionError(None, 'refused')))


def reset():
    return requests.exceptions.ConnectionError(
        ProtocolError('Connection aborted.', ConnectionResetError(104, 'Connection reset by peer')))


def read_timeout():
    return requests.exceptions.ReadTimeout(ReadTimeoutError(None, '/', 'Read timed out. (read timeout=30)'))


def tls_failure():
    return requests.exceptions.SSLError(MaxRetryError(None, '/', Urllib3SSLError('certificate verify failed')))


def malformed():
    return FakeResponse(200, text='{"quotas": [')


# ---------------------------------------------------------------------------------------------
# encode_query
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize('params, expected', [
    ({'name': 'a b'}, 'name=a%20b'),
    ({'path': 'a/b'}, 'path=a%2Fb'),
    ({'name': u'配额'}, 'name=%E9%85%8D%E9%A2%9D'),
    ({'flag': True, 'other': False}, 'flag=true&other=false'),
    ({'id': ['b', 'a']}, 'id=a&id=b'),
    ({'id': ('x', None, 'y')}, 'id=x&id=y'),
    ({'keep': 'v', 'gone': None}, 'keep=v'),
    ({'z': '1', 'a': '2', 'm': 3}, 'a=2&m=3&z=1'),
    ([('b', '1'), ('a', '2')], 'a=2&b=1'),
    ({'tilde': 'a~b', 'plus': 'a+b', 'amp': 'a&b', 'eq': 'a=b'}, 'amp=a%26b&eq=a%3Db&plus=a%2Bb&tilde=a~b'),
    ({'a key': 'v'}, 'a%20key=v'),
    ({}, ''),
    (None, ''),
])
def test_encode_query(params, expected):
    assert encode_query(params) == expected


def test_query_is_sent_as_encoded():
    t, session, dummy = make([ok()])
    t.request('GET', '/v1/items', query={'name': 'a b/c', 'limit': 5, 'skip': None})
    assert session.calls[0]['url'] == BASE + '/v1/items?limit=5&name=a%20b%2Fc'


# ---------------------------------------------------------------------------------------------
# parse_retry_after
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize('value, expected', [
    ('7', 7.0),
    (' 2.5 ', 2.5),
    ('0', 0.0),
    ('-3', 0.0),
    ('soon', None),
    ('', None),
    (None, None),
    ('Not a date, 99 Foo', None),
])
def test_parse_retry_after_seconds_and_junk(value, expected):
    assert parse_retry_after(value, now=0) == expected


def test_parse_retry_after_http_date():
    # Wed, 21 Oct 2015 07:28:00 GMT is 1445412480 seconds after the epoch.
    assert parse_retry_after('Wed, 21 Oct 2015 07:28:00 GMT', now=1445412480 - 42) == pytest.approx(42.0)
    # A date in the past means "now".
    assert parse_retry_after('Wed, 21 Oct 2015 07:28:00 GMT', now=1445412480 + 100) == 0.0


# ---------------------------------------------------------------------------------------------
# Retries of idempotent requests
# ---------------------------------------------------------------------------------------------
TRANSIENT = {
    '503': lambda: err(503),
    '502': lambda: err(502),
    '500': lambda: err(500),
    '429': lambda: err(429, 'TooMany', 'slow down'),
    'reset': reset,
    'read timeout': read_timeout,
    'refused': refused,
    'malformed json': malformed,
}


@pytest.mark.parametrize('kind', sorted(TRANSIENT))
def test_get_retried_then_succeeds(kind):
    t, session, sleeps = make([TRANSIENT[kind](), TRANSIENT[kind](), ok({'value': 42})], retry_max_delay=3.0)
    reply = t.request('GET', '/v1/items')
    assert reply.status == 200
    assert reply.data == {'value': 42}
    assert len(session.calls) == 3
    assert len(sleeps) == 2
    assert all(0 <= s <= 3.0 for s in sleeps)
    assert t.request_count == 3


@pytest.mark.parametrize('method', ['PUT', 'DELETE'])
def test_idempotent_writes_retried_on_5xx(method):
    t, session, sleeps = make([err(503), ok(status=200)])
    assert t.request(method, '/v1/items/1', body={'a': 1}).status == 200
    assert [c['method'] for c in session.calls] == [method, method]
    assert len(sleeps) == 1


@pytest.mark.parametrize('retries', [0, 1, 3])
def test_attempts_bounded_by_retries(retries):
    t, session, sleeps = make([err(503) for dummy in range(10)], retries=retries, retry_max_delay=2.0)
    with pytest.raises(ApiError) as info:
        t.request('GET', '/v1/items')
    assert len(session.calls) == retries + 1
    assert len(sleeps) == retries
    assert all(0 <= s <= 2.0 for s in sleeps)
    assert info.value.status == 503
    assert info.value.retryable is True


def test_per_request_retries_override():
    t, session, sleeps = make([err(503), ok()], retries=4)
    with pytest.raises(ApiError):
        t.request('GET', '/v1/items', retries=0)
    assert len(session.calls) == 1
    assert sleeps == []


def test_backoff_is_exponential_and_capped(monkeypatch):
    # Full jitter draws uniformly in [0, ceiling]: take the ceiling to see the schedule.
    monkeypatch.setattr(transport_mod.random, 'uniform', lambda low, high: high)
    t, session, sleeps = make([err(500) for dummy in range(6)], retries=5, retry_max_delay=3.0)
    with pytest.raises(ApiError):
        t.request('GET', '/v1/items')
    assert sleeps == [0.5, 1.0, 2.0, 3.0, 3.0]


def test_backoff_jitter_stays_within_bounds():
    t = Transport(BASE, simple_parser, retry_max_delay=4.0)
    for attempt in range(1, 8):
        ceiling = min(4.0, 0.5 * 2 ** (attempt - 1))
        for _draw in range(50):
            assert 0 <= t.backoff(attempt) <= ceiling


def test_retry_after_honoured():
    t, session, sleeps = make([err(429, headers={'Retry-After': '7'}), ok()], retry_max_delay=30.0)
    assert t.request('GET', '/v1/items').status == 200
    assert sleeps == [7.0]


def test_retry_after_on_503_honoured():
    t, session, sleeps = make([err(503, headers={'Retry-After': '4'}), ok()], retry_max_delay=30.0)
    t.request('GET', '/v1/items')
    assert sleeps == [4.0]


@pytest.mark.parametrize('value', ['3600', 'Fri, 31 Dec 2999 23:59:59 GMT'])
def test_retry_after_capped(value):
    t, session, sleeps = make([err(429, headers={'Retry-After': value}), ok()], retry_max_delay=10.0)
    t.request('GET', '/v1/items')
    assert sleeps == [10.0]


# ---------------------------------------------------------------------------------------------
# POST: never retried blindly
# ---------------------------------------------------------------------------------------------
NOT_RETRIED_POST = {
    '500': lambda: err(500),
    '502': lambda: err(502),
    '503': lambda: err(503),
    'read timeout': read_timeout,
    'reset': reset,
    'malformed json': lambda: FakeResponse(201, text='<html>cut'),
}


@pytest.mark.parametrize('kind', sorted(NOT_RETRIED_POST))
def test_post_not_retried_after_ambiguous_failure(kind):
    t, session, sleeps = make([NOT_RETRIED_POST[kind](), ok(status=201)])
    with pytest.raises(ApiError) as info:
        t.request('POST', '/v1/items', body={'name': 'x'})
    assert len(session.calls) == 1
    assert sleeps == []
    assert info.value.ambiguous is True
    assert info.value.retryable is False


@pytest.mark.parametrize('first', [lambda: err(429, headers={'Retry-After': '1'}), refused],
                         ids=['429', 'refused'])
def test_post_retried_when_certainly_not_applied(first):
    t, session, sleeps = make([first(), ok({'id': 'n1'}, status=201)])
    reply = t.request('POST', '/v1/items', body={'name': 'x'})
    assert reply.data == {'id': 'n1'}
    assert [c['method'] for c in session.calls] == ['POST', 'POST']
    assert session.calls[0]['data'] == session.calls[1]['data']
    assert len(sleeps) == 1


def test_post_refused_every_time_is_not_ambiguous():
    t, session, sleeps = make([refused() for dummy in range(5)], retries=2)
    with pytest.raises(ApiError) as info:
        t.request('POST', '/v1/items', body={'name': 'x'})
    assert len(session.calls) == 3
    assert info.value.ambiguous is False
    assert 'cannot connect' in str(info.value)


def test_post_body_is_compact_utf8_json():
    t, session, dummy = make([ok(status=201)])
    t.request('POST', '/v1/items', body={'name': u'配额', 'n': 1})
    call = session.calls[0]
    assert json.loads(call['data'].decode('utf-8')) == {'name': u'配额', 'n': 1}
    assert u'配额'.encode('utf-8') in call['data']
    assert call['headers']['Content-Type'].startswith('application/json')
    assert call['allow_redirects'] is False
    assert call['timeout'] == 30.0


# ---------------------------------------------------------------------------------------------
# 4xx and 401
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize('status', [400, 403, 404, 405, 409, 422])
@pytest.mark.parametrize('method', ['GET', 'POST'])
def test_client_errors_not_retried(status, method):
    t, session, sleeps = make([err(status), ok()])
    with pytest.raises(ApiError) as info:
        t.request(method, '/v1/items')
    assert len(session.calls) == 1
    assert sleeps == []
    assert info.value.status == status
    assert info.value.ambiguous is False
    assert info.value.retryable is False


def test_401_renews_once_and_retries_once():
    auth = FakeAuth(renew_result=True)
    t, session, sleeps = make([err(401, 'APIG.1002', 'Incorrect token'), ok({'v': 1})], auth=auth)
    assert t.request('GET', '/v1/items').data == {'v': 1}
    assert len(session.calls) == 2
    assert auth.renewed == 1
    assert auth.applied == 2
    assert sleeps == []


def test_401_after_renewal_is_final():
    auth = FakeAuth(renew_result=True)
    t, session, sleeps = make([err(401, 'APIG.1002') for dummy in range(5)], auth=auth)
    with pytest.raises(ApiError) as info:
        t.request('GET', '/v1/items')
    assert info.value.status == 401
    assert len(session.calls) == 2
    assert auth.renewed == 1


def test_401_without_renewable_credentials_is_final():
    auth = FakeAuth(renew_result=False)
    t, session, sleeps = make([err(401), ok()], auth=auth)
    with pytest.raises(ApiError):
        t.request('GET', '/v1/items')
    assert len(session.calls) == 1
    assert auth.renewed == 1


# ---------------------------------------------------------------------------------------------
# Error messages
# ---------------------------------------------------------------------------------------------
def test_api_error_message_and_fail_kwargs():
    t, dummy, dummy2 = make([err(404, 'APIG.3093', 'App quota q1 does not exist', headers={'X-Request-Id': 'req-42'})])
    with pytest.raises(ApiError) as info:
        t.request('GET', '/v1/quotas/q1')
    error = info.value
    text = str(error)
    for part in ('GET', '/v1/quotas/q1', '404', 'APIG.3093', 'App quota q1 does not exist', 'req-42'):
        assert part in text
    assert (error.status, error.code, error.request_id, error.method, error.path) == (
        404, 'APIG.3093', 'req-42', 'GET', '/v1/quotas/q1')
    kwargs = error.fail_kwargs()
    assert sorted(kwargs) == ['error_code', 'msg', 'request_id', 'status']
    assert kwargs == dict(msg=text, status=404, error_code='APIG.3093', request_id='req-42')


def test_api_error_str_without_optional_parts():
    assert str(ApiError('plain message')) == 'plain message'
    assert str(ApiError('m', status=500)) == 'HTTP 500: m'


def test_html_502_page_gives_its_title():
    page = ('<html>\n<head><title>502 Bad Gateway</title></head>\n<body><center><h1>502 Bad Gateway</h1>'
            '</center><hr><center>nginx</center></body></html>')
    t, dummy, dummy2 = make([FakeResponse(502, text=page, headers={'Content-Type': 'text/html'})], retries=0)
    with pytest.raises(ApiError) as info:
        t.request('GET', '/v1/items')
    text = str(info.value)
    assert '502 Bad Gateway' in text
    assert 'HTTP 502' in text
    assert '<html>' not in text and '<center>' not in text


def test_malformed_json_message():
    t, dummy, dummy2 = make([malformed()], retries=0)
    with pytest.raises(ApiError) as info:
        t.request('GET', '/v1/items')
    assert 'not valid JSON' in str(info.value)
    assert info.value.status == 200


def test_tls_failure_mentions_validate_certs_and_is_not_retried():
    t, session, sleeps = make([tls_failure(), ok()])
    with pytest.raises(ApiError) as info:
        t.request('GET', '/v1/items')
    assert 'validate_certs' in str(info.value)
    assert len(session.calls) == 1


def test_session_verifies_certificates_as_configured(clean_environment):
    assert Transport(BASE, simple_parser).session.verify is True
    unverified = Transport(BASE, simple_parser, validate_certs=False)
    assert unverified.session.verify is False
    unverified.close()
    assert unverified._session is None


PROXY_VARIABLES = ('HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'all_proxy',
                   'no_proxy', 'REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE', 'NETRC')


@pytest.fixture
def clean_environment(monkeypatch):
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_session_takes_the_proxy_from_the_environment(clean_environment):
    clean_environment.setenv('HTTPS_PROXY', 'http://proxy.example.test:3128')
    session = Transport(BASE, simple_parser).session
    assert session.proxies.get('https') == 'http://proxy.example.test:3128'
    # Read once: the session no longer looks at the environment on every request.
    assert session.trust_env is False


def test_session_honours_no_proxy(clean_environment):
    clean_environment.setenv('HTTPS_PROXY', 'http://proxy.example.test:3128')
    clean_environment.setenv('NO_PROXY', 'api.example.test')
    assert 'https' not in Transport(BASE, simple_parser).session.proxies


@pytest.mark.parametrize('validate_certs, expected', [(True, '/etc/ssl/bundle.pem'), (False, False)])
def test_session_takes_the_ca_bundle_only_when_verifying(clean_environment, validate_certs, expected):
    clean_environment.setenv('REQUESTS_CA_BUNDLE', '/etc/ssl/bundle.pem')
    assert Transport(BASE, simple_parser, validate_certs=validate_certs).session.verify == expected


def test_netrc_does_not_replace_the_authorization_header(clean_environment, tmp_path):
    netrc = tmp_path / 'netrc'
    netrc.write_text('machine api.example.test login someone password elsewhere\n')
    netrc.chmod(0o600)
    clean_environment.setenv('NETRC', str(netrc))
    session = Transport(BASE, simple_parser).session
    prepared = session.prepare_request(requests.Request('GET', BASE + '/v1/items',
                                                        headers={'Authorization': SECRET_BEARER}))
    assert prepared.headers['Authorization'] == SECRET_BEARER
    # The same request through a session that reads ~/.netrc would have lost it (the case guarded).
    plain = requests.Session().prepare_request(requests.Request('GET', BASE + '/v1/items',
                                                                headers={'Authorization': SECRET_BEARER}))
    assert plain.headers['Authorization'] != SECRET_BEARER


FAILURES = {
    '500': lambda: err(500, headers={'X-Request-Id': 'r1'}),
    '401': lambda: err(401, 'APIG.1002', 'Incorrect token'),
    '403': lambda: FakeResponse(403, text='<html><title>Forbidden</title></html>'),
    'refused': refused,
    'reset': reset,
    'read timeout': read_timeout,
    'tls': tls_failure,
    'malformed json': malformed,
}


@pytest.mark.parametrize('kind', sorted(FAILURES))
@pytest.mark.parametrize('method', ['GET', 'POST'])
def test_no_header_value_in_errors(kind, method):
    auth = FakeAuth(renew_result=False)
    t, session, dummy = make([FAILURES[kind]() for dummy2 in range(3)], auth=auth, retries=0)
    with pytest.raises(ApiError) as info:
        t.request(method, '/v1/items', body={'a': 1} if method == 'POST' else None)
    # The secrets were really sent...
    assert session.calls[0]['headers']['Authorization'] == SECRET_BEARER
    # ...and never appear in what the error says.
    texts = [str(info.value), repr(info.value.args)] + ['%s' % (v,) for v in info.value.fail_kwargs().values()]
    for text in texts:
        assert 's3cr3tTOKENvalue' not in text
        assert SECRET_TOKEN not in text


def test_no_header_value_in_error_for_invalid_header():
    auth = FakeAuth(renew_result=False, headers={'Authorization': SECRET_BEARER + '\n'})
    t, session, dummy = make([ok()], prepare=True, auth=auth)
    with pytest.raises(ApiError) as info:
        t.request('GET', '/v1/items')
    assert 's3cr3tTOKENvalue' not in str(info.value)


# ---------------------------------------------------------------------------------------------
# Pagination
# ---------------------------------------------------------------------------------------------
def test_paginate_reads_every_page():
    pages = [ok({'items': [1, 2], 'total': 5}), ok({'items': [3, 4], 'total': 5}), ok({'items': [5], 'total': 5})]
    t, session, dummy = make(pages)
    items = list(t.paginate('/v1/items', {'name': 'x'}, lambda d: (d['items'], d['total']), 2))
    assert items == [1, 2, 3, 4, 5]
    assert [c['url'] for c in session.calls] == [
        BASE + '/v1/items?limit=2&name=x&offset=0',
        BASE + '/v1/items?limit=2&name=x&offset=2',
        BASE + '/v1/items?limit=2&name=x&offset=4',
    ]


def test_paginate_stops_on_empty_page():
    t, session, dummy = make([ok({'items': [1], 'total': 10}), ok({'items': [], 'total': 10})])
    assert list(t.paginate('/v1/items', None, lambda d: (d['items'], d['total']), 1)) == [1]
    assert len(session.calls) == 2


# ---------------------------------------------------------------------------------------------
# Any 2xx is a success (docs/fidelity.md A1, B1)
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize('method', ['POST', 'PUT', 'DELETE', 'GET'])
@pytest.mark.parametrize('status, body', [(200, {'id': 'n1'}), (201, {'id': 'n1'}), (202, {'id': 'n1'}),
                                          (204, None), (200, None), (299, {'id': 'n1'})])
def test_any_2xx_is_success(method, status, body):
    t, session, sleeps = make([FakeResponse(status, body)])
    reply = t.request(method, '/v1/items', body={'name': 'x'} if method != 'GET' else None)
    assert reply.status == status
    assert reply.data == body
    assert len(session.calls) == 1 and sleeps == []


@pytest.mark.parametrize('status', [199, 301, 304, 400])
def test_outside_2xx_is_an_error(status):
    t, session, dummy = make([FakeResponse(status, {'code': 'x', 'message': 'no'})])
    with pytest.raises(ApiError) as info:
        t.request('DELETE', '/v1/items/1')
    assert info.value.status == status
    assert len(session.calls) == 1
