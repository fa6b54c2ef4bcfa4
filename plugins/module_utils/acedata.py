# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ace Data Cloud platform API: bearer auth, its error shapes, listings, and Applications."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import difflib
import re

from ansible.module_utils.basic import env_fallback
from ansible_collections.apiops.provisioning.plugins.module_utils.resource import (
    Resource,
    ValidationError,
    check_items,
    check_pattern,
    settle,
)
from ansible_collections.apiops.provisioning.plugins.module_utils.transport import (
    ApiError,
    Transport,
    check_connection_options,
    summarise_body,
)

try:
    from urllib.parse import quote
except ImportError:  # pragma: no cover
    from urllib import quote  # type: ignore

DEFAULT_URL = 'https://platform.acedata.cloud'
PAGE_LIMIT = 100  # the largest page the platform's list routes accept
UUID_PATTERN = re.compile(r'^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$')
ALIAS_PATTERN = r'^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$'
ISO_PATTERN = re.compile(r'^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?'
                         r'(Z|[+-]\d{2}:?\d{2})?$')

CONNECTION_ARGSPEC = dict(
    # Required, but checked by validate_common_options: its message names the environment variable.
    api_token=dict(type='str', no_log=True, fallback=(env_fallback, ['ACEDATACLOUD_PLATFORM_TOKEN'])),
    api_url=dict(type='str', fallback=(env_fallback, ['ACEDATACLOUD_PLATFORM_URL']), default=DEFAULT_URL),
    validate_certs=dict(type='bool', default=True),
    timeout=dict(type='float', default=30.0),
    retries=dict(type='int', default=4),
    retry_max_delay=dict(type='float', default=30.0),
)

APPLICATION_ITEM_ARGSPEC = dict(
    service=dict(type='str'),
    type=dict(type='str', default='Usage', choices=['Usage', 'Period']),
    scope=dict(type='str', default='Individual', choices=['Individual', 'Global']),
    allow_consume_global=dict(type='bool'),
    tags=dict(type='list', elements='str'),
    metadata=dict(type='dict'),
    expired_at=dict(type='str'),
)

APPLICATION_ARGSPEC = dict(
    APPLICATION_ITEM_ARGSPEC,
    reveal_credentials=dict(type='bool', default=False),
    state=dict(type='str', default='present', choices=['present']),
)

SERVICE_TYPES = ['Api', 'Proxy', 'Integration', 'Dataset', 'Introduction', 'Agent']
SERVICE_INFO_ARGSPEC = dict(
    service=dict(type='str'),
    search=dict(type='str'),
    type=dict(type='str', choices=SERVICE_TYPES),
)

INFO_ARGSPEC = dict(
    service=dict(type='str'),
    type=dict(type='str', choices=['Usage', 'Period']),
    scope=dict(type='str', choices=['Individual', 'Global']),
    reveal_credentials=dict(type='bool', default=False),
)


# ---------------------------------------------------------------------------------------------
# Transport pieces
# ---------------------------------------------------------------------------------------------
class BearerAuth:
    kind = 'bearer'

    def __init__(self, token):
        self.token = token

    def apply(self, method, url, headers, body):
        if self.token:  # the public routes (the service listing) need none
            headers['Authorization'] = 'Bearer %s' % self.token

    def renew(self):
        return False  # platform tokens do not expire; a 401 is final


def parse_error(status, data, text, headers):
    """(code, message, request id) from the platform's error shapes.

    ``{"detail": str | {field: msg}, "code": str}``, ``{"error": {"code", "message"}}`` and DRF
    field errors ``{"field": ["msg", ...]}`` are all met.
    """
    code = message = None
    if isinstance(data, dict):
        if isinstance(data.get('error'), dict):
            code, message = data['error'].get('code'), data['error'].get('message')
        elif 'detail' in data:
            code, message = data.get('code'), _flatten(data['detail'])
        elif data:
            message = _flatten(data)
    elif isinstance(data, list) and data:
        message = _flatten(data)
    if not message:
        message = summarise_body(text) or 'HTTP %s with an empty body' % status
    request_id = headers.get('X-Request-Id') or (data.get('trace_id') if isinstance(data, dict) else None)
    return code, message, request_id


