# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ace Data Cloud platform (management) API emulator: ``https://platform.acedata.cloud/api/v1``.

Follows the platform API reference (``acedata-platform-api.md``, sections 1-5 and 7-10): platform
tokens with permissions, ``{count, items}`` listings, owner scoping with ``user_id``, Applications
(create, read, ``update-allow-consume-global``; no update or delete), Services (public) and
Credentials. The backend is Django REST Framework, so errors are ``{"detail", "code"}`` or DRF field
errors ``{"field": ["message"]}``. Where the reference leaves a behaviour unknown, the strict reading
is taken and a comment says so.

Seed section ``acedata`` (the same shape is accepted by ``POST /_emulator/seed``); every list is
optional and every object is completed with defaults:

``tokens``
    ``[{token, user_id, permissions?}]``. ``permissions`` defaults to the four user permissions
    (``applications:read|write``, ``credentials:read|write``).
``users``
    ``[{id, username?, email?, nickname?, avatar?, is_superuser?}]``. A superuser may list without
    ``user_id`` and name other users in ``user_id``.
``services``
    ``[{id?, alias, title?, type?, free_amount?, tags?, private?, rank?, ...}]``.
``applications``
    ``[{id?, user_id?, service_id?, type?, scope?, created_at?, credentials?, ...}]``. ``user_id``
    defaults to the user of the first token. Without ``credentials`` the application gets one
    credential, as a created one does; give ``credentials: []`` for none.
``credentials``
    ``[{application_id, id?, user_id?, token?, name?, ...}]``. A ``user_id`` other than the
    application owner's makes a *granted* credential: its holder sees the application with
    ``role: grantee`` (and ``affiliation=granted`` lists it).

