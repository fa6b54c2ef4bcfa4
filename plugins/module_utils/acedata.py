# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ace Data Cloud platform API: bearer auth, its error shapes, listings, service aliases.

The client of the ``acedata_*`` modules, with the checks and time helpers they share; each
platform resource has its own module beside it (``acedata_application``, ``acedata_service``).
"""

import datetime
import difflib
import re

from ansible.module_utils.basic import env_fallback
from ansible_collections.apiops.provisioning.plugins.module_utils.resource import (
    Resource,
    ValidationError,
    check_pattern,
)
from ansible_collections.apiops.provisioning.plugins.module_utils.transport import (
    ApiError,
    TRANSPORT_ARGSPEC,
    Transport,
    check_connection_options,
    summarise_body,
    transport_options,
)

from urllib.parse import quote

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
    **TRANSPORT_ARGSPEC
)


# ---------------------------------------------------------------------------------------------
# Transport pieces
# ---------------------------------------------------------------------------------------------
class BearerAuth:
    """A platform token in ``Authorization: Bearer``; never renewed."""

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
                                   user_agent='apiops.provisioning (acedata)', **transport_options(params))
        self.services = {}  # alias -> service id: resolved here, or learnt from a listing that names it

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
        if reference not in self.services:
            self.services[reference] = self._resolve_alias(reference)
        return self.services[reference]

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
# Times and the checks every acedata module shares
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
    check_service(params)


def check_service(params):
    check_pattern(params, 'service', ALIAS_PATTERN, 'must be a service UUID or alias (letters, digits, "-", "_", ".")')


class InfoReader:
    """An info module's reader: its options checked, one client, closed after the run."""

    validate = staticmethod(validate_common_options)

    def __init__(self, module):
        self.validate(module.params)  # in run(): its failure is masked like any other
        self.params = module.params
        self.client = AceData(module.params)

    def close(self):
        self.client.close()


class PlatformResource(Resource):
    """A resource of the platform: its client (a list run's shared one), its option checks
    (``check_fields``, the resource's own options) and the connection's."""

    check_fields = staticmethod(lambda params: None)

    def __init__(self, module, shared=None):
        super().__init__(module, shared)
        self.client = shared.client if shared is not None else AceData(module.params)

    @classmethod
    def validate(cls, params):
        cls.check_fields(params)
        validate_common_options(params)

    @classmethod
    def validate_connection(cls, params):
        validate_common_options(params)

    @classmethod
    def validate_item(cls, params):
        cls.check_fields(params)

    def close(self):
        if self.shared is None:
            self.client.close()