TOKEN_HINT = ('the platform API takes a platform token, which starts with "platform-" (create one in the platform '
              'console); a service key, the one that calls api.acedata.cloud, does not work here')


def parse_error_with_hint(status, data, text, headers):
    """``parse_error``, with what to do about a refused token (HTTP 401) added to the message."""
    code, message, request_id = parse_error(status, data, text, headers)
    if status == 401:
        message = '%s Hint: %s.' % (message, TOKEN_HINT)
    return code, message, request_id


def _flatten(detail):
    if isinstance(detail, dict):
        return '; '.join('%s: %s' % (key, _flatten(value)) for key, value in sorted(detail.items()))
    if isinstance(detail, list):
        return ' '.join(_flatten(item) for item in detail)
    return '%s' % (detail,)


class AceData:
    """The platform API (``<api_url>/api/v1``): one session per module run."""

    def __init__(self, params):
        self.params = params
        check_connection_options(params, ('api_url',), ('api_token',))
        base = params['api_url'].rstrip('/')
        if base.endswith('/api/v1'):
            base = base[:-len('/api/v1')]
        self.transport = Transport(base + '/api/v1', parse_error_with_hint, auth=BearerAuth(params['api_token']),
                                   timeout=params.get('timeout', 30.0),
                                   validate_certs=params.get('validate_certs', True),
                                   retries=params.get('retries', 4), retry_max_delay=params.get('retry_max_delay', 30.0),
                                   user_agent='apiops.provisioning (acedata)')
        self._services = {}

    def request(self, method, path, **kwargs):
        return self.transport.request(method, path, **kwargs)

    def list_all(self, path, query=None):
        """Every item of a ``{count, items}`` listing (``results`` in older answers), page by page."""
        def extract(data):
            items = data.get('items')
            if items is None:
                items = data.get('results') or []
            return items, data.get('count')
        return list(self.transport.paginate(path, query, extract, PAGE_LIMIT))

    def service_id(self, reference):
        """The UUID of a service given by UUID (no request) or by alias.

        An alias is read from the detail route (one request, not retried: the reference reports
        it unreliable); when that fails, the public listing is paged and matched exactly.
        """
        if UUID_PATTERN.fullmatch(reference):
            return reference.lower()
        if reference not in self._services:
            self._services[reference] = self._resolve_alias(reference)
        return self._services[reference]

    def _resolve_alias(self, alias):
        try:
            found = self.request('GET', '/services/%s' % quote(alias, safe=''), retries=0).data or {}
            if isinstance(found, dict) and found.get('alias') == alias and found.get('id'):
                return found['id']
        except ApiError as exc:
            if exc.status in (401, 403):  # the listing would be refused the same way
                raise
        services = self.list_all('/services/')
        for service in services:
            if service.get('alias') == alias:
                return service['id']
        raise ValidationError(unknown_alias_message(alias, [service.get('alias') for service in services]))

    def close(self):
        self.transport.close()


# ---------------------------------------------------------------------------------------------
# Applications
# ---------------------------------------------------------------------------------------------
def parse_time(value):
    """An ISO 8601 date-time as an aware UTC datetime, or None when it is not one."""
    match = ISO_PATTERN.fullmatch(value or '')
    if not match:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    try:
        moment = datetime.datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0),
                                   int(second or 0), int((fraction or '0')[:6].ljust(6, '0')))
    except ValueError:
        return None
    offset = datetime.timedelta(0)
    if zone and zone != 'Z':
        sign = -1 if zone[0] == '-' else 1
        digits = zone[1:].replace(':', '')
        if int(digits[:2]) > 23 or int(digits[2:]) > 59:
            return None
        offset = sign * datetime.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    try:
        return (moment - offset).replace(tzinfo=datetime.timezone.utc)
    except OverflowError:  # an offset that takes the instant out of the calendar's range
        return None


def normalise_time(value):
    """``YYYY-MM-DDTHH:MM:SS[.ffffff]Z`` in UTC, so that equal instants compare equal."""
    moment = parse_time(value)
    if moment is None:
        return value
    text = moment.strftime('%Y-%m-%dT%H:%M:%S')
    if moment.microsecond:
        text += '.%06d' % moment.microsecond
    return text + 'Z'


