# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ace Data Cloud credentials (the API keys of an application): the ``acedata_credential*`` modules.

A key is named by its application (``application_id``, or ``service``/``type``/``scope`` resolved
as ``acedata_application`` resolves them) and its ``name`` within it. What the references leave
open, and how each reading is handled (docs/fidelity.md B8, B9, B11 onwards):

- the listing's ``name`` filter may be exact or fuzzy: the exact matches are kept here;
- list items may lack ``limited_amount``, ``expired_at``, ``allowed_api_ids`` (reading
  ``list_thin``): the detail is read before comparing;
- a PATCH may answer a partial object (reading ``partial_update``): the key is read again;
- there may be no rotate route (reading ``rotate_recreate``, the backend's route table has none):
  the key is replaced by a new one with the same name and options, created first, then the old
  one deleted;
- a delete answers 204, or 200 with a body (reading ``delete_200_body``): any 2xx is success.
"""

import datetime
import math

from ansible_collections.apiops.provisioning.plugins.module_utils.acedata import (
    UUID_PATTERN,
    InfoReader,
    PlatformResource,
    check_service,
    normalise_time,
    parse_time,
    validate_common_options,
)
from ansible_collections.apiops.provisioning.plugins.module_utils.acedata_application import (
    CREDENTIAL_SECRETS,
    SharedApplications,
    application_label,
    find_application,
    mask_credential,
    newest_application,
    owned_applications,
)
from ansible_collections.apiops.provisioning.plugins.module_utils.resource import (
    ValidationError,
    check_items,
    check_text,
    set_options,
    settle,
)
from ansible_collections.apiops.provisioning.plugins.module_utils.transport import ApiError

from urllib.parse import quote

CREDENTIAL_FIELDS = ('limited_amount', 'expired_at', 'allowed_api_ids')
CLEARABLE = CREDENTIAL_FIELDS
# Kept when a key is replaced by a new one (rotation without a rotate route): what a create takes.
RECREATED_FIELDS = ('host', 'limited_amount', 'expired_at', 'allowed_api_ids', 'tags', 'metadata')
NAME_MAX = 255  # the route table's maxLength
APP_IDS_PER_LISTING = 50  # application ids per credential listing of a list run (a URL stays short)


def _uuid_problem(value):
    return None if isinstance(value, str) and UUID_PATTERN.fullmatch(value) else 'must be a UUID'


def validate_credential_fields(params):
    """The checks of acedata_credential's own options (not the connection's), before any request."""
    if not params.get('name'):
        raise ValidationError('name is required (or give credentials, a list of API keys)')
    check_text(params, 'name', max_length=NAME_MAX, allow_empty=False)
    naming = [key for key in ('service', 'type', 'scope') if params.get(key) is not None]
    if params.get('application_id') is not None:
        if naming:
            raise ValidationError('application_id and %s are mutually exclusive: name the application by its id, or by '
                                  'service, type and scope' % ', '.join(naming))
        if not UUID_PATTERN.fullmatch(params['application_id']):
            raise ValidationError('application_id must be the UUID of an application (got %r)' % params['application_id'])
    else:
        scope = params.get('scope') or 'Individual'
        if params.get('service') is None and scope == 'Individual':
            raise ValidationError('give application_id, or service (with type and scope, as acedata_application takes '
                                  'them) to name the application of the key')
        if params.get('service') is not None and scope == 'Global':
            raise ValidationError('service is not allowed when scope is Global (a Global application covers every service)')
        check_service(params)
    amount = params.get('limited_amount')
    if isinstance(amount, bool) or (amount is not None and not (math.isfinite(amount) and amount >= 0)):
        raise ValidationError('limited_amount must be a finite number of credits, 0 or more (got %r)' % (amount,))
    if params.get('expired_at') is not None and parse_time(params['expired_at']) is None:
        raise ValidationError('expired_at: %r is not an ISO 8601 date-time (for example 2027-01-31T00:00:00Z)'
                              % params['expired_at'])
    check_items(params, 'allowed_api_ids', _uuid_problem)
    both = [key for key in params.get('clear') or [] if params.get(key) is not None]
    if both:
        raise ValidationError('%s: given and cleared at once; give a value or list it in clear, not both' % ', '.join(both))
    if params.get('state') == 'absent' and params.get('rotate'):
        raise ValidationError('rotate is not allowed with state=absent (a deleted key has no token to rotate)')


def validate_credential_options(params):
    validate_credential_fields(params)
    validate_common_options(params)


def amount(value):
    """A spending cap as a float (the route table says number; a DRF decimal would be a string)."""
    if value is None or isinstance(value, bool):
        return value
    try:
        return float(value)
    except (TypeError, ValueError):
        return value


def api_ids(value):
    """An allowlist as a sorted list of lower-case ids; empty means unrestricted, as null does."""
    if not value:
        return None
    return sorted(('%s' % item).lower() for item in value)


def credential_view(obj):
    """The managed fields of a key, normalised: what is compared and diffed (never its token)."""
    expired = obj.get('expired_at')
    return {'name': obj.get('name'), 'limited_amount': amount(obj.get('limited_amount')),
            'expired_at': normalise_time(expired) if expired else None,
            'allowed_api_ids': api_ids(obj.get('allowed_api_ids'))}


def newest_first(credentials):
    oldest = datetime.datetime.min.replace(tzinfo=datetime.timezone.utc)
    return sorted(credentials, key=lambda cred: parse_time(cred.get('created_at')) or oldest, reverse=True)


def task_module(module):
    """The task's module (a list run hands each item an ``ItemModule`` in front of it)."""
    return getattr(module, '_module', module)


