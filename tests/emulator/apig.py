# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Huawei Cloud IAM and APIG v2 credential-quota ("app-quota") emulator plugins.

Follows ``huawei-apig-api.md`` (the project's API reference): the 13 APIG routes of its section 1
and the IAM calls of section 4/5.1, with the documented statuses, wire formats and error bodies.
AK/SK signatures (``SDK-HMAC-SHA256``) are verified here from the algorithm of section 5.2, on
purpose without importing anything from the collection, so that the emulator is an independent
check of the collection's signer.

Where the reference marks a behaviour as unknown or inferred, the strict reading is chosen and
said so in a comment starting with ``Strict reading``.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import re
import secrets
import time
import uuid
from urllib.parse import quote, unquote

from .core import ApiPlugin, Response

UTC = datetime.timezone.utc
CHINA_TIME = datetime.timezone(datetime.timedelta(hours=8))  # the offset of the documented create answer
GO_ZERO_TIME = '0001-01-01T00:00:00Z'

# -- AK/SK signature verification (section 5.2, "Server-side verification") ---------------------

SIGN_ALGORITHM = 'SDK-HMAC-SHA256'
AUTHORIZATION_RE = re.compile(r'SDK-HMAC-SHA256\s+Access=([^,]+),\s*SignedHeaders=([^,]+),\s*Signature=([0-9a-f]+)')
SDK_DATE_FORMAT = '%Y%m%dT%H%M%SZ'
MAX_CLOCK_SKEW = datetime.timedelta(minutes=15)
EMPTY_SHA256 = hashlib.sha256(b'').hexdigest()
UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD'
SIGNATURE_FAIL = 'verify aksk signature fail'


def canonical_request(request, signed_headers):
    """The canonical request of ``request`` (a ``core.Request``) for the lower-case header names
    ``signed_headers``, or None when one of them is not in the request."""
    uri = '/'.join(quote(segment, safe='~') for segment in unquote(request.path).split('/'))
    if not uri.endswith('/'):
        uri += '/'
    # Request.query decodes with unquote (not unquote_plus) and keeps blanks; an empty item
    # (``a=1&&b=2``) is dropped, as parse_qsl does.
    pairs = sorted(pair for pair in request.query if pair != ('', ''))
    query = '&'.join('%s=%s' % (quote(key, safe='~'), quote(value, safe='~')) for key, value in pairs)
    lines = []
    for name in signed_headers:
        if name not in request.headers:
            return None
        lines.append('%s:%s\n' % (name, request.headers[name].strip()))
    if not request.body:
        payload_hash = EMPTY_SHA256
    elif 'x-sdk-content-sha256' in signed_headers and request.headers['x-sdk-content-sha256'].strip() == UNSIGNED_PAYLOAD:
        payload_hash = UNSIGNED_PAYLOAD
    else:
        payload_hash = hashlib.sha256(request.body).hexdigest()
    return '\n'.join([request.method, uri, query, ''.join(lines), ';'.join(signed_headers), payload_hash])


def string_to_sign(sdk_date, canonical):
    return '%s\n%s\n%s' % (SIGN_ALGORITHM, sdk_date, hashlib.sha256(canonical.encode('utf-8')).hexdigest())


def _same(left, right):
    return hmac.compare_digest(left.encode('utf-8'), right.encode('utf-8'))


def verify_aksk(request, credentials, now=None):
    """Verify the ``SDK-HMAC-SHA256`` signature of ``request`` (a ``core.Request``).

    ``credentials(access_key)`` returns ``(secret_key, security_token)`` (the token is None for a
    permanent key) or None for an unknown key. ``now`` (an aware datetime) defaults to the clock.
    Returns None when the request verifies, else the reason that follows
    ``"Incorrect IAM authentication information: "`` in the APIGW.0301 answer.
    """
    match = AUTHORIZATION_RE.fullmatch(request.headers.get('authorization', '').strip())
    if not match:
        return SIGNATURE_FAIL
    access, signed_list, signature = match.groups()
    known = credentials(access)
    if known is None:
        return 'Get secretKey failed,ak:%s,err:ak not exist' % access
    secret, security_token = known
    sdk_date = request.headers.get('x-sdk-date', '').strip()
    try:
        signed_at = datetime.datetime.strptime(sdk_date, SDK_DATE_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return SIGNATURE_FAIL
    if abs((now or datetime.datetime.now(UTC)) - signed_at) > MAX_CLOCK_SKEW:
        return 'signature expired'
    signed = signed_list.strip().lower().split(';')
    # [INFER] in the reference: host and x-sdk-date must be signed (the SDK always signs both).
    if 'host' not in signed or 'x-sdk-date' not in signed:
        return SIGNATURE_FAIL
    # A security token, when sent, must be signed and be the one issued with this temporary AK;
    # Strict reading: a temporary AK without its token is refused as well.
    presented = request.headers.get('x-security-token')
    if presented is not None or security_token is not None:
        if (presented is None or security_token is None or 'x-security-token' not in signed
                or not _same(presented.strip(), security_token)):
            return 'decrypt token fail'
    canonical = canonical_request(request, signed)
    if canonical is None:
        return SIGNATURE_FAIL
    expected = hmac.new(secret.encode('utf-8'), string_to_sign(sdk_date, canonical).encode('utf-8'), hashlib.sha256).hexdigest()
    if not _same(expected, signature):
        return SIGNATURE_FAIL
    return None


def auth_kind(request):
    """The credential a request presents: an Authorization header is AK/SK, else X-Auth-Token."""
    if request.headers.get('authorization'):
        return 'aksk'
    if request.headers.get('x-auth-token'):
        return 'token'
    return None


# -- errors --------------------------------------------------------------------------------------

class Reject(Exception):
    """Raised inside a handler to answer with ``response`` at once."""

    def __init__(self, response):
        super().__init__(response.status)
        self.response = response


def apig_error(status, code, message, **extra):
    body = {'error_code': code, 'error_msg': message}
    body.update(extra)
    return Reject(Response(status, body))


def invalid(field):
    return apig_error(400, 'APIG.2012', 'Invalid parameter value,parameterName:%s. Please refer to the support documentation' % field)


def signature_error(request, reason):
    return apig_error(401, 'APIGW.0301', 'Incorrect IAM authentication information: ' + reason, request_id=request.request_id)


def iam_error(status, title, message):
    return Reject(Response(status, {'error': {'code': status, 'title': title, 'message': message}}))


IAM_UNAUTHENTICATED = ('Unauthorized', 'The request you have made requires authentication.')


def _answering(handler, *guards):
    """A route function: run the guards (each may return a value passed on to the handler), then
    the handler; a ``Reject`` becomes its response."""
    def serve(request):
        try:
            return handler(request, *(guard(request) for guard in guards))
        except Reject as exc:
            return exc.response
    return serve


# -- body validation (one table per body) --------------------------------------------------------

INT32_MAX = 2147483647
TIME_UNITS = ('SECOND', 'MINUTE', 'HOUR', 'DAY')
QUOTA_NAME_RE = re.compile('[A-Za-z\u4e00-\u9fa5][A-Za-z0-9_\u4e00-\u9fa5]{2,254}')
APP_NAME_RE = re.compile('[A-Za-z\u4e00-\u9fa5][A-Za-z0-9_\u4e00-\u9fa5]{2,63}')
APP_KEY_RE = re.compile('[A-Za-z0-9][A-Za-z0-9_-]{7,199}')
RESET_TIME_RE = re.compile('[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}')
APP_SECRET_RE = re.compile('[A-Za-z0-9][A-Za-z0-9_!@#$%-]{7,127}')


def _matching(regex):
    return lambda value: isinstance(value, str) and regex.fullmatch(value) is not None


def _integer(low, high):
    # JSON integers only: a string "5", a float 5.0 or a boolean is refused.
    return lambda value: isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _text(max_length, forbidden=''):
    return lambda value: isinstance(value, str) and len(value) <= max_length and not any(c in value for c in forbidden)


def _reset_time(value):
    # Only "YYYY-MM-DD HH:MM:SS" is documented (open question 1). Strict reading: nothing else is
    # accepted, and the date must exist.
    if not _matching(RESET_TIME_RE)(value):
        return False
    try:
        datetime.datetime.strptime(value, '%Y-%m-%d %H:%M:%S')
    except ValueError:
        return False
    return True


def _app_id_list(value):
    # Strict reading: a repeated id is refused like an id that is already bound.
    return (isinstance(value, list) and bool(value) and all(isinstance(v, str) and v for v in value)
            and len(set(value)) == len(value))


# (key, mandatory, check). A null value fails its check (strict reading: the SDK omits None).
APP_QUOTA_CREATE = (
    ('name', True, _matching(QUOTA_NAME_RE)),
    ('call_limits', True, _integer(1, INT32_MAX)),
    ('time_unit', True, lambda value: isinstance(value, str) and value in TIME_UNITS),
    ('time_interval', True, _integer(1, INT32_MAX)),
    ('reset_time', False, _reset_time),
    ('remark', False, _text(255, '<>')),
)
APP_CREATE = (
    ('name', True, _matching(APP_NAME_RE)),
    ('remark', False, _text(255)),
    ('app_key', False, _matching(APP_KEY_RE)),
    ('app_secret', False, _matching(APP_SECRET_RE)),
    ('related_domain_id', False, _text(64)),
    ('related_project_id', False, _text(64)),
)
BINDING_APPS = (
    ('app_ids', True, _app_id_list),
)
# ``AppResetCreate``: the secret is optional (the gateway generates one when it is left out).
APP_RESET = (
    ('app_secret', False, _matching(APP_SECRET_RE)),
)


def _id_list(value):
    return isinstance(value, list) and bool(value) and all(isinstance(v, str) and v for v in value)


# ``ApiAuthCreate``: every key mandatory (the SDK model marks env_id, app_ids and api_ids required).
API_AUTH_CREATE = (
    ('env_id', True, lambda value: isinstance(value, str) and bool(value)),
    ('app_ids', True, _id_list),
    ('api_ids', True, _id_list),
)
# The id of the built-in release environment (console and Terraform examples).
RELEASE_ENV_ID = 'DEFAULT_ENVIRONMENT_RELEASE_ID'
# The APIs every instance is seeded with: (name, group, method, uri, the environments it is published in).
SEED_APIS = (
    ('mj_imagine', 'midjourney', 'POST', '/midjourney/imagine', ('RELEASE', 'TEST')),
    ('mj_fetch', 'midjourney', 'POST', '/midjourney/tasks', ('RELEASE',)),
    ('suno_generate', 'suno', 'POST', '/suno/audios', ('RELEASE', 'TEST')),
    ('suno_draft', 'suno', 'POST', '/suno/draft', ()),
)


def json_body(request):
    """The body as a JSON object, else 400 APIG.2000."""
    try:
        body = request.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise apig_error(400, 'APIG.2000', 'Parameter error')
    return body


def validate(body, table):
    """Check ``body`` against ``table``; the first violation is 400 APIG.2012 naming the field."""
    for key, mandatory, check in table:
        if key in body:
            if not check(body[key]):
                raise invalid(key)
        elif mandatory:
            raise invalid(key)
    known = {key for key, _mandatory, _check in table}
    for key in body:
        if key not in known:
            # Strict reading: the reference does not say what happens to unknown keys; refuse them.
            raise invalid(key)
    return body


# -- lists ---------------------------------------------------------------------------------------

def _query_int(request, key, default):
    raw = request.query_first(key)
    if raw is None or raw == '':
        return default
    if not re.fullmatch('-?[0-9]+', raw):
        raise invalid(key)
    return int(raw)


def paginate(request, records, key, render):
    """``{size, total, <key>: page}`` with the documented clamping: limit <=0 -> 20, >500 -> 500,
    offset <0 -> 0."""
    offset = max(_query_int(request, 'offset', 0), 0)
    limit = _query_int(request, 'limit', 20)
    if limit <= 0:
        limit = 20
    limit = min(limit, 500)
    page = [render(record) for record in records[offset:offset + limit]]
    return Response(200, {'size': len(page), 'total': len(records), key: page})


def _fuzzy(value, needle):
    # Strict reading (open question 4): the fuzzy filters are case-sensitive substring matches.
    return not needle or needle in value


def _compact(view):
    """Go ``omitempty`` for strings: drop empty and absent values."""
    return {key: value for key, value in view.items() if value not in (None, '')}


# -- time formats --------------------------------------------------------------------------------

def rfc3339_nano(ns, zone=UTC):
    """Go's ``time.RFC3339Nano``: trailing zeros of the fraction dropped, ``Z`` for UTC."""
    seconds, fraction = divmod(ns, 10 ** 9)
    moment = datetime.datetime.fromtimestamp(seconds, zone)
    text = moment.strftime('%Y-%m-%dT%H:%M:%S')
    digits = ('%09d' % fraction).rstrip('0')
    if digits:
        text += '.' + digits
    offset = moment.strftime('%z')
    return text + ('Z' if offset == '+0000' else offset[:3] + ':' + offset[3:])


def rfc3339_seconds(ns):
    return datetime.datetime.fromtimestamp(ns // 10 ** 9, UTC).strftime('%Y-%m-%dT%H:%M:%SZ')


def iam_time(epoch):
    return datetime.datetime.fromtimestamp(epoch, UTC).strftime('%Y-%m-%dT%H:%M:%S.%fZ')


# -- IAM -----------------------------------------------------------------------------------------

def _field(obj, *path):
    """``obj[path[0]][path[1]]...``; a missing level is 400 naming the key."""
    for key in path:
        if not isinstance(obj, dict) or key not in obj:
            raise iam_error(400, 'Bad Request', "Invalid input for field '%s'." % key)
        obj = obj[key]
    return obj


class IamPlugin(ApiPlugin):
    """IAM: password tokens, the project lookup of the SDK, and the credential stores used by APIG.

    Seed / ``add`` keys: ``domains [{id, name}]``, ``projects [{id, name, domain_id}]``,
    ``users [{name, password, domain, id}]``, ``access_keys [{access, secret}]``,
    ``security_tokens [{access, secret, token}]`` (temporary AK/SK), ``token_ttl_seconds``, and
    ``expire_tokens``: ``true`` expires every issued token now; a token or a list of tokens expires those.
    """

    name = 'iam'
    prefixes = ('/v3',)

    def register(self):
        for method, pattern, handler in (('POST', '/v3/auth/tokens', self.create_token),
                                         ('GET', '/v3/projects', self.list_projects),
                                         ('GET', '/v3/auth/projects', self.list_auth_projects)):
            self.emulator.route(self.name, method, pattern)(_answering(handler))

    def reset(self, seed):
        self.domains = {}
        self.projects = {}
        self.users = {}
        self.access_keys = {}
        self.temporary_keys = {}
        self.tokens = {}
        self.token_ttl = 86400.0
        self.add(seed)

    def add(self, data):
        for item in data.get('domains', ()):
            self.domains[item['id']] = {'id': item['id'], 'name': item['name']}
        for item in data.get('projects', ()):
            self.projects[item['id']] = {'id': item['id'], 'name': item['name'], 'domain_id': item.get('domain_id', '')}
        for item in data.get('users', ()):
            user = {'id': item.get('id') or uuid.uuid4().hex, 'name': item['name'],
                    'password': item['password'], 'domain': item['domain']}
            self.users[user['id']] = user
        for item in data.get('access_keys', ()):
            self.access_keys[item['access']] = item['secret']
        for item in data.get('security_tokens', ()):
            self.temporary_keys[item['access']] = (item['secret'], item['token'])
        if 'token_ttl_seconds' in data:
            self.token_ttl = float(data['token_ttl_seconds'])
        expire = data.get('expire_tokens')
        if isinstance(expire, str):
            expire = [expire]
        if expire:
            now = time.time()
            for token, info in self.tokens.items():
                if expire is True or token in expire:
                    info['expires_at'] = min(info['expires_at'], now)

    def dump(self):
        now = time.time()
        return {
            'domains': list(self.domains.values()),
            'projects': list(self.projects.values()),
            'users': [{k: v for k, v in user.items() if k != 'password'} for user in self.users.values()],
            'access_keys': sorted(self.access_keys),
            'security_tokens': sorted(self.temporary_keys),
            'token_ttl_seconds': self.token_ttl,
            'tokens': [{'token': token, 'user_id': info['user_id'], 'project_id': info['project_id'],
                        'expires_at': iam_time(info['expires_at']), 'expired': info['expires_at'] <= now}
                       for token, info in self.tokens.items()],
        }

    def redact(self, request):
        body = super().redact(request)  # a fresh parse: safe to change
        user = body
        for key in ('auth', 'identity', 'password', 'user'):
            user = user.get(key) if isinstance(user, dict) else None
        if isinstance(user, dict) and 'password' in user:
            user['password'] = '******'
        return body

    def auth_kind(self, request):
        return auth_kind(request)

    def no_route(self, request, method_not_allowed):
        if method_not_allowed:
            return Response(405, {'error': {'code': 405, 'title': 'Method Not Allowed',
                                            'message': 'The method is not allowed for the requested URL.'}})
        return Response(404, {'error': {'code': 404, 'title': 'Not Found', 'message': 'The resource could not be found.'}})

    # -- used by ApigPlugin ------------------------------------------------------------------------
    def credentials(self, access):
        """``(secret, security_token)`` of an access key, or None."""
        if access in self.access_keys:
            return self.access_keys[access], None
        return self.temporary_keys.get(access)

    def token_info(self, token):
        """The record of a valid, unexpired token, else None."""
        info = self.tokens.get(token)
        if info is None or info['expires_at'] <= time.time():
            return None
        return info

    # -- routes ----------------------------------------------------------------------------------
    def create_token(self, request):
        try:
            body = request.json()
        except ValueError:
            raise iam_error(400, 'Bad Request', 'The request body is not valid JSON.') from None
        methods = _field(body, 'auth', 'identity', 'methods')
        if not isinstance(methods, list) or 'password' not in methods:
            raise iam_error(400, 'Bad Request', "Invalid input for field 'methods'.")
        given = _field(body, 'auth', 'identity', 'password', 'user')
        password = _field(given, 'password')
        if not isinstance(password, str):
            raise iam_error(400, 'Bad Request', "Invalid input for field 'password'.")
        # Only project-scoped tokens are issued: APIG requires them (section 5.1).
        scope = _field(body, 'auth', 'scope', 'project')
        if not isinstance(scope, dict) or not {'id', 'name'} & set(scope):
            raise iam_error(400, 'Bad Request', "Invalid input for field 'project'.")
        user = self._find_user(given)
        if user is None or not _same(password, user['password']):
            raise iam_error(401, 'Unauthorized', 'The username or password is wrong.')
        domain = self._domain_by_name(user['domain'])
        project = self._find_project(scope, domain['id'])
        if project is None:
            # [INFER] keystone answers 401 to a scope it cannot resolve; the message is ours.
            raise iam_error(401, 'Unauthorized', 'The project in the scope does not exist in the domain of the user.')
        issued = time.time()
        token = 'MII' + secrets.token_urlsafe(48)
        self.tokens[token] = {'user_id': user['id'], 'project_id': project['id'], 'issued_at': issued,
                              'expires_at': issued + self.token_ttl}
        domain_ref = {'id': domain['id'], 'name': domain['name']}
        result = {'expires_at': iam_time(issued + self.token_ttl), 'issued_at': iam_time(issued),
                  'methods': ['password'],
                  'project': {'id': project['id'], 'name': project['name'], 'domain': domain_ref},
                  'user': {'id': user['id'], 'name': user['name'], 'domain': domain_ref, 'password_expires_at': ''},
                  'roles': []}
        if not request.query_first('nocatalog'):
            result['catalog'] = []  # the emulator publishes no catalog; endpoints are configured
        return Response(201, {'token': result}, headers={'X-Subject-Token': token})

    def list_projects(self, request):
        """``GET /v3/projects?name=<region>``, signed with AK/SK (how the SDK finds project_id)."""
        if auth_kind(request) != 'aksk':
            raise iam_error(401, *IAM_UNAUTHENTICATED)
        reason = verify_aksk(request, self.credentials)
        if reason:
            raise signature_error(request, reason)
        name = request.query_first('name')
        domain_id = request.query_first('domain_id')
        return self._projects_answer(request, [p for p in self.projects.values()
                                               if (name is None or p['name'] == name) and (domain_id is None or p['domain_id'] == domain_id)])

    def list_auth_projects(self, request):
        """``GET /v3/auth/projects`` with X-Auth-Token: the projects of the token's domain."""
        info = self.token_info(request.headers.get('x-auth-token', ''))
        if info is None:
            raise iam_error(401, *IAM_UNAUTHENTICATED)
        domain_id = self.projects[info['project_id']]['domain_id']
        return self._projects_answer(request, [p for p in self.projects.values() if p['domain_id'] == domain_id])

    # -- helpers ---------------------------------------------------------------------------------
    @staticmethod
    def _projects_answer(request, projects):
        items = [{'domain_id': p['domain_id'], 'is_domain': False, 'parent_id': p['domain_id'], 'name': p['name'],
                  'description': '', 'links': {'self': '/v3/projects/' + p['id']}, 'id': p['id'], 'enabled': True}
                 for p in projects]
        return Response(200, {'projects': items, 'links': {'self': unquote(request.path), 'previous': None, 'next': None}})

    def _domain_by_name(self, name):
        return next((d for d in self.domains.values() if d['name'] == name), {'id': '', 'name': name})

    def _find_user(self, given):
        if 'id' in given:
            return self.users.get(given['id']) if isinstance(given['id'], str) else None
        domain = _field(given, 'domain')
        if not isinstance(domain, dict):
            raise iam_error(400, 'Bad Request', "Invalid input for field 'domain'.")
        if 'name' in domain:
            domain_name = domain['name']
        else:
            domain_name = self.domains.get(_field(domain, 'id'), {}).get('name')
        return next((u for u in self.users.values() if u['name'] == given.get('name') and u['domain'] == domain_name), None)

    def _find_project(self, scope, domain_id):
        for project in self.projects.values():
            if project['domain_id'] != domain_id:
                continue
            if ('id' in scope and project['id'] == scope['id']) or ('id' not in scope and project['name'] == scope['name']):
                return project
        return None


# -- APIG ----------------------------------------------------------------------------------------

class ApigPlugin(ApiPlugin):
    """APIG v2 dedicated gateway: credential quotas, their bindings and the apps (credentials).

    Seed / ``add`` keys: ``instances [{id, project_id}]``; ``apps [{instance_id, id, name, remark,
    app_key, app_secret, ...}]``; ``quotas [{instance_id, app_quota_id (or id), name, call_limits,
    time_unit, time_interval, remark, reset_time}]``; ``bindings [{app_id, app_quota_id}]``;
    ``access_keys [{access, secret}]`` (extra keys, besides IAM's). ``instance_id`` may be left
    out when there is one instance.
    """

    name = 'apig'
    prefixes = ('/v2',)

    def register(self):
        base = '/v2/{project_id}/apigw/instances/{instance_id}'
        quota = base + '/app-quotas/{app_quota_id}'
        app = base + '/apps/{app_id}'
        for method, pattern, handler in (
                ('POST', base + '/app-quotas', self.create_quota),
                ('GET', base + '/app-quotas', self.list_quotas),
                ('GET', quota, self.show_quota),
                ('PUT', quota, self.update_quota),
                ('DELETE', quota, self.delete_quota),
                ('POST', quota + '/binding-apps', self.bind_apps),
                ('DELETE', quota + '/bound-apps/{app_id}', self.unbind_app),
                ('GET', quota + '/bound-apps', self.list_bound_apps),
                ('GET', quota + '/bindable-apps', self.list_bindable_apps),
                ('GET', app + '/bound-quota', self.show_bound_quota),
                ('GET', base + '/apps', self.list_apps),
                ('GET', app, self.show_app),
                ('POST', base + '/apps', self.create_app),
                ('PUT', app, self.update_app),
                ('DELETE', app, self.delete_app),
                ('PUT', base + '/apps/secret/{app_id}', self.reset_app_secret),
                ('GET', base + '/envs', self.list_envs),
                ('GET', base + '/apis', self.list_apis),
                ('POST', base + '/app-auths', self.create_auths),
                ('GET', base + '/app-auths/binded-apis', self.list_binded_apis),
                ('GET', base + '/app-auths/unbinded-apis', self.list_unbinded_apis),
                ('DELETE', base + '/app-auths/{app_auth_id}', self.cancel_auth)):
            self.emulator.route(self.name, method, pattern)(_answering(handler, self._authorize))

    def reset(self, seed):
        self.instances = {}
        self.apps = {}        # app id -> record; insertion order is creation order
        self.quotas = {}      # quota id -> record
        self.bindings = {}    # app id -> {'app_quota_id', 'bound_ns', 'visible_ns'}: at most one quota per app
        # app id -> {'app_quota_id', 'until_ns', ...}: unbound, still read as bound until then (binding_delay)
        self.unbound = {}
        self.access_keys = {}
        self.envs = {}        # env id -> {'id', 'instance_id', 'name', 'remark', 'created_ns'}
        self.apis = {}        # api id -> {'id', 'instance_id', 'name', 'group_id', 'group_name', ..., 'env_ids'}
        self.auths = {}       # authorization id -> {'id', 'app_id', 'api_id', 'env_id', 'auth_ns', 'visible_ns'}
        self.cancelled = {}   # authorization id -> the cancelled record, still read until 'until_ns' (auth_delay)
        self.add(seed)

    def add(self, data):
        for item in data.get('instances', ()):
            self.instances[item['id']] = {'id': item['id'], 'project_id': item['project_id']}
            self._seed_catalog(item['id'])
        for item in data.get('envs', ()):
            self._store_env(self._seed_instance(item), item['name'], item.get('id'), item.get('remark', ''))
        for item in data.get('apis', ()):
            self._store_api(self._seed_instance(item), item)
        for item in data.get('access_keys', ()):
            self.access_keys[item['access']] = item['secret']
        for item in data.get('apps', ()):
            self._store_app(self._seed_instance(item), item)
        for item in data.get('quotas', ()):
            fields = dict(item, app_quota_id=item.get('app_quota_id') or item.get('id'))
            self._store_quota(self._seed_instance(item), fields)
        now = time.time_ns()
        for item in data.get('bindings', ()):
            if item['app_id'] not in self.apps or item['app_quota_id'] not in self.quotas:
                raise ValueError('seed binding of an unknown app or quota: %r' % (item,))
            self.bindings[item['app_id']] = {'app_quota_id': item['app_quota_id'], 'bound_ns': now}
        for item in data.get('auths', ()):
            if item['app_id'] not in self.apps or item['api_id'] not in self.apis or item['env_id'] not in self.envs:
                raise ValueError('seed authorization of an unknown app, API or environment: %r' % (item,))
            self._store_auth(item['app_id'], item['api_id'], item['env_id'])

    def dump(self):
        return {
            'instances': list(self.instances.values()),
            'apps': [{'id': a['id'], 'instance_id': a['instance_id'], 'name': a['name'], 'remark': a['remark'],
                      'app_key': a['app_key'], 'status': a['status'], 'register_time': rfc3339_seconds(a['created_ns']),
                      'app_quota_id': self.bindings.get(a['id'], {}).get('app_quota_id')} for a in self.apps.values()],
            'quotas': [dict({k: q[k] for k in ('instance_id', 'name', 'call_limits', 'time_unit', 'time_interval', 'remark', 'reset_time')},
                            app_quota_id=q['id'], create_time=rfc3339_seconds(q['created_ns']),
                            bound_app_num=len(self._bound_app_ids(q['id'])), app_ids=self._bound_app_ids(q['id']))
                       for q in self.quotas.values()],
            'bindings': [{'app_id': app_id, 'app_quota_id': b['app_quota_id'], 'bound_time': rfc3339_nano(b['bound_ns'])}
                         for app_id, b in self.bindings.items()],
            'access_keys': sorted(self.access_keys),
            'envs': [{k: e[k] for k in ('id', 'instance_id', 'name')} for e in self.envs.values()],
            'apis': [{'id': a['id'], 'instance_id': a['instance_id'], 'name': a['name'], 'env_ids': sorted(a['env_ids'])}
                     for a in self.apis.values()],
            # Every authorization as stored (whatever reads show yet), and each app's secret as a
            # short hash: tests can tell a secret changed without the state holding it.
            'auths': [{'app_id': a['app_id'], 'api_id': a['api_id'], 'env_id': a['env_id'],
                       'api_name': self.apis[a['api_id']]['name'], 'app_name': self.apps[a['app_id']]['name']}
                      for a in self.auths.values()],
            'app_secrets': {app_id: hashlib.sha256(app['app_secret'].encode('utf-8')).hexdigest()[:16]
                            for app_id, app in self.apps.items()},
        }

    def redact(self, request):
        body = super().redact(request)
        if isinstance(body, dict) and 'app_secret' in body:
            body = dict(body, app_secret='******')
        return body

    def auth_kind(self, request):
        return auth_kind(request)

    def no_route(self, request, method_not_allowed):
        # The gateway answers a path or a method it does not publish with APIG.0101, a 404 in both cases.
        return Response(404, {'error_code': 'APIG.0101', 'error_msg': 'The API does not exist or has not been published in the environment',
                              'request_id': request.request_id})

    # -- guard: authentication, permission, instance ------------------------------------------------
    def _credentials(self, access):
        if access in self.access_keys:
            return self.access_keys[access], None
        iam = self.emulator.plugins.get('iam')
        return iam.credentials(access) if iam is not None else None

    def _authorize(self, request):
        """Authenticate (401), check the path project (403) and find the instance (404)."""
        iam = self.emulator.plugins.get('iam')
        project_id = request.params['project_id']
        kind = auth_kind(request)
        if kind == 'aksk':
            reason = verify_aksk(request, self._credentials)
            # [INFER] in the reference: X-Project-Id, when sent, must be the path project.
            if reason is None and request.headers.get('x-project-id', project_id).strip() != project_id:
                reason = SIGNATURE_FAIL
            if reason:
                raise signature_error(request, reason)
            allowed = iam is not None and project_id in iam.projects
        elif kind == 'token':
            info = iam.token_info(request.headers['x-auth-token'].strip()) if iam is not None else None
            if info is None:
                raise apig_error(401, 'APIG.1002', 'Incorrect token or token resolution failed')
            allowed = info['project_id'] == project_id
        else:
            raise apig_error(401, 'APIG.1000', 'The token is missing.')
        if not allowed:
            raise apig_error(403, 'APIG.1005', 'No permissions to request this method')
        instance = self.instances.get(request.params['instance_id'])
        if instance is None or instance['project_id'] != project_id:
            raise apig_error(404, 'APIG.3030', 'The instance does not exist;id:%s' % request.params['instance_id'])
        return instance

    # -- lookups ---------------------------------------------------------------------------------
    def _quota(self, request, instance, binding_route=False):
        quota_id = request.params['app_quota_id']
        quota = self.quotas.get(quota_id)
        if quota is None or quota['instance_id'] != instance['id']:
            # The documented messages differ: the binding routes say "The App quota ...".
            raise apig_error(404, 'APIG.3093', ('The App quota %s does not exist' if binding_route else 'App quota %s does not exist') % quota_id)
        return quota

    def _app(self, instance, app_id):
        app = self.apps.get(app_id)
        if app is None or app['instance_id'] != instance['id']:
            raise apig_error(404, 'APIG.3004', 'The app does not exist.')
        return app

    def _instance_apps(self, instance):
        return [app for app in self.apps.values() if app['instance_id'] == instance['id']]

    def _bound_app_ids(self, quota_id):
        return [app_id for app_id in self.apps if self.bindings.get(app_id, {}).get('app_quota_id') == quota_id]

    def _seen_binding(self, app_id):
        """The binding of an app as reads show it: with the reading ``binding_delay`` a bind shows
        only ``binding_delay_ms`` after it was made, and an unbind likewise."""
        now = time.time_ns()
        binding = self.bindings.get(app_id)
        if binding and binding.get('visible_ns', 0) <= now:
            return binding
        gone = self.unbound.get(app_id)
        return gone if gone and gone['until_ns'] > now else None

    def _shows_at(self):
        """When a binding write made now shows in reads."""
        if not self.emulator.reading('binding_delay'):
            return 0
        return time.time_ns() + int(float(self.emulator.config.get('binding_delay_ms', 1000)) * 1e6)

    def _seen_bound_ids(self, quota_id):
        return [app_id for app_id in self.apps if (self._seen_binding(app_id) or {}).get('app_quota_id') == quota_id]

    def _check_unique_name(self, instance, name, quota_id=None):
        # Strict reading (open question 4): names are unique per instance, compared case-sensitively.
        for quota in self.quotas.values():
            if quota['instance_id'] == instance['id'] and quota['name'] == name and quota['id'] != quota_id:
                raise apig_error(400, 'APIG.3325', 'The API quota name already exists')

    # -- storage ---------------------------------------------------------------------------------
    def _seed_instance(self, item):
        instance_id = item.get('instance_id')
        if instance_id is None and len(self.instances) == 1:
            instance_id = next(iter(self.instances))
        if instance_id not in self.instances:
            raise ValueError('seed object of an unknown instance: %r' % (item,))
        return instance_id

    def _store_quota(self, instance_id, fields, quota_id=None):
        quota = self.quotas.get(quota_id)
        if quota is None:
            quota = {'id': fields.get('app_quota_id') or uuid.uuid4().hex, 'instance_id': instance_id, 'created_ns': time.time_ns()}
        # PUT is a full-object write (section 1.3). Strict reading of the undocumented case: an
        # optional key left out of the PUT body (remark, reset_time) is cleared, not kept; the
        # reading put_keeps_omitted keeps it.
        keep = quota_id is not None and self.emulator.reading('put_keeps_omitted')
        quota.update(name=fields['name'], call_limits=fields['call_limits'], time_unit=fields['time_unit'],
                     time_interval=fields['time_interval'],
                     remark=(fields.get('remark') or '') if 'remark' in fields or not keep else quota['remark'],
                     reset_time=(fields.get('reset_time') or None) if 'reset_time' in fields or not keep
                     else quota['reset_time'])
        self.quotas[quota['id']] = quota
        return quota

    def _store_app(self, instance_id, fields):
        app = {'id': fields.get('id') or uuid.uuid4().hex, 'instance_id': instance_id, 'name': fields['name'],
               'remark': fields.get('remark', ''), 'app_key': fields.get('app_key') or uuid.uuid4().hex,
               'app_secret': fields.get('app_secret') or secrets.token_hex(16), 'status': fields.get('status', 1),
               'related_domain_id': fields.get('related_domain_id', ''), 'related_project_id': fields.get('related_project_id', ''),
               'created_ns': time.time_ns()}
        self.apps[app['id']] = app
        return app

    def _seed_catalog(self, instance_id):
        """Every instance has the built-in RELEASE environment (id DEFAULT_ENVIRONMENT_RELEASE_ID, as
        on real gateways), a TEST environment, and the seed APIs (SEED_APIS)."""
        envs = {'RELEASE': self._store_env(instance_id, 'RELEASE', RELEASE_ENV_ID if RELEASE_ENV_ID not in self.envs
                                           else uuid.uuid4().hex, 'Release environment'),
                'TEST': self._store_env(instance_id, 'TEST', None, 'Test environment')}
        groups = {}
        for name, group, method, uri, published in SEED_APIS:
            group_id = groups.setdefault(group, uuid.uuid4().hex)
            self._store_api(instance_id, {'name': name, 'group_id': group_id, 'group_name': group, 'req_method': method,
                                          'req_uri': uri, 'envs': [envs[env]['id'] for env in published]})

    def _store_env(self, instance_id, name, env_id=None, remark=''):
        env = {'id': env_id or uuid.uuid4().hex, 'instance_id': instance_id, 'name': name, 'remark': remark,
               'created_ns': time.time_ns()}
        self.envs[env['id']] = env
        return env

    def _store_api(self, instance_id, fields):
        """An API; ``envs`` lists the environments (ids or names) it is published in."""
        env_ids = set()
        for ref in fields.get('envs', ()):
            env = next((e for e in self.envs.values() if e['instance_id'] == instance_id and ref in (e['id'], e['name'])), None)
            if env is None:
                raise ValueError('seed API published in an unknown environment: %r' % (fields,))
            env_ids.add(env['id'])
        api = {'id': fields.get('id') or uuid.uuid4().hex, 'instance_id': instance_id, 'name': fields['name'],
               'group_id': fields.get('group_id') or uuid.uuid4().hex, 'group_name': fields.get('group_name', 'default'),
               'req_method': fields.get('req_method', 'GET'), 'req_uri': fields.get('req_uri', '/' + fields['name']),
               'env_ids': env_ids, 'created_ns': time.time_ns()}
        self.apis[api['id']] = api
        return api

    def _store_auth(self, app_id, api_id, env_id):
        auth = {'id': uuid.uuid4().hex, 'app_id': app_id, 'api_id': api_id, 'env_id': env_id, 'auth_ns': time.time_ns(),
                'visible_ns': self._auth_shows_at()}
        self.auths[auth['id']] = auth
        return auth

    def _auth_shows_at(self):
        """When an authorization written now shows in reads (reading ``auth_delay``)."""
        if not self.emulator.reading('auth_delay'):
            return 0
        return time.time_ns() + int(float(self.emulator.config.get('auth_delay_ms', 1000)) * 1e6)

    def _seen_auths(self, app_id):
        """The authorizations of an app as reads show them: with ``auth_delay`` new ones show late
        and cancelled ones linger."""
        now = time.time_ns()
        seen = [a for a in self.auths.values() if a['app_id'] == app_id and a.get('visible_ns', 0) <= now]
        seen += [a for a in self.cancelled.values() if a['app_id'] == app_id and a['until_ns'] > now]
        return sorted(seen, key=lambda a: a['auth_ns'])

    def _drop_app_links(self, app_id):
        """Deleting an app removes its quota binding and its authorizations (the reference, section 10)."""
        self.bindings.pop(app_id, None)
        self.unbound.pop(app_id, None)
        for auth_id in [auth_id for auth_id, a in self.auths.items() if a['app_id'] == app_id]:
            del self.auths[auth_id]
        for auth_id in [auth_id for auth_id, a in self.cancelled.items() if a['app_id'] == app_id]:
            del self.cancelled[auth_id]

    def _check_unique_app_name(self, instance, name, app_id=None):
        # Strict reading (undocumented code): app names are unique per instance; a duplicate is a
        # 400 (docs/fidelity.md A19: the module treats any 400 or 409 to a create as "maybe exists").
        for app in self._instance_apps(instance):
            if app['name'] == name and app['id'] != app_id:
                raise apig_error(400, 'APIG.3310', 'The app name already exists')

    def _env(self, instance, env_id):
        env = self.envs.get(env_id)
        if env is None or env['instance_id'] != instance['id']:
            raise apig_error(404, 'APIG.3003', 'The environment does not exist')
        return env

    # -- views -----------------------------------------------------------------------------------
    def _quota_view(self, quota, form):
        """``AppQuotaInfo`` as the create answer ('create'), the update answer ('update') or a read
        ('read') renders it (section 1.2): create echoes reset_time and has a nanosecond +08:00
        create_time; update echoes reset_time; reads add Go's " +0000 +0000" zone suffix."""
        reset_time = quota['reset_time']
        if reset_time and form == 'read':
            reset_time += ' +0000 +0000'
        view = _compact({
            'app_quota_id': quota['id'], 'name': quota['name'], 'call_limits': quota['call_limits'],
            'time_unit': quota['time_unit'], 'time_interval': quota['time_interval'], 'remark': quota['remark'],
            'reset_time': reset_time,
            'create_time': rfc3339_nano(quota['created_ns'], CHINA_TIME) if form == 'create' else rfc3339_seconds(quota['created_ns']),
        })
        bound = len(self._seen_bound_ids(quota['id']))
        if self.emulator.reading('bound_app_num_zero'):
            view['bound_app_num'] = 0
        elif bound and not self.emulator.reading('bound_app_num_absent'):
            view['bound_app_num'] = bound
        return view

    def _app_view(self, app, listed):
        """``AppInfoWithBindNum`` (apps list: app_secret masked, bind_num) or the app details."""
        secret = app['app_secret']
        view = _compact({
            'id': app['id'], 'name': app['name'], 'remark': app['remark'], 'creator': 'USER',
            'update_time': rfc3339_seconds(app['created_ns']), 'app_key': app['app_key'],
            'app_secret': None if listed and self.emulator.reading('app_list_thin') else (
                secret[:3] + '*' * 12 + secret[-3:] if listed else secret),
            'register_time': rfc3339_seconds(app['created_ns']), 'status': app['status'], 'app_type': 'apig',
            'related_domain_id': app['related_domain_id'], 'related_project_id': app['related_project_id'],
        })
        if listed:
            if self.emulator.reading('app_list_thin'):
                view.pop('remark', None)
            view['bind_num'] = len([a for a in self.auths.values() if a['app_id'] == app['id']])  # authorized APIs
        return view

    def _api_view(self, api):
        """``ApiInfoPerPage``: ``run_env_id``/``run_env_name`` join the environments it is published
        in with '|' (the SDK docstring); Go's omitempty drops them for an unpublished API."""
        envs = [self.envs[env_id] for env_id in sorted(api['env_ids']) if env_id in self.envs]
        return _compact({
            'id': api['id'], 'name': api['name'], 'type': 1, 'version': '', 'req_protocol': 'HTTPS',
            'req_method': api['req_method'], 'req_uri': api['req_uri'], 'auth_type': 'APP', 'match_mode': 'NORMAL',
            'backend_type': 'HTTP', 'group_id': api['group_id'], 'group_name': api['group_name'], 'status': 1,
            'register_time': rfc3339_seconds(api['created_ns']), 'update_time': rfc3339_seconds(api['created_ns']),
            'run_env_id': '|'.join(env['id'] for env in envs), 'run_env_name': '|'.join(env['name'] for env in envs),
        })

    def _auth_view(self, auth):
        """``ApiAuthInfo``: ``id`` is the authorization's id."""
        api, app, env = self.apis.get(auth['api_id']), self.apps.get(auth['app_id']), self.envs.get(auth['env_id'])
        return _compact({
            'id': auth['id'], 'api_id': auth['api_id'], 'api_name': api and api['name'], 'group_name': api and api['group_name'],
            'group_id': api and api['group_id'], 'api_type': 1, 'env_id': auth['env_id'], 'env_name': env and env['name'],
            'auth_role': 'PROVIDER', 'auth_time': rfc3339_seconds(auth['auth_ns']), 'app_id': auth['app_id'],
            'app_name': app and app['name'], 'app_remark': app and app['remark'], 'app_type': 'apig', 'app_creator': 'USER',
            'auth_tunnel': 'NONE',
        })

    def _quota_app_view(self, app):
        """``AppQuotaAppInfo``: bound apps carry their quota and bind time; bindable ones Go's zero time."""
        view = {'app_id': app['id'], 'name': app['name'], 'status': app['status'], 'app_key': app['app_key'],
                'related_domain_id': app['related_domain_id'], 'related_project_id': app['related_project_id'],
                'remark': app['remark'], 'register_time': rfc3339_seconds(app['created_ns']),
                'update_time': rfc3339_seconds(app['created_ns']), 'bound_time': GO_ZERO_TIME}
        binding = self._seen_binding(app['id'])
        if binding and binding['app_quota_id'] in self.quotas:
            view.update(app_quota_id=binding['app_quota_id'], app_quota_name=self.quotas[binding['app_quota_id']]['name'],
                        bound_time=rfc3339_seconds(binding['bound_ns']))
        return _compact(view)

    # -- routes: quotas --------------------------------------------------------------------------
    def create_quota(self, request, instance):
        body = validate(json_body(request), APP_QUOTA_CREATE)
        self._check_unique_name(instance, body['name'])
        return Response(201, self._quota_view(self._store_quota(instance['id'], body), 'create'))

    def list_quotas(self, request, instance):
        name = request.query_first('name')
        records = [q for q in self.quotas.values() if q['instance_id'] == instance['id'] and _fuzzy(q['name'], name)]
        return paginate(request, records, 'quotas', lambda quota: self._quota_view(quota, 'read'))

    def show_quota(self, request, instance):
        return Response(200, self._quota_view(self._quota(request, instance), 'read'))

    def update_quota(self, request, instance):
        quota = self._quota(request, instance)
        body = validate(json_body(request), APP_QUOTA_CREATE)
        self._check_unique_name(instance, body['name'], quota['id'])
        # The documented update answer echoes reset_time as sent, with a second-precision create_time.
        stored = self._store_quota(instance['id'], body, quota['id'])
        if self.emulator.reading('partial_update'):
            return Response(200, {'app_quota_id': stored['id']})
        return Response(200, self._quota_view(stored, 'update'))

    def delete_quota(self, request, instance):
        quota = self._quota(request, instance)
        for app_id in self._bound_app_ids(quota['id']):  # deleting a quota removes its bindings (1.4)
            del self.bindings[app_id]
        for app_id in [app_id for app_id, gone in self.unbound.items() if gone['app_quota_id'] == quota['id']]:
            del self.unbound[app_id]
        del self.quotas[quota['id']]
        return Response(204)

    # -- routes: bindings ------------------------------------------------------------------------
    def bind_apps(self, request, instance):
        quota = self._quota(request, instance, binding_route=True)
        app_ids = validate(json_body(request), BINDING_APPS)['app_ids']
        # [INFER] in the reference: every app must exist and be bound to no quota (this one
        # included), else 400 APIG.2012 app_ids. Strict reading: all or nothing.
        for app_id in app_ids:
            app = self.apps.get(app_id)
            if app is None or app['instance_id'] != instance['id'] or app_id in self.bindings:
                raise invalid('app_ids')
        now = time.time_ns()
        applies = []
        for app_id in app_ids:
            self.bindings[app_id] = {'app_quota_id': quota['id'], 'bound_ns': now, 'visible_ns': self._shows_at()}
            self.unbound.pop(app_id, None)
            applies.append({'app_id': app_id, 'app_quota_id': quota['id'], 'bound_time': rfc3339_nano(now)})
        return Response(201, {'applies': applies})

    def unbind_app(self, request, instance):
        quota = self._quota(request, instance, binding_route=True)
        app_id = request.params['app_id']
        if app_id not in self.apps or self.bindings.get(app_id, {}).get('app_quota_id') != quota['id']:
            # Undocumented; Terraform expects 404. An app not bound to this quota is "does not exist".
            raise apig_error(404, 'APIG.3004', 'The app does not exist.')
        gone = self.bindings.pop(app_id)
        self.unbound[app_id] = dict(gone, until_ns=self._shows_at())
        return Response(204)

    def list_bound_apps(self, request, instance):
        quota = self._quota(request, instance, binding_route=True)
        name = request.query_first('app_name')
        records = [app for app in self._instance_apps(instance)
                   if (self._seen_binding(app['id']) or {}).get('app_quota_id') == quota['id'] and _fuzzy(app['name'], name)]
        return paginate(request, records, 'apps', self._quota_app_view)

    def list_bindable_apps(self, request, instance):
        # [INFER] in the reference: bindable = bound to no quota at all.
        self._quota(request, instance, binding_route=True)
        name = request.query_first('app_name')
        records = [app for app in self._instance_apps(instance) if self._seen_binding(app['id']) is None
                   and _fuzzy(app['name'], name)]
        return paginate(request, records, 'apps', self._quota_app_view)

    def show_bound_quota(self, request, instance):
        app = self._app(instance, request.params['app_id'])
        binding = self._seen_binding(app['id'])
        if binding is None or binding['app_quota_id'] not in self.quotas:
            if self.emulator.reading('bound_quota_zero'):
                # A Go zero-valued AppQuotaInfo, every key rendered.
                return Response(200, {'app_quota_id': '', 'name': '', 'call_limits': 0, 'time_unit': '',
                                      'time_interval': 0, 'remark': '', 'reset_time': '', 'create_time': GO_ZERO_TIME,
                                      'bound_app_num': 0})
            # Strict reading (undocumented): an app bound to no quota answers 404 APIG.3093.
            raise apig_error(404, 'APIG.3093', 'The App quota bound to app %s does not exist' % app['id'])
        return Response(200, self._quota_view(self.quotas[binding['app_quota_id']], 'read'))

    # -- routes: apps ----------------------------------------------------------------------------
    def list_apps(self, request, instance):
        precise = request.query_first('precise_search') or ''
        if precise not in ('', 'name'):
            raise invalid('precise_search')  # strict reading: "currently only name" is supported
        name = request.query_first('name')
        exact = {key: request.query_first(key) for key in ('id', 'app_key', 'creator', 'status', 'related_domain_id', 'related_project_id')}
        records = []
        for app in self._instance_apps(instance):
            fields = dict(app, creator='USER', status=str(app['status']))
            if name and (app['name'] != name if precise == 'name' else name not in app['name']):
                continue
            if all(not wanted or fields[key] == wanted for key, wanted in exact.items()):
                records.append(app)
        return paginate(request, records, 'apps', lambda app: self._app_view(app, listed=True))

    def show_app(self, request, instance):
        return Response(200, self._app_view(self._app(instance, request.params['app_id']), listed=False))

    def create_app(self, request, instance):
        body = validate(json_body(request), APP_CREATE)
        self._check_unique_app_name(instance, body['name'])
        return Response(201, self._app_view(self._store_app(instance['id'], body), listed=False))

    def update_app(self, request, instance):
        app = self._app(instance, request.params['app_id'])
        body = validate(json_body(request), APP_CREATE)
        self._check_unique_app_name(instance, body['name'], app['id'])
        # Strict reading: a full-object write, as the quota PUT (a remark left out is cleared);
        # a key or secret given is applied (custom keys enabled).
        app.update(name=body['name'], remark=body.get('remark', ''))
        for key in ('app_key', 'app_secret'):
            if key in body:
                app[key] = body[key]
        if self.emulator.reading('partial_update'):
            return Response(200, {'id': app['id']})
        return Response(200, self._app_view(app, listed=False))

    def delete_app(self, request, instance):
        app = self._app(instance, request.params['app_id'])
        self._drop_app_links(app['id'])
        del self.apps[app['id']]
        return Response(204)

    def reset_app_secret(self, request, instance):
        app = self._app(instance, request.params['app_id'])
        # The SDK sends the AppResetCreate body; an empty one (or none) asks for a generated secret.
        body = validate(json_body(request), APP_RESET) if request.body else {}
        app['app_secret'] = body.get('app_secret') or secrets.token_hex(16)
        if self.emulator.reading('secret_reset_partial'):
            return Response(200, {'id': app['id'], 'name': app['name']})
        return Response(200, self._app_view(app, listed=False))

    def list_envs(self, request, instance):
        name = request.query_first('name')
        records = [e for e in self.envs.values() if e['instance_id'] == instance['id'] and _fuzzy(e['name'], name)]
        return paginate(request, records, 'envs', lambda env: _compact({
            'id': env['id'], 'name': env['name'], 'remark': env['remark'], 'create_time': rfc3339_seconds(env['created_ns'])}))

    def list_apis(self, request, instance):
        precise = request.query_first('precise_search') or ''
        name = request.query_first('name')
        exact = {key: request.query_first(key) for key in ('id', 'group_id')}
        env_id = request.query_first('env_id')
        records = []
        for api in self.apis.values():
            if api['instance_id'] != instance['id']:
                continue
            if name and (api['name'] != name if precise == 'name' else name not in api['name']):
                continue
            if env_id and env_id not in api['env_ids']:
                continue
            if all(not wanted or api[key] == wanted for key, wanted in exact.items()):
                records.append(api)
        return paginate(request, records, 'apis', self._api_view)

    def create_auths(self, request, instance):
        body = validate(json_body(request), API_AUTH_CREATE)
        env = self._env(instance, body['env_id'])
        apps = [self._app(instance, app_id) for app_id in body['app_ids']]
        apis = []
        for api_id in body['api_ids']:
            api = self.apis.get(api_id)
            if api is None or api['instance_id'] != instance['id']:
                raise apig_error(404, 'APIG.3002', 'The API does not exist')
            apis.append(api)
        auths = []
        for app in apps:
            for api in apis:
                result = {'api_name': api['name'], 'app_name': app['name']}
                existing = next((a for a in self.auths.values() if a['app_id'] == app['id'] and a['api_id'] == api['id']
                                 and a['env_id'] == env['id']), None)
                if env['id'] not in api['env_ids']:
                    # An API not published in the environment cannot be authorized there (Terraform's docs:
                    # publish first). Strict reading: the pair fails and the others go on (AuthResult FAILED).
                    result.update(status='FAILED', error_code='APIG.3002',
                                  error_msg='The API %s has not been published in the environment' % api['id'])
                    auths.append({'api_id': api['id'], 'app_id': app['id'], 'auth_result': result})
                    continue
                if existing is not None:
                    # Strict reading: a pair authorized already is SKIPPED, with its authorization.
                    result['status'] = 'SKIPPED'
                    auth = existing
                else:
                    result['status'] = 'SUCCESS'
                    auth = self._store_auth(app['id'], api['id'], env['id'])
                auths.append({'id': auth['id'], 'api_id': api['id'], 'app_id': app['id'], 'auth_result': result,
                              'auth_time': rfc3339_seconds(auth['auth_ns']), 'auth_role': 'PROVIDER', 'auth_tunnel': 'NONE'})
        return Response(201, {'auths': auths})

    def _auth_app(self, request, instance):
        app_id = request.query_first('app_id')
        if not app_id:
            raise invalid('app_id')  # the SDK marks app_id required
        return self._app(instance, app_id)

    def list_binded_apis(self, request, instance):
        app = self._auth_app(request, instance)
        filters = {key: request.query_first(key) for key in ('env_id', 'api_id')}
        name = request.query_first('api_name')
        records = [a for a in self._seen_auths(app['id'])
                   if all(not wanted or a[key] == wanted for key, wanted in filters.items())
                   and _fuzzy(self.apis[a['api_id']]['name'], name)]
        return paginate(request, records, 'auths', self._auth_view)

    def list_unbinded_apis(self, request, instance):
        # [INFER] the APIs published in env_id that the app is not authorized to there (as
        # reads show the authorizations); Terraform polls this list after authorizing.
        app = self._auth_app(request, instance)
        env_id = request.query_first('env_id')
        if not env_id:
            raise invalid('env_id')
        self._env(instance, env_id)
        seen = set(a['api_id'] for a in self._seen_auths(app['id']) if a['env_id'] == env_id)
        name = request.query_first('api_name')
        records = [api for api in self.apis.values() if api['instance_id'] == instance['id'] and env_id in api['env_ids']
                   and api['id'] not in seen and _fuzzy(api['name'], name)]
        return paginate(request, records, 'apis', self._api_view)

    def cancel_auth(self, request, instance):
        auth = self.auths.get(request.params['app_auth_id'])
        if auth is None or self.apps.get(auth['app_id'], {}).get('instance_id') != instance['id']:
            # Undocumented; Terraform treats a 404 as cancelled already.
            raise apig_error(404, 'APIG.3004', 'The authorization does not exist')
        del self.auths[auth['id']]
        if self.emulator.reading('auth_delay'):
            self.cancelled[auth['id']] = dict(auth, until_ns=self._auth_shows_at())
        return Response(204)