def unknown_alias_message(alias, aliases):
    """The error for a service alias that no service has: the closest aliases, and how to list them all."""
    close = difflib.get_close_matches(alias, sorted(a for a in aliases if a), n=3, cutoff=0.6)
    text = 'service: no Ace Data Cloud service has the alias %r' % alias
    if close:
        text += '; did you mean %s?' % ' or '.join(repr(a) for a in close)
    return text + (' (apiops.provisioning.acedata_service_info lists every service with its alias, for example: '
                   'ansible localhost -m apiops.provisioning.acedata_service_info)')


def validate_common_options(params):
    """Checks shared by the acedata modules: the connection and the service reference."""
    if params.get('api_token') is None:
        raise ValidationError('api_token is required: give the Ace Data Cloud platform token as api_token, or set the '
                              'ACEDATACLOUD_PLATFORM_TOKEN environment variable (a platform token starts with '
                              '"platform-"; create one in the platform console)')
    if not params['api_token'].strip():
        raise ValidationError('api_token must not be empty (set it, or the ACEDATACLOUD_PLATFORM_TOKEN environment variable)')
    _check_service(params)


def _check_service(params):
    check_pattern(params, 'service', ALIAS_PATTERN, 'must be a service UUID or alias (letters, digits, "-", "_", ".")')


def validate_application_fields(params):
    """The checks of acedata_application's own options (not the connection's)."""
    scope = params.get('scope') or 'Individual'
    if params.get('service') is None and scope == 'Individual':
        raise ValidationError('service is required when scope is Individual')
    if params.get('service') is not None and scope == 'Global':
        raise ValidationError('service is not allowed when scope is Global (a Global application covers every service)')
    _check_service(params)
    if params.get('expired_at') is not None and parse_time(params['expired_at']) is None:
        raise ValidationError('expired_at: %r is not an ISO 8601 date-time (for example 2027-01-31T00:00:00Z)'
                              % params['expired_at'])
    check_items(params, 'tags', lambda tag: None if tag.strip() and len(tag) <= 255 else
                'must be a non-empty string of at most 255 characters')


def validate_application_options(params):
    validate_application_fields(params)
    validate_common_options(params)


def mask_credentials(application, reveal):
    """The application with every credential secret cut to its last four characters."""
    if reveal or not application:
        return application
    application = dict(application)
    masked = []
    for credential in application.get('credentials') or []:
        credential = dict(credential)
        for key in ('token', 'password'):
            if credential.get(key):
                credential[key] = '*' * 8 + credential[key][-4:]
        masked.append(credential)
    application['credentials'] = masked
    return application


def owned_applications(applications, service_id, app_type, scope):
    """The caller's own applications for (service id, type, scope) among ``applications``, newest
    first (``service_id`` None for a Global application). The single and the list form both pick
    an application with this function."""
    found = [app for app in applications
             if app.get('type') == app_type and app.get('scope') == scope and app.get('role') != 'grantee'
             and (app.get('service_id') or None) == service_id]
    oldest = datetime.datetime.min.replace(tzinfo=datetime.timezone.utc)
    found.sort(key=lambda app: parse_time(app.get('created_at')) or oldest, reverse=True)
    return found