def application_reference(params):
    """How an item names its application, before any read: its id, or (service, type, scope)."""
    if params.get('application_id'):
        return (params['application_id'].lower(), None, None, None)
    service = params.get('service')
    if service and UUID_PATTERN.fullmatch(service):
        service = service.lower()
    return (None, service, params.get('type') or 'Usage', params.get('scope') or 'Individual')


class Credential(PlatformResource):
    """An API key of an Ace Data Cloud application, by name within the application."""

    kind = 'API key'
    result_key = 'credential'
    fields = CREDENTIAL_FIELDS
    check_fields = staticmethod(validate_credential_fields)

    def __init__(self, module, shared=None):
        super().__init__(module, shared)
        self.reveal = bool(module.params.get('reveal_token'))
        self.app_type = module.params.get('type') or 'Usage'
        self.scope = module.params.get('scope') or 'Individual'
        self._app = None
        self._app_read = False
        self._others = []
        self._last_pick = None

    # -- list runs (``credentials``) -----------------------------------------------------------
    @classmethod
    def item_key(cls, params):
        return application_reference(params) + (params.get('name'),)

    @classmethod
    def shared_context(cls, module, items):
        return SharedCredentials(module.params, items)

    def identity(self):
        if self._app is not None and self._app.get('id'):
            return (self._app['id'], None, None, None, self.params['name'])
        return self.item_key(self.params)

    def find_shared(self):
        app = self.application()
        if app is None:
            return None
        listed = self.shared.credentials_of(app['id'])
        if listed is None:  # not among the applications the shared listing read
            return self.find()
        return self._pick(listed, app['id'])

    # -- the application -----------------------------------------------------------------------
    def app_label(self):
        if self.params.get('application_id'):
            return 'application %s' % self.params['application_id']
        return application_label(self.params.get('service'), self.app_type, self.scope)

    def label(self):
        return "API key '%s' of the %s" % (self.params['name'], self.app_label())

    def application(self):
        """The key's application (``{'id': ...}`` when named by id: not read), or None when the
        application named by service does not exist."""
        if self._app_read:
            return self._app
        application_id = self.params.get('application_id')
        if application_id:
            self._app = {'id': application_id.lower()}
        elif self.shared is not None and self.shared.applications_read:
            service = self.params.get('service')
            service_id = self.client.service_id(service) if service else None
            self._app = newest_application(
                owned_applications(self.shared.applications, service_id, self.app_type, self.scope),
                self.app_label(), self.module.warn)
        else:
            self._app = find_application(self.client, self.params.get('service'), self.app_type, self.scope,
                                         self.module.warn)
        self._app_read = True
        return self._app

    def required_application(self):
        """The id of the key's application, which must exist to hold a key; None only in a
        check-mode task whose application (named by service) does not exist yet: the same run
        may create it (the role's check mode on an empty account predicts both)."""
        app = self.application()
        if app is None:
            if task_module(self.module).check_mode:
                return None
            raise ValidationError('%s: no %s exists (the application that service, type and scope name); create it first '
                                  '(apiops.provisioning.acedata_application), or name an existing application with '
                                  'application_id' % (self.label(), self.app_label()))
        if self.params.get('application_id'):
            self._verify_application(app['id'])
        return app['id']

    def _verify_application(self, app_id):
        """An application named by id exists (read once per run: only a key to create needs it)."""
        verified = self.shared.verified if self.shared is not None else {}
        if app_id in verified:
            return
        try:
            self.client.request('GET', '/applications/%s' % quote(app_id, safe=''))
        except ApiError as exc:
            if exc.status != 404:
                raise
            raise ValidationError('application_id: no application %s exists for this account (%s)' % (
                app_id, exc.message)) from None
        verified[app_id] = True

    # -- reading -------------------------------------------------------------------------------
    def _see(self, *objects):
        """Register every token read (unless revealed), so that no output can show one."""
        if self.reveal:
            return
        values = task_module(self.module).no_log_values
        for obj in objects:
            for key in CREDENTIAL_SECRETS:
                if isinstance(obj, dict) and obj.get(key):
                    values.add(obj[key])

    def find(self):
        app = self.application()
        if app is None:
            return None
        query = {'user_id': 'me', 'application_id': app['id'], 'name': self.params['name'], 'ordering': '-created_at'}
        return self._pick(self.client.list_all('/credentials/', query), app['id'])

    def _pick(self, listed, app_id):
        """The newest key of our name among ``listed`` (the name filter may be fuzzy: exact
        matches only); several are managed as the newest, with a warning, and ``state=absent``
        deletes them all."""
        self._see(*listed)
        name = self.params['name']
        found = newest_first([cred for cred in listed if cred.get('name') == name
                              and (cred.get('application_id') or app_id).lower() == app_id])
        self._last_pick = found[0] if found else None
        self._others = found[1:]
        if len(found) > 1:
            self.module.warn('%d API keys are named %r in the %s; managing the newest, %s (others: %s)' % (
                len(found), name, self.app_label(), found[0].get('id'), ', '.join(c.get('id', '?') for c in found[1:])))
        return found[0] if found else None

    def show(self, cred_id):
        """The key from its detail route (no trailing slash, as the backend's routes)."""
        obj = self.client.request('GET', self._path(cred_id)).data or {}
        self._see(obj)
        return obj

    def _path(self, cred_id, suffix=''):
        return '/credentials/%s%s' % (quote(cred_id, safe=''), suffix)

    def complete(self, current, desired):
        """The detail of a listed key that lacks a managed field: list items may be thinner than
        the detail route (reading ``list_thin``)."""
        if all(key in current for key in self.fields):
            return current
        return dict(current, **self.show(current['id']))

    def desired(self):
        wanted = set_options(self.params, self.fields)
        for key in self.params.get('clear') or []:
            wanted[key] = None
        return wanted

    def view(self, obj):
        return credential_view(obj)

    def changes(self, current, desired):
        have = self.view(current)
        want = credential_view(dict(desired, name=current.get('name')))
        changes = dict((key, value) for key, value in desired.items() if have.get(key) != want.get(key))
        if self.params.get('rotate') and not self._rotated(current):
            changes['rotate'] = True
        return changes

    def _rotated(self, current):
        """True when ``current`` already has another token than the one first found: our rotation
        went through although its answer was lost."""
        first = (self.found or {}).get('token')
        return bool(first and current.get('token') and current['token'] != first)

    # -- writing -------------------------------------------------------------------------------
    def create(self, desired):
        body = {'application_id': self.required_application(), 'name': self.params['name']}
        body.update((key, value) for key, value in desired.items() if value is not None)
        return self._one_of_name(self._created(self._post_new(body)))

    def _one_of_name(self, ours):
        """The key of our name once concurrent creators are done: the oldest one.

        The platform does not refuse a second key of one name (docs/fidelity.md B18), so runs that
        create one key at once each make one. After a create the keys of the name are listed
        again; every run picks the oldest (by creation time, then id), and a run whose own key
        lost deletes it. Runs that see each other's keys end with one.
        """
        listed = self.client.list_all('/credentials/', {'user_id': 'me', 'application_id': self.application()['id'],
                                                        'name': self.params['name'], 'ordering': '-created_at'})
        self._see(*listed)
        rivals = [cred for cred in listed if cred.get('name') == self.params['name'] and cred.get('id')]
        if not any(cred['id'] == ours['id'] for cred in rivals):
            rivals.append(ours)
        oldest = datetime.datetime.max.replace(tzinfo=datetime.timezone.utc)
        winner = min(rivals, key=lambda cred: (parse_time(cred.get('created_at')) or oldest, cred['id']))
        if winner['id'] == ours['id']:
            return ours
        self._delete_key(ours['id'])
        self.module.warn('another run created an API key named %r in the %s at the same time; kept it (%s) and '
                         'deleted the one this run created (%s)'
                         % (self.params['name'], self.app_label(), winner['id'], ours['id']))
        return winner if all(key in winner for key in self.fields) and winner.get('token') else \
            dict(winner, **self.show(winner['id']))

    def _post_new(self, body):
        answer = self.client.request('POST', '/credentials/', body=body).data
        return answer if isinstance(answer, dict) else {}

    def _created(self, answer, replacing=None):
        """The key a create answered, completed: found by name when the answer lacks it, read
        again when the answer lacks its token or a managed field."""
        self._see(answer)
        if not answer.get('id'):
            # A 2xx without the key (an empty or partial answer): find it; a new key may take a
            # moment to show in the listing.
            def new_one():
                found = self.find()
                return found if found and found.get('id') != replacing else None
            answer = settle(new_one, lambda found: '' if found else 'no such key is listed yet', 'the new %s' % self.label())
        if answer.get('token') and all(key in answer for key in self.fields):
            return answer
        return dict(answer, **self.show(answer['id']))

    def update(self, current, desired, changes):
        key = current
        patch = dict((name, value) for name, value in changes.items() if name != 'rotate')
        if patch:
            answer = self.client.request('PATCH', self._path(current['id']), body=patch).data
            self._see(answer)
            if isinstance(answer, dict) and answer.get('id') == current['id'] and answer.get('token') \
                    and all(name in answer for name in self.fields):
                key = answer
            else:
                # A partial answer (reading ``partial_update``; the vendor's client tests mock it
                # as {"id": ...}), or none: read the key again.
                key = self.show(current['id'])
        if changes.get('rotate'):
            key = self._rotate(key)
        return key

    def _rotate(self, current):
        """A new token for the key: ``POST /credentials/{id}/rotate/`` (same id); where the
        platform has no such route (404 or 405: the backend's route table lists none, and the
        vendor's Skills notes say "rotate is delete + recreate"), a new key replaces it."""
        try:
            answer = self.client.request('POST', self._path(current['id'], '/rotate/')).data
        except ApiError as exc:
            if exc.status not in (404, 405):
                raise
            return self._recreate(current, exc.status)
        self._see(answer)
        if isinstance(answer, dict) and answer.get('id') == current['id'] and answer.get('token') \
                and answer['token'] != current.get('token'):
            return dict(current, **answer)
        return self.show(current['id'])

    def _recreate(self, current, status):
        """Replace ``current`` by a new key with its name and options: created first, then the old
        one deleted, so the application never lacks the key. After an ambiguous create, the key
        of our name other than ``current`` is the new one (never a second create)."""
        body = {'application_id': current.get('application_id') or self.application()['id'], 'name': current['name']}
        body.update((key, current[key]) for key in RECREATED_FIELDS if current.get(key) not in (None, [], {}))
        try:
            answer = self._post_new(body)
        except ApiError as exc:
            if not exc.ambiguous:
                raise
            self.find()
            answer = next((cred for cred in [self._last_pick] + self._others
                           if cred and cred.get('id') != current['id']), None)
            if answer is None:
                raise
        new = self._created(answer, replacing=current['id'])
        self._delete_key(current['id'])
        self.module.warn('the platform has no rotate route (HTTP %d): %s (%s) was replaced by a new key with the same '
                         'name and options, %s, and the old key deleted' % (status, self.label(), current['id'], new['id']))
        return new

    def delete(self, current):
        others = self._others
        if not others and self.shared is not None:
            # The apply pass of a list run starts from what the check pass found (the newest key):
            # the others of its name are in the shared listing.
            others = [cred for cred in self.shared.credentials_of(self.application()['id']) or []
                      if cred.get('name') == self.params['name'] and cred.get('id') != current['id']]
        self._delete_key(current['id'])
        for other in others:
            self._delete_key(other['id'])
        if others:
            self.module.warn('deleted every API key named %r in the %s: %s' % (
                self.params['name'], self.app_label(), ', '.join([current['id']] + [c['id'] for c in others])))

    def _delete_key(self, cred_id):
        try:
            self.client.request('DELETE', self._path(cred_id))  # 204, or 200 with a body: any 2xx
        except ApiError as exc:
            if exc.status != 404:  # gone already
                raise

    # -- check mode and results ----------------------------------------------------------------
    def predict(self, current, desired, changes):
        if current is None:
            predicted = {'id': None, 'application_id': self.required_application(), 'name': self.params['name'],
                         'type': 'Token', 'token': None, 'host': None, 'limited_amount': None, 'used_amount': 0,
                         'expired_at': None, 'allowed_api_ids': None, 'created_at': None, 'updated_at': None}
            predicted.update(desired)
            return predicted
        predicted = dict(current)
        predicted.update((key, value) for key, value in changes.items() if key != 'rotate')
        if changes.get('rotate'):
            predicted['token'] = None  # a new token, unknown until the rotation
        return predicted

    def returned(self, obj):
        return obj if self.reveal else mask_credential(obj)


