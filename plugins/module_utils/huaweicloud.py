# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Huawei Cloud access: SDK-HMAC-SHA256 signing, IAM tokens, endpoints, project ids, APIG errors.

The client of the ``apig_*`` modules; each APIG resource has its own module beside it
(``apig_app``, ``apig_app_quota``).
"""

import datetime
import hashlib
import hmac

from ansible.module_utils.basic import env_fallback
from ansible_collections.apiops.provisioning.plugins.module_utils.transport import (
    ApiError,
    ConfigError,
    TRANSPORT_ARGSPEC,
    Transport,
    check_connection_options,
    summarise_body,
    transport_options,
)

from urllib.parse import quote, unquote, urlsplit

ALGORITHM = 'SDK-HMAC-SHA256'
EMPTY_BODY_SHA256 = hashlib.sha256(b'').hexdigest()
# Regions whose endpoints live under another top-level domain than myhuaweicloud.com.
REGION_DOMAINS = {'eu-west-101': 'myhuaweicloud.eu'}
# APIG regions that have no regional IAM endpoint in the vendor's SDKs (huaweicloudsdkiam's
# IamRegion and the Go SDK's iam region table list none for them): the SDKs then use the global
# endpoint, and so does the collection.
REGIONS_WITHOUT_IAM = frozenset(('af-north-1', 'ap-southeast-5', 'cn-north-11', 'cn-south-4', 'cn-southwest-3',
                                 'ru-northwest-2'))
GLOBAL_IAM_ENDPOINT = 'https://iam.myhuaweicloud.com'
PAGE_LIMIT = 500  # the largest page the APIG list routes accept
# HW_APIG_INSTANCE_ID goes with HW_APIG_ENDPOINT; APIG_INSTANCE_ID is the name playbooks/provision.yml
# read in 1.x, so a shell set up for it works for ad-hoc commands too.
INSTANCE_ID_ENV = ['HW_APIG_INSTANCE_ID', 'APIG_INSTANCE_ID']

CONNECTION_ARGSPEC = dict(
    region=dict(type='str', fallback=(env_fallback, ['HUAWEICLOUD_SDK_REGION', 'HW_REGION_NAME'])),
    project_id=dict(type='str', fallback=(env_fallback, ['HUAWEICLOUD_SDK_PROJECT_ID', 'HW_PROJECT_ID'])),
    # Required, but checked by HuaweiCloud: its message names the environment variables.
    instance_id=dict(type='str', fallback=(env_fallback, INSTANCE_ID_ENV)),
    access_key=dict(type='str', no_log=False, fallback=(env_fallback, ['HUAWEICLOUD_SDK_AK', 'HW_ACCESS_KEY'])),
    secret_key=dict(type='str', no_log=True, fallback=(env_fallback, ['HUAWEICLOUD_SDK_SK', 'HW_SECRET_KEY'])),
    security_token=dict(type='str', no_log=True,
                        fallback=(env_fallback, ['HUAWEICLOUD_SDK_SECURITY_TOKEN', 'HW_SECURITY_TOKEN'])),
    auth_token=dict(type='str', no_log=True, fallback=(env_fallback, ['HW_AUTH_TOKEN'])),
    user=dict(type='str', fallback=(env_fallback, ['HW_USER_NAME'])),
    password=dict(type='str', no_log=True, fallback=(env_fallback, ['HW_PASSWORD'])),
    domain=dict(type='str', fallback=(env_fallback, ['HW_DOMAIN_NAME'])),
    apig_endpoint=dict(type='str', fallback=(env_fallback, ['HW_APIG_ENDPOINT'])),
    iam_endpoint=dict(type='str', fallback=(env_fallback, ['HUAWEICLOUD_SDK_IAM_ENDPOINT', 'HW_IAM_ENDPOINT'])),
    **TRANSPORT_ARGSPEC
)


# ---------------------------------------------------------------------------------------------
# Signing
# ---------------------------------------------------------------------------------------------
def canonical_uri(path):
    """Each segment of the decoded path percent-encoded (``~`` kept), with a trailing slash."""
    uri = '/'.join(quote(segment, safe='~') for segment in unquote(path).split('/'))
    return uri if uri.endswith('/') else uri + '/'


def canonical_request(method, url, headers, signed_headers, body):
    """The canonical request of ``SDK-HMAC-SHA256`` for an absolute ``url``.

    The query of ``url`` must already be canonical (``transport.encode_query`` makes it so):
    it is signed exactly as it is sent.
    """
    parts = urlsplit(url)
    lowered = dict((name.lower(), value) for name, value in headers.items())
    canonical_headers = ''.join('%s:%s\n' % (name, str(lowered[name]).strip()) for name in signed_headers)
    if not body:
        payload_hash = EMPTY_BODY_SHA256
    elif 'x-sdk-content-sha256' in lowered:
        payload_hash = lowered['x-sdk-content-sha256']
    else:
        payload_hash = hashlib.sha256(body).hexdigest()
    return '\n'.join([method.upper(), canonical_uri(parts.path), parts.query, canonical_headers,
                      ';'.join(signed_headers), payload_hash])


def sign(method, url, headers, body, access_key, secret_key, now=None):
    """Sign a request in place: adds ``X-Sdk-Date``, ``Host`` and ``Authorization`` to ``headers``.

    Every header present (bar names with ``_``) is signed, as the vendor SDK does; a body that
    is neither JSON nor BSON is marked ``UNSIGNED-PAYLOAD``, as the SDK does.
    """
    content_type = [value for name, value in headers.items() if name.lower() == 'content-type']
    if content_type and not content_type[0].startswith(('application/json', 'application/bson')):
        headers['X-Sdk-Content-Sha256'] = 'UNSIGNED-PAYLOAD'
    if not any(name.lower() == 'x-sdk-date' for name in headers):
        now = now or datetime.datetime.now(datetime.timezone.utc)
        headers['X-Sdk-Date'] = now.strftime('%Y%m%dT%H%M%SZ')
    if not any(name.lower() == 'host' for name in headers):
        headers['Host'] = urlsplit(url).netloc
    date = [value for name, value in headers.items() if name.lower() == 'x-sdk-date'][0]
    signed = sorted(name.lower() for name in headers if '_' not in name and name.lower() != 'authorization')
    creq = canonical_request(method, url, headers, signed, body)
    string_to_sign = '%s\n%s\n%s' % (ALGORITHM, date, hashlib.sha256(creq.encode('utf-8')).hexdigest())
    signature = hmac.new(secret_key.encode('utf-8'), string_to_sign.encode('utf-8'), hashlib.sha256).hexdigest()
    headers['Authorization'] = '%s Access=%s, SignedHeaders=%s, Signature=%s' % (
        ALGORITHM, access_key, ';'.join(signed), signature)
    return headers


# ---------------------------------------------------------------------------------------------
# Authentication strategies (the ``auth`` object of ``transport.Transport``)
#
# Each strategy owns what its credentials need: ``apply`` and ``renew`` for the transport,
# ``project_id_from_exchange`` (the project its token exchange named, if it has one),
# ``projects_request`` (the IAM route that lists the projects it may use) and ``use_project``
# (told the project id once it is resolved).
# ---------------------------------------------------------------------------------------------
class AkSkAuth:
    """Permanent or temporary AK/SK: every request is signed, IAM's project lookup included."""

    def __init__(self, access_key, secret_key, security_token=None):
        self.access_key = access_key
        self.secret_key = secret_key
        self.security_token = security_token
        self.project_id = None  # set by use_project once resolved: sent (and signed) as X-Project-Id

    def apply(self, method, url, headers, body):
        if self.project_id:
            headers['X-Project-Id'] = self.project_id
        if self.security_token:
            headers['X-Security-Token'] = self.security_token
        sign(method, url, headers, body, self.access_key, self.secret_key)

    def renew(self):
        return False

    def project_id_from_exchange(self):
        return None  # no exchange: the keys name no project

    @staticmethod
    def projects_request(region):
        """``(path, query)`` of the IAM route listing the projects named ``region``."""
        return '/v3/projects', {'name': region}

    def use_project(self, project_id):
        self.project_id = project_id