class Application(Resource):
    """The caller's application for one (service, type, scope)."""

    kind = 'application'
    result_key = 'application'
    fields = ('allow_consume_global', 'tags', 'metadata', 'expired_at')
    create_only = ('tags', 'metadata', 'expired_at')

    def __init__(self, module, shared=None):
        super(Application, self).__init__(module, shared)
        self.client = shared.client if shared is not None else AceData(module.params)

    @classmethod
    def validate(cls, params):
        validate_application_options(params)

    # -- list runs (``applications``) ------------------------------------------------------------
    @classmethod
    def validate_connection(cls, params):
        validate_common_options(params)

    @classmethod
    def validate_item(cls, params):
        validate_application_fields(params)

    @classmethod
    def item_key(cls, params):
        service = params.get('service')
        if service and UUID_PATTERN.fullmatch(service):
            service = service.lower()
        return (service, params.get('type'), params.get('scope'))

    @classmethod
    def shared_context(cls, module, items):
        return SharedApplications(module.params, items)

    def identity(self):
        return self._identity()

    def find_shared(self):
        service_id, app_type, scope = self._identity()
        return self._newest(owned_applications(self.shared.applications, service_id, app_type, scope))

    def label(self):
        what = 'Global' if self.params['scope'] == 'Global' else "service '%s'" % self.params['service']
        return '%s %s application for %s' % (self.params['type'], self.params['scope'], what)

    def _identity(self):
        service = self.params.get('service')
        return (self.client.service_id(service) if service else None, self.params['type'], self.params['scope'])

    def show(self, app_id):
        """The application from its detail route (no trailing slash, as the backend's routes)."""
        return self.client.request('GET', '/applications/%s' % quote(app_id, safe='')).data or {}

    def find(self):
        service_id, app_type, scope = self._identity()
        query = {'user_id': 'me', 'affiliation': 'owner', 'type': app_type, 'scope': scope,
                 'ordering': '-created_at', 'service_id': service_id}
        return self._newest(owned_applications(self.client.list_all('/applications/', query), service_id, app_type, scope))

    def _newest(self, found):
        if not found:
            return None
        if len(found) > 1:
            self.module.warn('%d applications match the %s; managing the newest, %s (others: %s)' % (
                len(found), self.label(), found[0].get('id'), ', '.join(app.get('id', '?') for app in found[1:])))
        return found[0]

    def view(self, obj):
        # What the diff shows: null stays null, as in the returned application.
        return {'service_id': obj.get('service_id'), 'type': obj.get('type'), 'scope': obj.get('scope'),
                'allow_consume_global': obj.get('allow_consume_global'),
                'tags': sorted(obj['tags']) if obj.get('tags') is not None else None, 'metadata': obj.get('metadata'),
                'expired_at': normalise_time(obj.get('expired_at')) if obj.get('expired_at') else None}

    def changes(self, current, desired):
        want = dict(desired)
        if 'tags' in want:
            want['tags'] = sorted(want['tags'])
        if 'expired_at' in want:
            want['expired_at'] = normalise_time(want['expired_at'])
        have = self.view(current)
        for key, empty in (('tags', []), ('metadata', {})):  # no tags is no tags, null or empty
            if have.get(key) is None and want.get(key) == empty:
                del want[key]
        return super(Application, self).changes(current, want)

    def create(self, desired):
        service_id, app_type, scope = self._identity()
        body = dict(type=app_type, scope=scope)
        if service_id:
            body['service_id'] = service_id
        body.update(desired)
        answer = self.client.request('POST', '/applications/', body=body).data
        answer = answer if isinstance(answer, dict) else {}
        if not answer.get('id'):
            # A 2xx without the application (an empty or partial answer): find it; a new
            # application may take a moment to show in the listing.
            answer = settle(self.find, lambda found: '' if found else 'no such application is listed yet',
                            'the new %s' % self.label())
        if answer.get('credentials') and all(key in answer for key in self.fields):
            return answer
        # The documented create answer carries "credentials": [] although the platform generates
        # a key with every application (reading ``create_without_key``): read it back, so that
        # the key is returned, as the contract's "as read back" says.
        return dict(answer, **self.show(answer['id']))

    def complete(self, current, desired):
        """The detail of a listed application that lacks an option the task sets, or its
        credentials: list items may carry fewer fields than the detail route (a docs sample has no
        tags, metadata, expired_at or credentials; reading ``list_thin``). A create-only option is
        refused only after the detail has been read, and the application is returned with its keys."""
        if all(key in current for key in desired) and 'credentials' in current:
            return current
        return dict(current, **self.show(current['id']))

    def is_conflict(self, error):
        return error.code == 'duplication'

    def update(self, current, desired, changes):
        # allow_consume_global is the only field an owner can change after creation.
        path = '/applications/%s/update-allow-consume-global/' % quote(current['id'], safe='')
        answer = self.client.request('POST', path, body={'allow_consume_global': changes['allow_consume_global']}).data
        if isinstance(answer, dict) and answer.get('id') == current['id'] and 'credentials' in answer:
            return answer
        # The vendor's own client tests mock the answer as {"allow_consume_global": true}
        # (reading ``partial_update``), and its console ignores it: read the application again.
        return self.show(current['id'])

    def predict(self, current, desired, changes):
        if current is not None:
            return dict(current, **changes)
        service_id, app_type, scope = self._identity()
        predicted = {'id': None, 'service_id': service_id, 'type': app_type, 'scope': scope,
                     'allow_consume_global': True, 'tags': None, 'metadata': None, 'expired_at': None,
                     'credentials': []}
        predicted.update(desired)
        return predicted

    def returned(self, obj):
        return mask_credentials(obj, self.params.get('reveal_credentials'))

    def close(self):
        if self.shared is None:
            self.client.close()