class SharedCredentials:
    """The client and the shared reads of a ``credentials`` list.

    The caller's applications are read once when an item names its application by service (as
    the ``applications`` list form reads them, aliases included), then the keys of every
    application the items name, every page, in one listing (up to 50 applications a request).
    """

    def __init__(self, params, items):
        by_service = [item for item in items if not item.get('application_id')]
        self.apps = SharedApplications(params, by_service)
        self.client = self.apps.client
        self.items = items
        self.applications_read = False
        self.applications = []
        self.by_app = {}
        self.verified = {}

    def preload(self):
        if any(not item.get('application_id') for item in self.items):
            self.apps.preload()
            self.applications = self.apps.applications
            self.applications_read = True
        ids = []
        for item in self.items:
            app_id = self._application_id(item)
            if app_id and app_id not in ids:
                ids.append(app_id)
        for start in range(0, len(ids), APP_IDS_PER_LISTING):
            chunk = ids[start:start + APP_IDS_PER_LISTING]
            listed = self.client.list_all('/credentials/', {'user_id': 'me', 'application_id': chunk,
                                                            'ordering': '-created_at'})
            for app_id in chunk:
                self.by_app[app_id] = []
            for cred in listed:
                app_id = (cred.get('application_id') or '').lower()
                if app_id in self.by_app:
                    self.by_app[app_id].append(cred)
                elif len(chunk) == 1:  # a listing of one application's keys, whatever an item says
                    self.by_app[chunk[0]].append(cred)

    def _application_id(self, item):
        if item.get('application_id'):
            return item['application_id'].lower()
        service = item.get('service')
        try:
            service_id = self.client.service_id(service) if service else None
        except (ValidationError, ApiError):
            return None  # the item meets the same error in its own check, named
        found = owned_applications(self.applications, service_id, item.get('type') or 'Usage',
                                   item.get('scope') or 'Individual')
        return found[0]['id'] if found else None

    def credentials_of(self, app_id):
        """The keys of an application the listing read (a copy), or None when it read none."""
        listed = self.by_app.get(app_id)
        return None if listed is None else [dict(cred) for cred in listed]

    def close(self):
        self.client.close()