Config (``POST /_emulator/config``): ``{"acedata_service_detail_broken": true}`` makes the service
detail route answer 500, as the reference reports it did (section 5).
"""

from __future__ import annotations

import copy
import datetime
import functools
import json
import uuid
from collections import namedtuple

from .core import ApiPlugin, Response

UTC = datetime.timezone.utc
PREFIX = '/api/v1'
# Page size without ?limit= (unknown for most routes; the services doc says 10, taken for all).
DEFAULT_LIMIT = 10
MAX_LIMIT = 100
USER_PERMISSIONS = ('applications:read', 'applications:write', 'credentials:read', 'credentials:write')
APP_TYPES = ('Usage', 'Period')
APP_SCOPES = ('Individual', 'Global')
AFFILIATIONS = ('owner', 'granted')
SERVICE_TYPES = ('Api', 'Proxy', 'Integration', 'Dataset', 'Introduction', 'Agent')
PUBLIC = 'public'  # a route-table permission: no token needed (one that is sent must still be valid)
WWW_AUTHENTICATE = {'WWW-Authenticate': 'Bearer realm="api"'}

MESSAGES = {
    'not_authenticated': 'Authentication credentials were not provided.',
    'authentication_failed': 'Invalid token.',
    'permission_denied': 'You do not have permission to perform this action.',
    'not_found': 'Not found.',
    'duplication': 'Application already exists.',
    'error': 'A server error occurred.',
}
REQUIRED = 'This field is required.'
NOT_NULL = 'This field may not be null.'
NOT_BLANK = 'This field may not be blank.'
# additionalProperties: false in the route table: an unknown body field is a field error (DRF itself
# would ignore it; the strict reading is taken so that a client sending a wrong field notices).
UNKNOWN_FIELD = 'This field is not allowed.'
NOT_WITH_GLOBAL = 'This field is not allowed when scope is Global.'
INVALID_PK = 'Invalid pk "%s" - object does not exist.'
INVALID_CHOICE = 'Select a valid choice. %s is not one of the available choices.'
DATETIME_FORMAT_HELP = ('Datetime has wrong format. Use one of these formats instead: '
                        'YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].')

APPLICATION_FIELDS = ('id', 'user_id', 'service_id', 'type', 'scope', 'remaining_amount', 'used_amount', 'paid',
                      'disabled', 'allow_consume_global', 'expired_at', 'credentials', 'packages', 'service', 'tags',
                      'metadata', 'created_at', 'updated_at')

Caller = namedtuple('Caller', 'user_id permissions superuser')
Field = namedtuple('Field', 'kind required null choices max_length', defaults=(False, True, None, None))

APPLICATION_CREATE = {
    'service_id': Field('uuid'),  # required for Individual, refused for Global: checked after the fields
    'type': Field('choice', null=False, choices=APP_TYPES),
    'scope': Field('choice', null=False, choices=APP_SCOPES),
    'allow_consume_global': Field('bool'),
    'tags': Field('str_list'),
    'expired_at': Field('datetime'),
    'metadata': Field('object'),
}
ALLOW_CONSUME_GLOBAL = {'allow_consume_global': Field('bool', required=True, null=False)}
CREDENTIAL_UPDATE = {
    'name': Field('str', max_length=255),
    'limited_amount': Field('number'),
    'expired_at': Field('datetime'),
    'allowed_api_ids': Field('uuid_list'),
}
# What a credential list item lacks with the reading list_thin (the detail has them).
CREDENTIAL_THIN = ('limited_amount', 'expired_at', 'allowed_api_ids')
CREDENTIAL_CREATE = dict(CREDENTIAL_UPDATE, application_id=Field('uuid', required=True, null=False),
                         host=Field('str', max_length=255), tags=Field('str_list'), metadata=Field('object'),
                         for_user_id=Field('uuid'))


# -- errors ----------------------------------------------------------------------------------------
class Problem(Exception):
    """An error answer: raised anywhere below a route, answered by the route wrapper."""

    def __init__(self, response):
        super().__init__(response.status)
        self.response = response


def fail(status, code=None, detail=None, fields=None, headers=None):
    """The one error helper: ``{"detail", "code"}`` (detail defaults to the code's DRF text), or
    DRF field errors ``{"field": ["message"]}`` when ``fields`` is given."""
    body = fields if fields is not None else {'detail': detail or MESSAGES[code], 'code': code}
    return Problem(Response(status, body, headers))


# -- times -----------------------------------------------------------------------------------------
def parse_time(value):
    """An ISO 8601 date-time (or date) as an aware UTC datetime; naive values are UTC; else None."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text[-1:] in ('Z', 'z'):
        text = text[:-1] + '+00:00'
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def format_time(moment):
    """The platform's timestamp format: ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (UTC, always 6 digits)."""
    return moment.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%S.%fZ')


def normalise_time(value):
    moment = parse_time(value)
    return format_time(moment) if moment is not None else value


# -- validation ------------------------------------------------------------------------------------
class Invalid(Exception):
    """One field's DRF error detail (a list of messages, or ``{index: [messages]}`` for lists)."""

    def __init__(self, detail):
        super().__init__(detail)
        self.detail = detail if isinstance(detail, dict) else [detail]


def _type_name(value):
    return type(value).__name__


def _check_uuid(value, _field):
    try:
        if isinstance(value, str):
            return str(uuid.UUID(value))
    except ValueError:
        pass
    raise Invalid('Must be a valid UUID.')


def _check_str(value, field):
    # Strict reading: a JSON number is not a string (DRF's CharField would coerce it).
    if not isinstance(value, str):
        raise Invalid('Not a valid string.')
    if field.max_length is not None and len(value) > field.max_length:
        raise Invalid('Ensure this field has no more than %d characters.' % field.max_length)
    return value


def _check_tag(value, field):
    value = _check_str(value, field)
    if not value.strip():
        raise Invalid(NOT_BLANK)
    return value


def _check_choice(value, field):
    if isinstance(value, str) and value in field.choices:
        return value
    raise Invalid('"%s" is not a valid choice.' % (value,))


def _check_bool(value, _field):
    # Strict reading: only JSON true/false (DRF would also take "true", 1, ...).
    if isinstance(value, bool):
        return value
    raise Invalid('Must be a valid boolean.')


def _check_number(value, _field):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise Invalid('A valid number is required.')
    if value < 0:  # a negative spend cap is not meaningful; unknown upstream, strict reading
        raise Invalid('Ensure this value is greater than or equal to 0.')
    return value


def _check_datetime(value, _field):
    moment = parse_time(value)
    if moment is None:
        raise Invalid(DATETIME_FORMAT_HELP)
    return format_time(moment)


def _check_object(value, _field):
    if not isinstance(value, dict):
        raise Invalid('Expected a dictionary of items but got type "%s".' % _type_name(value))
    return value


def _list_of(check_item):
    def check(value, field):
        if not isinstance(value, list):
            raise Invalid('Expected a list of items but got type "%s".' % _type_name(value))
        items, errors = [], {}
        for index, item in enumerate(value):
            try:
                items.append(check_item(item, field))
            except Invalid as exc:
                errors[str(index)] = exc.detail
        if errors:
            raise Invalid(errors)
        return items
    return check


CHECKS = {
    'uuid': _check_uuid,
    'str': _check_str,
    'choice': _check_choice,
    'bool': _check_bool,
    'number': _check_number,
    'datetime': _check_datetime,
    'object': _check_object,
    'str_list': _list_of(_check_tag),
    'uuid_list': _list_of(_check_uuid),
}


def validate(body, schema):
    """The one body validation helper: the fields of ``body`` that ``schema`` names, checked and
    normalised (UUIDs lower-case, times in the platform format); else 400 with every field error."""
    errors = dict((name, [UNKNOWN_FIELD]) for name in body if name not in schema)
    clean = {}
    for name, field in schema.items():
        if name not in body:
            if field.required:
                errors[name] = [REQUIRED]
        elif body[name] is None:
            if field.null:
                clean[name] = None
            else:
                errors[name] = [NOT_NULL]
        else:
            try:
                clean[name] = CHECKS[field.kind](body[name], field)
            except Invalid as exc:
                errors[name] = exc.detail
    if errors:
        raise fail(400, fields=errors)
    return clean


def read_body(request):
    """The JSON object of a request; an empty body is ``{}`` (as in DRF)."""
    if not request.body.strip():
        return {}
    try:
        data = json.loads(request.body.decode('utf-8'))
    except ValueError as exc:  # includes UnicodeDecodeError
        raise fail(400, 'parse_error', 'JSON parse error - %s' % exc) from None
    if not isinstance(data, dict):
        raise fail(400, fields={'non_field_errors': ['Invalid data. Expected a dictionary, but got %s.'
                                                     % _type_name(data)]})
    return data


def query_values(request, name, kind='str', choices=(), also=()):
    """The values of a (repeatable) query filter, blanks dropped; 400 on a value of the wrong kind.

    ``kind`` is ``str``, ``uuid`` (values in ``also``, such as ``me``, pass as they are), ``bool``
    (``true``/``false``, returned as Python booleans) or ``choice`` (one of ``choices``).
    """
    values = []
    for value in request.query_all(name):
        if value == '':
            continue
        if value in also or kind == 'str':
            values.append(value)
        elif kind == 'uuid':
            try:
                values.append(str(uuid.UUID(value)))
            except ValueError:
                raise fail(400, fields={name: ['Enter a valid UUID.']}) from None
        elif kind == 'bool' and value.lower() in ('true', 'false', '1', '0'):
            values.append(value.lower() in ('true', '1'))
        elif kind == 'choice' and value in choices:
            values.append(value)
        else:
            raise fail(400, fields={name: [INVALID_CHOICE % value]})
    return values


def query_int(request, name, default, minimum, maximum=None):
    text = (request.query_first(name) or '').strip()
    if not text:
        return default
    try:
        number = int(text)
    except ValueError:
        raise fail(400, fields={name: ['A valid integer is required.']}) from None
    if number < minimum:
        raise fail(400, fields={name: ['Ensure this value is greater than or equal to %d.' % minimum]})
    if maximum is not None and number > maximum:
        raise fail(400, fields={name: ['Ensure this value is less than or equal to %d.' % maximum]})
    return number


def listing(request, objects, render, orderings, default_ordering, check=None):
    """The one list helper: ``?ordering=`` (comma-separated keys of ``orderings``, ``-`` for
    descending; anything else is a 400, strict reading), ``?limit=`` (1..100: the route table's
    bounds read strictly, so 0 and 101 are 400s rather than clamped) and ``?offset=``; ``check``
    runs on each object of the page (DRF's per-object permission check on paginated results).
    Answers ``{count, items}``."""
    ordering = [key.strip() for key in (request.query_first('ordering') or default_ordering).split(',') if key.strip()]
    unknown = [key for key in ordering if key.lstrip('-') not in orderings]
    if unknown:
        raise fail(400, fields={'ordering': [INVALID_CHOICE % unknown[0]]})
    limit = query_int(request, 'limit', DEFAULT_LIMIT, 1, MAX_LIMIT)
    offset = query_int(request, 'offset', 0, 0)
    ordered = list(objects)
    for key in reversed(ordering):  # stable sorts, least significant key first
        ordered.sort(key=orderings[key.lstrip('-')], reverse=key.startswith('-'))
    page = ordered[offset:offset + limit]
    if check is not None and not all(check(obj) for obj in page):
        raise fail(403, 'permission_denied')
    return Response(200, {'count': len(ordered), 'items': [render(obj) for obj in page]})


BY_CREATED = {'created_at': lambda obj: obj['created_at']}

# method, path under /api/v1 (a final '?' makes the trailing slash optional), handler, permission
# (None: any valid token; PUBLIC: no token needed). Other methods on these paths answer 405.
ROUTES = (
    ('GET', '/platform-tokens/me/', 'get_me', None),
    ('GET', '/applications/', 'list_applications', 'applications:read'),
    ('POST', '/applications/', 'create_application', 'applications:write'),
    ('GET', '/applications/{app_id}/?', 'get_application', 'applications:read'),
    ('POST', '/applications/{app_id}/update-allow-consume-global/', 'update_allow_consume_global',
     'applications:write'),
    ('GET', '/services/', 'list_services', PUBLIC),
    ('GET', '/services/{ref}/?', 'get_service', PUBLIC),
    ('GET', '/credentials/', 'list_credentials', 'credentials:read'),
    ('POST', '/credentials/', 'create_credential', 'credentials:write'),
    ('GET', '/credentials/{cred_id}/?', 'get_credential', 'credentials:read'),
    # PUT /credentials/{id} (the raw serializer, "avoid" in the reference) is not emulated: it answers
    # 405 here, so a client that uses it is noticed.
    ('PATCH', '/credentials/{cred_id}/?', 'update_credential', 'credentials:write'),
    ('DELETE', '/credentials/{cred_id}/?', 'delete_credential', 'credentials:write'),
    ('POST', '/credentials/{cred_id}/rotate/', 'rotate_credential', 'credentials:write'),
)


class AceDataPlugin(ApiPlugin):
    """The Ace Data Cloud platform API (see the module docstring for the seed and config)."""

    name = 'acedata'
    prefixes = (PREFIX,)

    def __init__(self, emulator):
        super().__init__(emulator)
        self.clock = None
        self.tokens = {}
        self.users = {}
        self.services = {}
        self.applications = {}
        self.credentials = {}

    # -- plugin hooks ------------------------------------------------------------------------------
    def register(self):
        for method, path, handler, permission in ROUTES:
            paths = (path[:-1], path[:-2]) if path.endswith('/?') else (path,)
            wrapped = self._bind(getattr(self, handler), permission)
            for each in paths:
                self.emulator.route(self.name, method, PREFIX + each)(wrapped)

    def _bind(self, handler, permission):
        def route(request):
            try:
                caller = self.authenticate(request, public=permission == PUBLIC)
                if permission not in (None, PUBLIC) and permission not in caller.permissions:
                    raise fail(403, 'permission_denied')
                return handler(request, caller, **request.params)
            except Problem as problem:
                return problem.response
        return route

    def reset(self, seed):
        self.clock = None
        self.tokens, self.users, self.services = {}, {}, {}
        self.applications, self.credentials = {}, {}
        self.add(seed or {})

    def add(self, data):
        for spec in data.get('users') or []:
            user = self.record({'id': None, 'username': None, 'email': None, 'nickname': None, 'avatar': None,
                                'is_superuser': False}, spec)
            self.users[user['id']] = user
        for spec in data.get('tokens') or []:
            token = self.record({'token': None, 'user_id': None, 'permissions': list(USER_PERMISSIONS)}, spec)
            self.tokens[token['token']] = token
        for spec in data.get('services') or []:
            service = self.record({'id': str(uuid.uuid4()), 'alias': None, 'title': None, 'type': 'Api', 'unit': 'Credit',
                                   'free_amount': 0, 'cost': None, 'packages': [], 'api_ids': [], 'proxy_ids': [],
                                   'tags': [], 'private': False, 'rank': 0, 'metadata': None, 'created_at': None,
                                   'updated_at': None}, spec)
            self.services[service['id']] = service
        for spec in data.get('applications') or []:
            self.new_application(spec, spec.get('user_id') or self.default_user())
        for spec in data.get('credentials') or []:
            if spec.get('application_id') not in self.applications:
                raise ValueError('acedata seed: credential for unknown application %r' % spec.get('application_id'))
            self.new_credential(spec, spec.get('user_id'))

    def dump(self):
        return copy.deepcopy({
            'tokens': list(self.tokens.values()),
            'users': list(self.users.values()),
            'services': list(self.services.values()),
            'applications': [self.render_application(app) for app in self.applications.values()],
            'credentials': list(self.credentials.values()),
        })

    def auth_kind(self, request):
        scheme = (request.headers.get('authorization') or '').strip().partition(' ')[0]
        return 'bearer' if scheme.lower() == 'bearer' else None

    # redact(): the base class's is right here: request bodies carry no secrets on this API (the
    # bearer token travels in a header, which the log never holds).

    def no_route(self, request, method_not_allowed):
        try:
            if not method_not_allowed:
                raise fail(404, 'not_found')
            # DRF authenticates before it looks the method up, so a bad token is a 401 even here.
            self.authenticate(request, public=request.path.startswith(PREFIX + '/services/'))
            allowed = sorted(set(method for method, regex, _func, api in self.emulator.routes
                                 if api == self.name and regex.match(request.path)))
            raise fail(405, 'method_not_allowed', 'Method "%s" not allowed.' % request.method,
                       headers={'Allow': ', '.join(allowed)})
        except Problem as problem:
            return problem.response

    # -- state helpers -----------------------------------------------------------------------------
    def now(self):
        """The current time in the platform format, strictly increasing (so ordering is stable)."""
        moment = datetime.datetime.now(UTC)
        if self.clock is not None and moment <= self.clock:
            moment = self.clock + datetime.timedelta(microseconds=1)
        self.clock = moment
        return format_time(moment)

    def record(self, defaults, spec):
        """A stored object: ``defaults`` overridden by the keys of ``spec`` they name; times are
        normalised, a missing ``created_at`` is now and a missing ``updated_at`` is ``created_at``."""
        obj = dict((key, copy.deepcopy(spec.get(key, value))) for key, value in defaults.items())
        for key in ('created_at', 'updated_at', 'expired_at'):
            if obj.get(key) is not None:
                obj[key] = normalise_time(obj[key])
        if 'created_at' in obj:
            obj['created_at'] = obj['created_at'] or self.now()
            obj['updated_at'] = obj['updated_at'] or obj['created_at']
        return obj

    def default_user(self):
        return next(iter(self.tokens.values()))['user_id'] if self.tokens else None

    def new_application(self, spec, user_id):
        service = self.services.get(spec.get('service_id'))
        app = self.record({
            'id': str(uuid.uuid4()), 'user_id': user_id, 'service_id': None, 'type': 'Usage', 'scope': 'Individual',
            # "if the service has free_amount>0 the free quota is obtained on creation" (section 3.3)
            'remaining_amount': service['free_amount'] if service else 0, 'used_amount': 0, 'paid': False,
            'disabled': False, 'allow_consume_global': True, 'expired_at': None, 'packages': [], 'tags': None,
            'metadata': None, 'created_at': None, 'updated_at': None}, spec)
        app['user_id'] = user_id
        if app['allow_consume_global'] is None:
            # Nullable in the body schema, a bool in the object: null means "the default", true as in
            # the create example (unknown upstream).
            app['allow_consume_global'] = True
        self.applications[app['id']] = app
        # "the system will automatically generate an access key" (create doc): one credential per new
        # application. (The doc's response example shows "credentials": []; the prose is followed.)
        for cred in spec.get('credentials', [{}]):
            self.new_credential(dict(cred, application_id=app['id']), cred.get('user_id'))
        return app

    def new_credential(self, spec, holder=None):
        owner = self.applications[spec['application_id']]['user_id']
        cred = self.record({
            'id': str(uuid.uuid4()), 'user_id': holder or owner, 'application_id': None, 'creator_id': owner,
            'type': 'Token', 'token': new_token(), 'username': None, 'password': None, 'name': None, 'host': None,
            'limited_amount': None, 'used_amount': 0, 'expired_at': None, 'allowed_api_ids': None, 'tags': None,
            'metadata': None, 'created_at': None, 'updated_at': None}, spec)
        cred['user_id'] = holder or owner
        self.credentials[cred['id']] = cred
        return cred

    def known_user(self, user_id):
        return user_id in self.users or any(token['user_id'] == user_id for token in self.tokens.values())

    # -- auth and visibility -----------------------------------------------------------------------
    def authenticate(self, request, public=False):
        """The caller of a request; ``None`` on a public route without a bearer token."""
        scheme, _sep, token = (request.headers.get('authorization') or '').strip().partition(' ')
        if scheme.lower() != 'bearer':
            if public:
                return None
            raise fail(401, 'not_authenticated', headers=WWW_AUTHENTICATE)
        # Only seeded platform tokens are accepted: a service key (sk-...) is rejected with 401.
        record = self.tokens.get(token.strip())
        if record is None:
            raise fail(401, 'authentication_failed', headers=WWW_AUTHENTICATE)
        user = self.users.get(record['user_id']) or {}
        return Caller(record['user_id'], tuple(record['permissions']), bool(user.get('is_superuser')))

    def owner_filter(self, request, caller):
        """The set of user ids in ``?user_id=`` (``me`` expanded), or None when not given.

        Naming another user is a 403 unless the caller is a superuser (the reference: user_id
        scopes owner queries; a normal account sees only its own objects).
        """
        owners = set(caller.user_id if value == 'me' else value
                     for value in query_values(request, 'user_id', 'uuid', also=('me',)))
        if not caller.superuser and owners - {caller.user_id}:
            raise fail(403, 'permission_denied')
        return owners or None

    def is_owner(self, app, caller):
        return caller is None or caller.superuser or app['user_id'] == caller.user_id

    def holders(self, app):
        return set(cred['user_id'] for cred in self.credentials.values() if cred['application_id'] == app['id'])

    def can_see_application(self, app, caller):
        return self.is_owner(app, caller) or caller.user_id in self.holders(app)

    def can_see_credential(self, cred, caller):
        return self.is_owner(self.applications[cred['application_id']], caller) or cred['user_id'] == caller.user_id

    def find_application(self, app_id, caller):
        # Another user's application is a 404, not a 403 (unknown upstream; strict reading: it does
        # not exist for the caller, as DRF answers for an object outside the view's queryset).
        app = self.applications.get(app_id)
        if app is None or not self.can_see_application(app, caller):
            raise fail(404, 'not_found')
        return app

    def find_credential(self, cred_id, caller):
        cred = self.credentials.get(cred_id)
        if cred is None or not self.can_see_credential(cred, caller):
            raise fail(404, 'not_found')
        return cred

    # -- rendering ---------------------------------------------------------------------------------
    def render_application(self, app, caller=None):
        """The application object of section 3.1 as ``caller`` sees it (None: the owner's view).

        A grantee (who holds a credential of another user's application) sees only its own
        credentials and ``role: grantee``.
        """
        owner_view = self.is_owner(app, caller)
        service = self.services.get(app['service_id'])
        computed = {
            'credentials': [dict(cred) for cred in self.credentials.values() if cred['application_id'] == app['id']
                            and (owner_view or cred['user_id'] == caller.user_id)],
            'service': {'id': service['id'], 'alias': service['alias'], 'name': service['title']} if service else None,
        }
        obj = dict((key, computed[key] if key in computed else copy.deepcopy(app[key])) for key in APPLICATION_FIELDS)
        if not owner_view:
            obj['role'] = 'grantee'
        return obj

    def listed_application(self, app, caller):
        """An application as a list item: as the detail, or thinner with the reading list_thin."""
        obj = self.render_application(app, caller)
        if self.emulator.reading('list_thin'):
            for key in ('tags', 'metadata', 'expired_at', 'credentials'):
                obj.pop(key, None)
        return obj

    def listing(self, request, objects, render, orderings, default_ordering, check=None):
        """``listing`` with the reading results_key: ``{count, results}`` instead of ``{count, items}``."""
        response = listing(request, objects, render, orderings, default_ordering, check)
        if self.emulator.reading('results_key') and response.status == 200:
            response.body['results'] = response.body.pop('items')
        return response

    def applied_count(self, service):
        return sum(1 for app in self.applications.values() if app['service_id'] == service['id'])

    def render_service(self, service, caller):
        obj = copy.deepcopy(service)
        obj['applied'] = caller is not None and any(
            app['service_id'] == service['id'] and app['user_id'] == caller.user_id for app in self.applications.values())
        obj['applied_count'] = self.applied_count(service)
        return obj

    # -- platform tokens ---------------------------------------------------------------------------
    def get_me(self, _request, caller):
        user = self.users.get(caller.user_id) or {}
        return Response(200, {'id': caller.user_id, 'username': user.get('username'), 'email': user.get('email'),
                              'nickname': user.get('nickname'), 'avatar': user.get('avatar'),
                              'permissions': list(caller.permissions)})

    # -- applications ------------------------------------------------------------------------------
    def list_applications(self, request, caller):
        owners = self.owner_filter(request, caller)
        service_ids = query_values(request, 'service_id', 'uuid')
        types = query_values(request, 'type', 'choice', APP_TYPES)
        scopes = query_values(request, 'scope', 'choice', APP_SCOPES)
        # affiliation is "only meaningful when user_id is set" and defaults to owner then.
        affiliation = query_values(request, 'affiliation', 'choice', AFFILIATIONS) or ['owner']
        apps = [app for app in self.applications.values()
                if (not service_ids or app['service_id'] in service_ids) and (not types or app['type'] in types)
                and (not scopes or app['scope'] in scopes)]
        check = None
        if owners is not None:
            apps = [app for app in apps if ('owner' in affiliation and app['user_id'] in owners)
                    or ('granted' in affiliation and app['user_id'] not in owners and self.holders(app) & owners)]
        elif not caller.superuser:
            # Without user_id a normal account gets 403 as soon as the page holds an object that is
            # not its own (section 2, "Owner scoping").
            check = functools.partial(self.can_see_application, caller=caller)
        return self.listing(request, apps, lambda app: self.listed_application(app, caller), BY_CREATED,
                            '-created_at', check)

    def create_application(self, request, caller):
        data = validate(read_body(request), APPLICATION_CREATE)
        data.setdefault('type', 'Usage')
        data.setdefault('scope', 'Individual')
        service_id = data.get('service_id')
        if data['scope'] == 'Individual' and service_id is None:
            raise fail(400, fields={'service_id': [REQUIRED]})
        if data['scope'] == 'Global' and service_id is not None:
            raise fail(400, fields={'service_id': [NOT_WITH_GLOBAL]})
        if service_id is not None and service_id not in self.services:
            raise fail(400, fields={'service_id': [INVALID_PK % service_id]})
        # One application per (user, service, type, scope). The status of the duplication error is
        # undocumented (400 or 409); 400 is chosen, with the documented body code "duplication".
        if any((app['user_id'], app['service_id'], app['type'], app['scope'])
               == (caller.user_id, service_id, data['type'], data['scope']) for app in self.applications.values()):
            raise fail(400, 'duplication')
        app = self.new_application(data, caller.user_id)
        answer = self.render_application(app, caller)
        if self.emulator.reading('create_without_key'):
            answer['credentials'] = []  # as the documented create example shows it
        return Response(201, answer)

    def get_application(self, _request, caller, app_id):
        return Response(200, self.render_application(self.find_application(app_id, caller), caller))

    def update_allow_consume_global(self, request, caller, app_id):
        app = self.find_application(app_id, caller)
        if not self.is_owner(app, caller):  # a grantee sees the application but may not change it
            raise fail(403, 'permission_denied')
        data = validate(read_body(request), ALLOW_CONSUME_GLOBAL)
        app['allow_consume_global'] = data['allow_consume_global']
        app['updated_at'] = self.now()
        if self.emulator.reading('partial_update'):
            # As the vendor's own client tests mock the answer.
            return Response(200, {'allow_consume_global': app['allow_consume_global']})
        return Response(200, self.render_application(app, caller))

    # -- services ----------------------------------------------------------------------------------
    def list_services(self, request, caller):
        # ?alias= is deliberately not a filter: the reference says the server ignores it, so clients
        # must page the listing and match the alias themselves.
        ids = query_values(request, 'id', 'uuid')
        types = query_values(request, 'type', 'choice', SERVICE_TYPES)
        tags = query_values(request, 'tag')
        private = query_values(request, 'private', 'bool')
        services = [svc for svc in self.services.values()
                    if (not ids or svc['id'] in ids) and (not types or svc['type'] in types)
                    and (not tags or set(tags) & set(svc['tags'] or [])) and (not private or svc['private'] in private)]
        orderings = dict(BY_CREATED, rank=lambda svc: svc['rank'], updated_at=lambda svc: svc['updated_at'],
                         applied_count=self.applied_count)
        return self.listing(request, services, lambda svc: self.render_service(svc, caller), orderings, 'rank')

    def get_service(self, _request, caller, ref):
        if self.emulator.config.get('acedata_service_detail_broken'):
            # The reference reports the detail route broken (500) in June 2026; the flag brings that
            # back for every lookup (by alias and by UUID), so clients must fall back to the listing.
            raise fail(500, 'error')
        try:
            key = str(uuid.UUID(ref))
        except ValueError:
            key = ref
        for svc in self.services.values():
            if key == svc['id'] or ref == svc['alias']:
                return Response(200, self.render_service(svc, caller))
        raise fail(404, 'not_found')

    # -- credentials -------------------------------------------------------------------------------
    def list_credentials(self, request, caller):
        owners = self.owner_filter(request, caller)
        app_ids = query_values(request, 'application_id', 'uuid')
        hosts = query_values(request, 'host')
        names = query_values(request, 'name')
        granted = query_values(request, 'granted', 'bool')
        creds = [cred for cred in self.credentials.values()
                 if (owners is None or cred['user_id'] in owners) and (not app_ids or cred['application_id'] in app_ids)
                 and (not hosts or cred['host'] in hosts) and (not names or cred['name'] in names)
                 and (not granted or self.is_granted(cred) in granted)]
        check = None
        if owners is None and not caller.superuser:
            check = functools.partial(self.can_see_credential, caller=caller)
        return self.listing(request, creds, self.listed_credential, BY_CREATED, '-created_at', check)

    def listed_credential(self, cred):
        """A credential as a list item: as the detail, or thinner with the reading list_thin."""
        obj = dict(cred)
        if self.emulator.reading('list_thin'):
            for key in CREDENTIAL_THIN:
                obj.pop(key, None)
        return obj

    def is_granted(self, cred):
        return cred['user_id'] != self.applications[cred['application_id']]['user_id']

    def create_credential(self, request, caller):
        data = validate(read_body(request), CREDENTIAL_CREATE)
        app = self.applications.get(data['application_id'])
        if app is None or not self.can_see_application(app, caller):
            raise fail(400, fields={'application_id': [INVALID_PK % data['application_id']]})
        if not self.is_owner(app, caller):
            # "The backend ... 404s any grantee POST /credentials" (section 4.2).
            raise fail(404, 'not_found')
        holder = data.pop('for_user_id', None)
        if holder is not None and not self.known_user(holder):
            raise fail(400, fields={'for_user_id': [INVALID_PK % holder]})
        # The full token is in the answer, and in every later read (section 4.1). 201 as in DRF.
        return Response(201, dict(self.new_credential(data, holder)))

    def get_credential(self, _request, caller, cred_id):
        return Response(200, dict(self.find_credential(cred_id, caller)))

    def update_credential(self, request, caller, cred_id):
        cred = self.find_credential(cred_id, caller)
        cred.update(validate(read_body(request), CREDENTIAL_UPDATE))
        cred['updated_at'] = self.now()
        if self.emulator.reading('partial_update'):
            return Response(200, {'id': cred['id']})  # as the vendor's MCP client tests mock the answer
        return Response(200, dict(cred))

    def delete_credential(self, _request, caller, cred_id):
        cred = self.credentials.pop(self.find_credential(cred_id, caller)['id'])
        if self.emulator.reading('delete_200_body'):
            # What the vendor's SDK needs to work: it decodes every 2xx answer as JSON.
            return Response(200, dict(cred))
        return Response(204)  # the documented answer (platform-credential-delete)

    def rotate_credential(self, _request, caller, cred_id):
        if self.emulator.reading('rotate_recreate'):
            # The backend's route table (mcp-acedatacloud's management_surface.json) has no rotate
            # route; Django answers an unknown path with 404, as no_route does.
            raise fail(404, 'not_found')
        # Same id, new token, used_amount kept; the old token stops working at once.
        cred = self.find_credential(cred_id, caller)
        cred['token'] = new_token()
        cred['updated_at'] = self.now()
        return Response(200, dict(cred))


def new_token():
    return 'sk-' + uuid.uuid4().hex