class TokenAuth:
    """A given IAM token in ``X-Auth-Token``; never renewed (nothing to renew it from)."""

    def __init__(self, token):
        self.token = token

    def apply(self, method, url, headers, body):
        headers['X-Auth-Token'] = self.token

    def renew(self):
        return False

    def project_id_from_exchange(self):
        return None

    @staticmethod
    def projects_request(region):
        """``(path, query)`` of the IAM route listing the projects the token may use."""
        return '/v3/auth/projects', None

    def use_project(self, project_id):
        pass  # a token is scoped by IAM, not by a header


class PasswordAuth(TokenAuth):
    """User, password and domain, exchanged in IAM for a project-scoped token (``X-Subject-Token``).

    The exchange is sent on the first request (or when the project id is asked for), through the
    unauthenticated IAM transport that ``open_iam()`` returns; the token is renewed once per run
    after the API refused it.
    """

    def __init__(self, user, password, domain, scope, open_iam):
        super().__init__(None)
        self.user = user
        self.password = password
        self.domain = domain
        self.scope = scope          # {'project': {'id': ...}} or {'project': {'name': region}}
        self.open_iam = open_iam
        self.renewed = False
        self.token_project_id = None  # the project the token is scoped to, as IAM named it

    def apply(self, method, url, headers, body):
        if self.token is None:
            self.token = self.exchange()
        super().apply(method, url, headers, body)

    def renew(self):
        """Fetch a new token once per run, after the API refused the current one.

        Not when the exchange itself was refused (no token yet): a wrong password is final, and
        trying it twice only brings the account closer to being locked.
        """
        if self.renewed or self.token is None:
            return False
        self.renewed = True
        self.token = self.exchange()
        return True

    def project_id_from_exchange(self):
        """The project of the token (exchanged now if not yet): a project-scoped token names it."""
        if self.token is None:
            self.token = self.exchange()
        return self.token_project_id

    def exchange(self):
        """A new project-scoped IAM token for user/password."""
        body = {'auth': {'identity': {'methods': ['password'],
                                      'password': {'user': {'name': self.user, 'password': self.password,
                                                            'domain': {'name': self.domain}}}},
                         'scope': self.scope}}
        try:
            reply = self.open_iam().request('POST', '/v3/auth/tokens', query={'nocatalog': 'true'}, body=body)
        except ApiError as exc:
            if exc.status == 401:
                exc.message = ('IAM refused the password of user %r in domain %r: %s Check password (HW_PASSWORD), '
                               'user (HW_USER_NAME) and domain (HW_DOMAIN_NAME, the account name, not the region)'
                               % (self.user, self.domain, exc.message))
            raise
        token = reply.headers.get('X-Subject-Token')
        if not token:
            raise ApiError('IAM answered without an X-Subject-Token header', status=reply.status,
                           method='POST', path='/v3/auth/tokens')
        project = ((reply.data or {}).get('token') or {}).get('project') or {}
        self.token_project_id = project.get('id') or self.token_project_id
        return token


