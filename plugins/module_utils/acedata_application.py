# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ace Data Cloud applications: the ``acedata_application*`` modules."""

import datetime

from ansible_collections.apiops.provisioning.plugins.module_utils.acedata import (
    UUID_PATTERN,
    AceData,
    InfoReader,
    PlatformResource,
    check_service,
    normalise_time,
    parse_time,
    validate_common_options,
)
from ansible_collections.apiops.provisioning.plugins.module_utils.resource import (
    ValidationError,
    check_items,
    settle,
)

from urllib.parse import quote


def validate_application_fields(params):
    """The checks of acedata_application's own options (not the connection's)."""
    scope = params.get('scope') or 'Individual'
    if params.get('service') is None and scope == 'Individual':
        raise ValidationError('service is required when scope is Individual')
    if params.get('service') is not None and scope == 'Global':
        raise ValidationError('service is not allowed when scope is Global (a Global application covers every service)')
    check_service(params)
    if params.get('expired_at') is not None and parse_time(params['expired_at']) is None:
        raise ValidationError('expired_at: %r is not an ISO 8601 date-time (for example 2027-01-31T00:00:00Z)'
                              % params['expired_at'])
    check_items(params, 'tags', lambda tag: None if tag.strip() and len(tag) <= 255 else
                'must be a non-empty string of at most 255 characters')


def validate_application_options(params):
    validate_application_fields(params)
    validate_common_options(params)


CREDENTIAL_SECRETS = ('token', 'password')


def mask_credential(credential):
    """A credential with its secrets (``token``, ``password``) cut to their last four characters."""
    credential = dict(credential)
    for key in CREDENTIAL_SECRETS:
        if credential.get(key):
            credential[key] = '*' * 8 + credential[key][-4:]
    return credential


def mask_credentials(application, reveal):
    """The application with every credential secret cut to its last four characters."""
    if reveal or not application:
        return application
    application = dict(application)
    application['credentials'] = [mask_credential(credential) for credential in application.get('credentials') or []]
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


def application_query(service_id, app_type, scope):
    """The listing query of the caller's own applications for (service id, type, scope)."""
    return {'user_id': 'me', 'affiliation': 'owner', 'type': app_type, 'scope': scope, 'ordering': '-created_at',
            'service_id': service_id}


def application_label(service, app_type, scope):
    """How an application named by (service reference, type, scope) is named in messages."""
    what = 'Global' if scope == 'Global' else "service '%s'" % service
    return '%s %s application for %s' % (app_type, scope, what)


def newest_application(found, label, warn):
    """The newest of ``found`` (newest first), or None; a warning through ``warn`` when several match."""
    if not found:
        return None
    if len(found) > 1:
        warn('%d applications match the %s; managing the newest, %s (others: %s)' % (
            len(found), label, found[0].get('id'), ', '.join(app.get('id', '?') for app in found[1:])))
    return found[0]


def find_application(client, service, app_type, scope, warn):
    """The caller's newest own application for (service reference, type, scope), or None: the one
    ``acedata_application`` manages (``acedata_credential`` names applications the same way)."""
    service_id = client.service_id(service) if service else None
    listed = client.list_all('/applications/', application_query(service_id, app_type, scope))
    return newest_application(owned_applications(listed, service_id, app_type, scope),
                              application_label(service, app_type, scope), warn)


class Application(PlatformResource):
    """The caller's application for one (service, type, scope)."""

    kind = 'application'
    result_key = 'application'
    fields = ('allow_consume_global', 'tags', 'metadata', 'expired_at')
    create_only = ('tags', 'metadata', 'expired_at')
    check_fields = staticmethod(validate_application_fields)

    # -- list runs (``applications``) ------------------------------------------------------------
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
        return application_label(self.params.get('service'), self.params['type'], self.params['scope'])

    def _identity(self):
        service = self.params.get('service')
        return (self.client.service_id(service) if service else None, self.params['type'], self.params['scope'])

    def show(self, app_id):
        """The application from its detail route (no trailing slash, as the backend's routes)."""
        return self.client.request('GET', '/applications/%s' % quote(app_id, safe='')).data or {}

    def find(self):
        return find_application(self.client, self.params.get('service'), self.params['type'], self.params['scope'],
                                self.module.warn)

    def _newest(self, found):
        return newest_application(found, self.label(), self.module.warn)

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
        return super().changes(current, want)

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
        known = self.client.services
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


class ApplicationInfo(InfoReader):
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