class SharedApplications:
    """The client and the shared reads of an ``applications`` list.

    The caller's applications are listed once (every page) and answer every item; the services'
    aliases are read from that listing's ``service`` objects, and those it does not name from one
    reading of the public service listing when more than one is left (a single one is resolved
    as the single form does).
    """

    def __init__(self, params, items):
        self.client = AceData(params)
        self.aliases = []
        for item in items:
            service = item.get('service')
            if service and not UUID_PATTERN.fullmatch(service) and service not in self.aliases:
                self.aliases.append(service)
        self.applications = []

    def preload(self):
        query = {'user_id': 'me', 'affiliation': 'owner', 'ordering': '-created_at'}
        self.applications = self.client.list_all('/applications/', query)
        known = self.client._services
        for app in self.applications:
            service = app.get('service')
            if isinstance(service, dict) and service.get('alias') in self.aliases and service.get('id') \
                    and app.get('service_id') == service['id']:
                known.setdefault(service['alias'], service['id'])
        left = [alias for alias in self.aliases if alias not in known]
        if len(left) > 1:
            for service in self.client.list_all('/services/'):
                if service.get('alias') in left and service.get('id'):
                    known.setdefault(service['alias'], service['id'])
        # An alias still unknown is resolved (and refused, when no service has it) by its item.

    def close(self):
        self.client.close()


class _Reader:
    """An info module's reader: its options checked, one client, closed after the run."""

    validate = staticmethod(validate_common_options)

    def __init__(self, module):
        self.validate(module.params)  # in run(): its failure is masked like any other
        self.params = module.params
        self.client = AceData(module.params)

    def close(self):
        self.client.close()


class ApplicationInfo(_Reader):
    """The caller's applications, every page, filtered as asked."""

    def gather(self):
        query = {'user_id': 'me', 'ordering': '-created_at', 'type': self.params.get('type'),
                 'scope': self.params.get('scope')}
        if self.params.get('service'):
            query['service_id'] = self.client.service_id(self.params['service'])
        apps = self.client.list_all('/applications/', query)
        for key in ('service_id', 'type', 'scope'):  # re-checked here: the server might ignore a filter
            if query.get(key):
                apps = [app for app in apps if app.get(key) == query[key]]
        reveal = self.params.get('reveal_credentials')
        return dict(changed=False, applications=[mask_credentials(app, reveal) for app in apps])


# ---------------------------------------------------------------------------------------------
# Services (the catalogue: what a service alias names)
# ---------------------------------------------------------------------------------------------
def validate_service_info_options(params):
    """The service listing is public: a token is optional here, but checked when given."""
    if params.get('api_token') is not None and not params['api_token'].strip():
        raise ValidationError('api_token must not be empty (leave it out: the service listing needs none)')
    _check_service(params)
    if params.get('search') is not None and not params['search'].strip():
        raise ValidationError('search must not be empty')


class ServiceInfo(_Reader):
    """The platform's services (every page), filtered by alias or UUID, a search text, a type."""

    validate = staticmethod(validate_service_info_options)

    def gather(self):
        query = {'type': self.params.get('type')}
        reference = self.params.get('service')
        if reference and UUID_PATTERN.fullmatch(reference):
            query['id'] = reference.lower()
        services = self.client.list_all('/services/', query)
        if self.params.get('type'):  # re-checked here: the server might ignore a filter
            services = [svc for svc in services if svc.get('type') == self.params['type']]
        if reference:
            services = [svc for svc in services if reference in (svc.get('alias'), svc.get('id'))
                        or (svc.get('id') or '').lower() == reference.lower()]
        search = (self.params.get('search') or '').strip().casefold()
        if search:
            services = [svc for svc in services
                        if search in (svc.get('alias') or '').casefold() or search in (svc.get('title') or '').casefold()]
        return dict(changed=False, services=services,
                    aliases=sorted(svc['alias'] for svc in services if svc.get('alias')))