# ---------------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------------
def _find_error(data):
    """``(code, message)`` from an error body, in the vendor SDK's order of keys, nested included."""
    if not isinstance(data, dict):
        return None, None
    for code_key, msg_key in (('error_code', 'error_msg'), ('errorCode', 'errorMsg'), ('code', 'message')):
        if code_key in data or msg_key in data:
            return data.get(code_key), data.get(msg_key)
    for value in data.values():
        if isinstance(value, dict):
            code, message = _find_error(value)
            if code or message:
                return code, message
    return None, None


def parse_error(status, data, text, headers):
    """The (code, message, request id) of a Huawei Cloud error answer."""
    code, message = _find_error(data)
    if code is not None and str(code) == str(status):
        code = None  # IAM's {"error": {"code": 401, ...}} repeats the status: "HTTP 401 401" says nothing
    if message is None and data is not None:
        message = 'unexpected error answer: %s' % ' '.join(text.split())[:200]
    elif message is None:
        message = summarise_body(text) or 'HTTP %s with an empty body' % status
    request_id = headers.get('X-Request-Id') or (data.get('request_id') if isinstance(data, dict) else None)
    return (str(code) if code is not None else None), str(message), request_id


# ---------------------------------------------------------------------------------------------
# The client
# ---------------------------------------------------------------------------------------------
class AuthConfigError(ConfigError):
    """Connection options that cannot work together (reported before any request)."""


def endpoint_for(service, region):
    if service == 'iam' and region in REGIONS_WITHOUT_IAM:
        return GLOBAL_IAM_ENDPOINT
    domain = REGION_DOMAINS.get(region, 'myhuaweicloud.com')
    return 'https://%s.%s.%s' % (service, region, domain)


def instance_path(project_id, instance_id, suffix=''):
    """The APIG v2 path of an instance, plus ``suffix``."""
    return '/v2/%s/apigw/instances/%s%s' % (quote(project_id, safe=''), quote(instance_id, safe=''), suffix)