def validate_credential_info_options(params):
    validate_common_options(params)
    if params.get('application_id') is not None:
        if any(params.get(key) is not None for key in ('service', 'type', 'scope')):
            raise ValidationError('application_id and service, type, scope are mutually exclusive')
        if not UUID_PATTERN.fullmatch(params['application_id']):
            raise ValidationError('application_id must be the UUID of an application (got %r)' % params['application_id'])
    elif params.get('service') is not None and params.get('scope') == 'Global':
        raise ValidationError('service is not allowed when scope is Global (a Global application covers every service)')
    elif params.get('service') is None and params.get('scope') != 'Global' and params.get('type') is not None:
        raise ValidationError('type names an application with service (or scope=Global); give service too')
    if params.get('name') is not None:
        check_text(params, 'name', max_length=NAME_MAX, allow_empty=False)


class CredentialInfo(InfoReader):
    """The caller's API keys (every page): of one application, or all; by exact name."""

    validate = staticmethod(validate_credential_info_options)

    def __init__(self, module):
        super().__init__(module)
        self.module = module

    def gather(self):
        params = self.params
        query = {'user_id': 'me', 'ordering': '-created_at', 'name': params.get('name')}
        if params.get('application_id'):
            query['application_id'] = params['application_id'].lower()
        elif params.get('service') or params.get('scope') == 'Global':
            app = find_application(self.client, params.get('service'), params.get('type') or 'Usage',
                                   params.get('scope') or 'Individual', self.warn)
            if app is None:
                return dict(changed=False, credentials=[])
            query['application_id'] = app['id']
        keys = self.client.list_all('/credentials/', query)
        # Re-checked here: the name filter may be fuzzy, and the server might ignore a filter.
        keys = [key for key in keys if (not params.get('name') or key.get('name') == params['name'])
                and (not query.get('application_id') or (key.get('application_id') or query['application_id']).lower()
                     == query['application_id'])]
        reveal = params.get('reveal_token')
        if not reveal:
            for key in keys:
                self.module.no_log_values.update(key[name] for name in CREDENTIAL_SECRETS if key.get(name))
        return dict(changed=False, credentials=[key if reveal else mask_credential(key) for key in keys])

    def warn(self, msg):
        self.module.warn(msg)