class HuaweiCloud:
    """Authenticated access to one APIG instance: one session per endpoint and module run.

    Nothing is sent until the first API call; the IAM token and the project id are obtained at
    most once per run.
    """

    def __init__(self, params):
        self.params = params
        check_connection_options(params, ('apig_endpoint', 'iam_endpoint'),
                                 ('access_key', 'security_token', 'auth_token', 'project_id'))
        if not (params.get('instance_id') or '').strip():
            raise AuthConfigError('instance_id is required: give the id of the APIG gateway as instance_id, or set the '
                                  '%s environment variable' % ' or '.join(INSTANCE_ID_ENV))
        self.region = params.get('region')
        self.auth = self._select_auth(params)
        self.apig_url = params.get('apig_endpoint') or (self.region and endpoint_for('apig', self.region))
        self.iam_url = params.get('iam_endpoint') or (self.region and endpoint_for('iam', self.region))
        if not self.apig_url:
            raise AuthConfigError('region is required unless apig_endpoint is given (set region, or the '
                                  'HUAWEICLOUD_SDK_REGION or HW_REGION_NAME environment variable)')
        if not params.get('project_id') and not self.region:
            raise AuthConfigError('region is required to look up the project id (or give project_id)')
        self.project_id = None  # set by resolve_project_id()
        self._transports = {}

    def _select_auth(self, params):
        access_key, secret_key = params.get('access_key'), params.get('secret_key')
        if access_key or secret_key:
            if not (access_key and secret_key):
                missing = 'secret_key' if access_key else 'access_key'
                raise AuthConfigError('access_key and secret_key go together: %s is missing' % missing)
            return AkSkAuth(access_key, secret_key, params.get('security_token'))
        if params.get('security_token'):
            raise AuthConfigError('security_token needs access_key and secret_key (temporary AK/SK)')
        if params.get('auth_token'):
            return TokenAuth(params['auth_token'])
        if params.get('user') or params.get('password'):
            missing = [name for name in ('user', 'password', 'domain') if not params.get(name)]
            if missing:
                raise AuthConfigError('password authentication needs user, password and domain: missing %s'
                                      % ', '.join(missing))
            scope = {'project': {'id': params['project_id']}} if params.get('project_id') else \
                {'project': {'name': self.region}}
            return PasswordAuth(params['user'], params['password'], params['domain'], scope, self._iam_exchange)
        raise AuthConfigError('no Huawei Cloud credentials: give access_key and secret_key (AK/SK), or auth_token, '
                              'or user, password and domain (see the HUAWEICLOUD_SDK_AK/HUAWEICLOUD_SDK_SK, '
                              'HW_AUTH_TOKEN and HW_USER_NAME/HW_PASSWORD/HW_DOMAIN_NAME environment variables)')

    def _transport(self, base_url, auth):
        return Transport(base_url, parse_error, auth=auth, user_agent='apiops.provisioning (huaweicloud)',
                         **transport_options(self.params))

    def _connect(self, name, base_url, auth):
        """The transport ``name``, made on first use (making one sends nothing)."""
        if name not in self._transports:
            self._transports[name] = self._transport(base_url, auth)
        return self._transports[name]

    def _iam_url(self):
        if not self.iam_url:
            raise AuthConfigError('iam_endpoint or region is required to reach IAM')
        return self.iam_url

    @property
    def apig(self):
        return self._connect('apig', self.apig_url, self.auth)

    @property
    def iam(self):
        """IAM with the run's credentials: the project lookup."""
        return self._connect('iam', self._iam_url(), self.auth)

    def _iam_exchange(self):
        """IAM without credentials: the password exchange (``PasswordAuth`` opens it)."""
        return self._connect('iam exchange', self._iam_url(), None)

    def resolve_project_id(self):
        """The project id: given, else the password token's project, else looked up in IAM by region.

        Resolved once per run, then handed to the auth (AK/SK signs it as ``X-Project-Id``).
        """
        if self.project_id is None:
            project_id = self.params.get('project_id') or self.auth.project_id_from_exchange() or \
                self._look_up_project_id()
            self.auth.use_project(project_id)
            self.project_id = project_id
        return self.project_id

    def _look_up_project_id(self):
        path, query = self.auth.projects_request(self.region)
        projects = self.iam.request('GET', path, query=query).data or {}
        matches = [p for p in projects.get('projects') or [] if p.get('name') == self.region]
        if len(matches) != 1:
            raise ApiError('%s project ids found for region %s; give project_id' % (
                'no' if not matches else 'several', self.region), method='GET', path=path)
        return matches[0]['id']

    def _path(self, suffix):
        return instance_path(self.resolve_project_id(), self.params['instance_id'], suffix)

    def request(self, method, suffix, **kwargs):
        """A request to the configured instance's ``suffix``."""
        return self.apig.request(method, self._path(suffix), **kwargs)

    def list_all(self, suffix, items_key, query=None, limit=PAGE_LIMIT):
        """Every item of an APIG list (offset/limit, ``total``), at the largest page size."""
        def extract(data):
            return data.get(items_key) or [], data.get('total')
        return list(self.apig.paginate(self._path(suffix), query, extract, limit))

    def everything(self, suffix, items_key):
        """Every item of an unfiltered list when its first page holds them all (one request), else None."""
        page = self.request('GET', suffix, query={'offset': 0, 'limit': PAGE_LIMIT}).data or {}
        items = page.get(items_key) or []
        return items if page.get('total') is not None and len(items) >= page['total'] else None

    @property
    def request_count(self):
        return sum(t.request_count for t in self._transports.values())

    def close(self):
        for transport in self._transports.values():
            transport.close()
