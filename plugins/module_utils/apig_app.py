# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""APIG apps (credentials): the ``apig_app`` resource, its secret and its API authorizations (the
references to apps and their lookups are in ``apig_app_lookup``)."""

import re
import threading

from ansible_collections.apiops.provisioning.plugins.module_utils.apig_app_lookup import (
    AppLookup,
    app_reference_problem,
    bound_app,
)
from ansible_collections.apiops.provisioning.plugins.module_utils.huaweicloud import HuaweiCloud
from ansible_collections.apiops.provisioning.plugins.module_utils.resource import (
    Resource,
    ValidationError,
    check_items,
    check_pattern,
    check_text,
    settle,
    unique,
)
from ansible_collections.apiops.provisioning.plugins.module_utils.transport import ApiError, ConfigError

from urllib.parse import quote

# ---------------------------------------------------------------------------------------------
# The app resource (``apig_app``): the app, its secret and its API authorizations
# ---------------------------------------------------------------------------------------------
# Letters (Chinese included) first, then letters, digits and underscores: the create rule of the
# SDK's ``AppCreate``. An existing app's own name (hyphens included: A8) is always accepted as an
# identity; the create rule is the gateway's to enforce.
APP_NAME_MAX = 64
APP_NAME_PATTERN = u'^[A-Za-z\u4e00-\u9fa5][A-Za-z0-9_\u4e00-\u9fa5]{2,63}$'
APP_KEY_PATTERN = r'^[A-Za-z0-9][A-Za-z0-9_-]{7,199}$'
APP_SECRET_PATTERN = r'^[A-Za-z0-9][A-Za-z0-9_!@#$%-]{7,127}$'
RELEASE = 'RELEASE'
# The id of the built-in release environment on real gateways (console, Terraform examples); used
# only when the gateway's environment list does not show RELEASE itself (docs/fidelity.md A17).
RELEASE_ID = 'DEFAULT_ENVIRONMENT_RELEASE_ID'
AUTH_OK = ('SUCCESS', 'SKIPPED')  # AuthResult.status: SUCCESS, SKIPPED (authorized already), FAILED
APP_FIELDS = ('name', 'remark', 'app_key')


def mask_secret(secret):
    """``app_secret`` cut to its last four characters (as acedata credentials are)."""
    if not secret:
        return secret
    return '*' * 8 + secret[-4:]


def full_secret(secret):
    """True when ``secret`` is a whole secret (not absent, not masked by the gateway's listing)."""
    return bool(secret) and '*' not in secret


def authorized_api(item):
    """``{api_id, name, auth_id}`` of an authorization (``ApiAuthInfo``)."""
    return {'api_id': item.get('api_id'), 'name': item.get('api_name') or item.get('name'), 'auth_id': item.get('id')}


def validate_app_options(params):
    """Client-side checks of every app option, mirroring the SDK's ``AppCreate``."""
    name = params.get('name')
    if not name:
        raise ValidationError('name is required (or give apps, a list of apps)')
    problem = app_reference_problem(name)
    if problem or len(name) > APP_NAME_MAX:
        raise ValidationError('name: %s (got %r)' % (problem or 'must be at most %d characters' % APP_NAME_MAX, name[:80]))
    check_text(params, 'remark', max_length=255, forbidden='<>')  # Terraform refuses < and > too
    check_pattern(params, 'app_key', APP_KEY_PATTERN,
                  'must be 8 to 200 characters, letters, digits, _ and -, starting with a letter or digit')
    secret = params.get('app_secret')
    if secret is not None and not re.fullmatch(APP_SECRET_PATTERN, secret):
        # The value is a secret: the message never quotes it.
        raise ValidationError('app_secret: must be 8 to 128 characters, letters, digits and _-!@#$%%, starting with a '
                              'letter or digit (the value given is not shown)')
    if params.get('apis'):
        params['apis'] = [ref.strip() if isinstance(ref, str) else ref for ref in params['apis']]
    check_items(params, 'apis', api_reference_problem)
    env = params.get('environment')
    if env is not None and (not env.strip() or any(ch.isspace() for ch in env)):
        raise ValidationError('environment: must be an environment name or id, without spaces (got %r)' % env)
    if params.get('purge_apis') and params.get('apis') is None:
        raise ValidationError('purge_apis needs apis: list the APIs to keep authorized (an empty list unauthorizes all)')


def api_reference_problem(value):
    if not value:
        return 'must be an API id or an API name, not empty'
    if len(value) > 255 or any(ord(ch) < 32 for ch in value):
        return 'must be an API id or an API name of at most 255 characters, without control characters'
    return None


class Catalog:
    """The environments and APIs of one instance, each list read once (thread-safe: a list run
    shares one)."""

    def __init__(self, cloud):
        self.cloud = cloud
        self._lock = threading.Lock()
        self._envs = None
        self._apis = None
        self._published = {}

    def envs(self):
        with self._lock:
            if self._envs is None:
                self._envs = self.cloud.list_all('/envs', 'envs')
            return self._envs

    def apis(self):
        with self._lock:
            if self._apis is None:
                self._apis = self.cloud.list_all('/apis', 'apis')
            return self._apis

    def published_in(self, env_id):
        """The ids of the APIs published in an environment (``GET /apis?env_id=``), read once."""
        with self._lock:
            if env_id not in self._published:
                self._published[env_id] = set(api.get('id') for api in self.cloud.list_all('/apis', 'apis', query={'env_id': env_id}))
            return self._published[env_id]

    def environment(self, reference):
        """``{id, name}`` of the environment given by id or exact name; a clear error when unknown."""
        reference = reference or RELEASE
        envs = self.envs()
        for key in ('id', 'name'):
            for env in envs:
                if env.get(key) == reference:
                    return {'id': env.get('id'), 'name': env.get('name')}
        if reference in (RELEASE, RELEASE_ID):
            # The built-in environment, when the list leaves it out (A17).
            return {'id': RELEASE_ID, 'name': RELEASE}
        raise ValidationError('environment: no environment with the id or name %r exists in instance %s (it has %s)' % (
            reference, self.cloud.params['instance_id'], ', '.join(sorted(env.get('name') or '' for env in envs)) or 'none'))

    def resolve_apis(self, references, env):
        """``[{api_id, name}]`` of each API given by id or exact name, in order; an unknown or
        ambiguous one, or one not published in ``env`` (when the list says where it is published),
        is a clear error naming the option."""
        apis = self.apis()
        found = []
        for index, ref in enumerate(references):
            if ref in references[:index]:
                continue
            match = [api for api in apis if api.get('id') == ref] or [api for api in apis if api.get('name') == ref]
            if not match:
                raise ValidationError('apis[%d]: no API with the id or name %r exists in instance %s' % (
                    index, ref, self.cloud.params['instance_id']))
            if len(match) > 1:
                raise ValidationError('apis[%d]: %d APIs are named %r (in groups %s); give its id instead' % (
                    index, len(match), ref, ', '.join(api.get('group_name') or api.get('group_id') or '?' for api in match)))
            api = match[0]
            # ApiInfoPerPage.run_env_id: the environments it is published in, '|'-separated; Go
            # leaves the key out when it is empty, so an API without it is looked up among those
            # the list shows published in the environment (docs/fidelity.md A20).
            published = api.get('run_env_id')
            if published is None:
                published = env['id'] if api.get('id') in self.published_in(env['id']) else ''
            if env['id'] not in published.split('|'):
                raise ValidationError('apis[%d]: API %r is not published in environment %s; publish it there first' % (
                    index, ref, env['name']))
            entry = {'api_id': api.get('id'), 'name': api.get('name')}
            if entry not in found:
                found.append(entry)
        return found


class AppApi:
    """The app routes of one APIG instance: lookups, details, secret, authorizations."""

    def __init__(self, cloud, catalog=None):
        self.cloud = cloud
        self.catalog = catalog or Catalog(cloud)
        self.lookup = AppLookup(cloud)

    @staticmethod
    def path(app_id, suffix=''):
        return '/apps/%s%s' % (quote(app_id, safe=''), suffix)

    def named(self, name):
        """The apps named exactly ``name`` (the name filter with ``precise_search``, exact ones kept)."""
        listed = self.cloud.list_all('/apps', 'apps', query={'name': name, 'precise_search': 'name'})
        return [app for app in listed if app.get('name') == name]

    def show(self, app_id):
        data = self.cloud.request('GET', self.path(app_id)).data
        return data if isinstance(data, dict) else {}

    def authorized(self, app_id, env_id):
        """The authorizations of an app in an environment, as ``{api_id, name, auth_id}``."""
        items = self.cloud.list_all('/app-auths/binded-apis', 'auths', query={'app_id': app_id, 'env_id': env_id})
        return [authorized_api(item) for item in items if not item.get('env_id') or item.get('env_id') == env_id]

    def quota_of(self, app_id):
        quota = self.lookup.bound_quota_of({'app_id': app_id})
        return {'app_quota_id': quota['app_quota_id'], 'name': quota.get('name')} if quota else None


class App(Resource):
    """A consumer credential ("app") of an APIG instance and the APIs it may call in one environment."""

    kind = 'app'
    result_key = 'app'
    fields = APP_FIELDS
    create_only = ('app_key',)

    def __init__(self, module, shared=None):
        super().__init__(module, shared)
        if shared is None:
            self.cloud = HuaweiCloud(module.params)
            self.api = AppApi(self.cloud)
        else:
            self.cloud, self.api = shared.cloud, shared.api
        self.reveal = bool(self.params.get('reveal_secret'))
        self.env = None
        self.wanted_apis = None
        self._secret_changing = False

    @classmethod
    def validate(cls, params):
        validate_app_options(params)

    # -- list runs (``apps``) --------------------------------------------------------------------
    @classmethod
    def item_key(cls, params):
        return params.get('name')

    @classmethod
    def shared_context(cls, module, items):
        return SharedApps(module, items)

    def label(self):
        return "app '%s'" % self.params['name']

    # -- secrets -------------------------------------------------------------------------------
    def _hide(self, app):
        """Register the secrets of an app read from the API, so that Ansible censors them anywhere
        they could show (unless the task reveals them)."""
        secret = (app or {}).get('app_secret')
        if secret and not self.reveal and full_secret(secret):
            module = getattr(self.module, '_module', self.module)
            module.no_log_values.add(secret)
        return app

    # -- reading -------------------------------------------------------------------------------
    def _resolve(self):
        """The environment and the APIs the task names (a clear error, before any write, for an
        unknown one); nothing is read when the task names no API."""
        if self.params.get('apis') is None or self.params.get('state') == 'absent':
            return
        if self.env is None:
            self.env = self.api.catalog.environment(self.params.get('environment'))
            self.wanted_apis = self.api.catalog.resolve_apis(self.params['apis'], self.env)

    def find(self):
        found = self.api.named(self.params['name'])
        return self._augment(self._one(found))

    def find_shared(self):
        return self._augment(self._one(self.shared.apps_named(self.params['name'])))

    def _one(self, found):
        if len(found) > 1:
            raise ApiError('%d apps are named %s; expected at most one' % (len(found), self.params['name']))
        return dict(found[0]) if found else None

    def _augment(self, app):
        """The app with what the task manages and returns: its authorizations (when ``apis`` is
        given) and its quota. A delete reads nothing more."""
        self._resolve()
        if app is None or self.params.get('state') == 'absent':
            return self._hide(app)
        if self.wanted_apis is not None:
            app['authorized_apis'] = self.api.authorized(app['id'], self.env['id'])
        quotas = self.shared.quotas_of_apps() if self.shared is not None else None
        app['app_quota'] = quotas.get(app['id']) if quotas is not None else self.api.quota_of(app['id'])
        return self._hide(app)

    def complete(self, current, desired):
        """The detail of a listed app when the listing lacks what the task compares or returns:
        ``remark`` (list items may omit it: reading ``app_list_thin``), the whole secret (the
        listing may mask it, or leave it out)."""
        need = ('remark' in desired and 'remark' not in current) or not full_secret(current.get('app_secret'))
        if not need:
            return current
        detail = self.api.show(current['id'])
        return self._hide(dict(current, **detail))

    def view(self, obj):
        view = dict((key, obj.get(key)) for key in APP_FIELDS)
        view['remark'] = obj.get('remark') or ''
        if 'authorized_apis' in obj:
            view['apis'] = sorted(api['name'] or api['api_id'] for api in obj['authorized_apis'])
        if self._secret_changing:
            # Never the secret itself, nor anything derived from it.
            view['app_secret'] = '(new secret)' if obj.get('_secret_new') else '(current secret)'
        return view

    def _auth_delta(self, current):
        """APIs to authorize and authorizations to cancel (with ``purge_apis``)."""
        if self.wanted_apis is None:
            return [], []
        have = (current or {}).get('authorized_apis') or []
        have_ids = set(api['api_id'] for api in have)
        wanted_ids = set(api['api_id'] for api in self.wanted_apis)
        add = [api for api in self.wanted_apis if api['api_id'] not in have_ids]
        remove = [api for api in have if self.params.get('purge_apis') and api['api_id'] not in wanted_ids]
        return add, remove

    def _secret_wanted(self, current):
        """The secret to write: the given one when ``update_secret=always`` and it differs (or a
        reset is asked for: then the given secret is the new one)."""
        given = self.params.get('app_secret')
        if given is None or self.params.get('update_secret') != 'always':
            return None
        return given if self.params.get('reset_secret') or (current or {}).get('app_secret') != given else None

    def desired(self):
        self._resolve()  # in a list run's apply pass the lookup is primed: resolve here
        return super().desired()

    def changes(self, current, desired):
        have = self.view(current)
        changes = dict((key, value) for key, value in desired.items() if key in APP_FIELDS and have.get(key) != value)
        add, remove = self._auth_delta(current)
        if add or remove:
            changes['apis'] = [api['name'] for api in self.wanted_apis]
        if self._secret_wanted(current) is not None and not self.params.get('reset_secret'):
            changes['app_secret'] = True
        if self.params.get('reset_secret'):
            changes['reset_secret'] = True
        self._secret_changing = 'app_secret' in changes or 'reset_secret' in changes
        return changes

    # -- writes --------------------------------------------------------------------------------
    def _check_creatable(self):
        """A new app's name must follow the create rule (an existing app's own name need not)."""
        if not re.fullmatch(APP_NAME_PATTERN, self.params['name']):
            raise ValidationError('name: %r is no app yet, and a new app needs 3 to 64 characters, starting with a '
                                  'letter, of letters, digits and underscores' % self.params['name'])

    def create(self, desired):
        self._check_creatable()
        self._resolve()  # an unknown API or environment fails before the app is created
        body = dict((key, desired[key]) for key in ('name', 'remark', 'app_key') if desired.get(key) is not None)
        if self.params.get('app_secret') is not None:
            body['app_secret'] = self.params['app_secret']
        answer = self.cloud.request('POST', '/apps', body=body).data
        answer = answer if isinstance(answer, dict) else {}
        app_id = answer.get('id')
        if not app_id:
            # A 2xx without the app: find it by name (a new app may take a moment to be listed).
            app_id = settle(lambda: self._one(self.api.named(self.params['name'])),
                            lambda found: '' if found else 'no app of that name is listed yet',
                            'the new %s' % self.label())['id']
        app = answer if full_secret(answer.get('app_secret')) and 'name' in answer else dict(answer, **self.api.show(app_id))
        app.setdefault('id', app_id)  # a partial answer with the secret but without the id
        self._hide(app)
        if self.wanted_apis is not None:
            app['authorized_apis'] = self._apply_auths(app, [], self.wanted_apis, [])
        app['app_quota'] = None  # a new app is bound to no quota
        return app

    def update(self, current, desired, changes):
        app = dict(current)
        if 'remark' in changes:
            body = {'name': current['name'], 'remark': desired['remark']}
            answer = self.cloud.request('PUT', self.api.path(current['id']), body=body).data
            app.update(body)
            if isinstance(answer, dict):
                app.update(dict((key, value) for key, value in answer.items() if key != 'app_secret' or full_secret(value)))
        if 'app_secret' in changes or 'reset_secret' in changes:
            app = self._write_secret(app)
        if 'apis' in changes:
            add, remove = self._auth_delta(current)
            app['authorized_apis'] = self._apply_auths(app, current.get('authorized_apis') or [], add, remove)
        return app

    def _write_secret(self, app):
        """``PUT /apps/secret/{id}``: the given secret (``update_secret=always``), else a new one
        the gateway makes. The answer may lack the secret (reading ``secret_reset_partial``): then
        the app is read again."""
        wanted = self._secret_wanted(app)
        body = {'app_secret': wanted} if wanted is not None else {}
        answer = self.cloud.request('PUT', '/apps/secret/%s' % quote(app['id'], safe=''), body=body).data
        answer = answer if isinstance(answer, dict) else {}
        if not full_secret(answer.get('app_secret')):
            answer = self.api.show(app['id'])
        self._hide(answer)
        merged = dict(app, **dict((k, v) for k, v in answer.items() if k not in ('authorized_apis', 'app_quota')))
        merged['_secret_new'] = True
        return merged

    def _apply_auths(self, app, have, add, remove):
        """Authorize ``add`` and cancel ``remove`` in the task's environment, then wait until
        binded-apis shows it (the gateway's reads may lag: Terraform polls after both); returns
        the authorized APIs."""
        if add:
            self._authorize(app, add)
        for api in remove:
            try:
                self.cloud.request('DELETE', '/app-auths/%s' % quote(api['auth_id'], safe=''))
            except ApiError as exc:
                if exc.status != 404:  # cancelled already
                    raise
        if not add and not remove:
            return have

        def pending(now):
            ids = set(api['api_id'] for api in now)
            late = ['%s not authorized yet' % api['name'] for api in add if api['api_id'] not in ids]
            late += ['%s still authorized' % api['name'] for api in remove if api['api_id'] in ids]
            return ', '.join(late)
        return settle(lambda: self.api.authorized(app['id'], self.env['id']), pending,
                      'the authorizations of %s in %s' % (self.label(), self.env['name']))

    def _authorize(self, app, apis):
        """``POST /app-auths``; each pair's ``auth_result`` is checked (a pair can fail while the
        others succeed). After a lost answer the authorizations are read before trying again."""
        pending = list(apis)
        error = None
        for _attempt in range(3):
            body = {'env_id': self.env['id'], 'app_ids': [app['id']], 'api_ids': [api['api_id'] for api in pending]}
            try:
                answer = self.cloud.request('POST', '/app-auths', body=body).data
            except ApiError as exc:
                if not exc.ambiguous:
                    raise
                error = exc
                now = set(api['api_id'] for api in self.api.authorized(app['id'], self.env['id']))
                pending = [api for api in pending if api['api_id'] not in now]
                if not pending:
                    return
                continue
            self._check_pairs(answer, pending)
            return
        raise error

    def _check_pairs(self, answer, apis):
        auths = answer.get('auths') if isinstance(answer, dict) else None
        failed = []
        for pair in auths or []:
            result = pair.get('auth_result') or {}
            status = result.get('status')
            if status is not None and status not in AUTH_OK:
                name = result.get('api_name') or next(
                    (api['name'] for api in apis if api['api_id'] == pair.get('api_id')), pair.get('api_id'))
                failed.append('API %s: %s %s' % (name, result.get('error_code') or status, result.get('error_msg') or ''))
        if failed:
            raise ConfigError('authorizing %s in environment %s failed for %s' % (
                self.label(), self.env['name'], '; '.join(text.strip() for text in failed)))

    def delete(self, current):
        # Deleting an app removes its quota binding and its authorizations (the API does it).
        self.cloud.request('DELETE', self.api.path(current['id']))

    def is_conflict(self, error):
        # The name exists: a concurrent run created it. The gateway's code for a duplicate app
        # name is not documented (A19): any 400 or 409 to a create is looked up again, and raised
        # when no app of the name is found.
        return error.status in (400, 409)

    # -- check mode and results ----------------------------------------------------------------
    def predict(self, current, desired, changes):
        if current is None:
            self._check_creatable()
            self._resolve()
            predicted = {'id': None, 'name': desired['name'], 'remark': desired.get('remark') or '',
                         'app_key': desired.get('app_key'), 'app_secret': None, 'app_quota': None}
            if self.wanted_apis is not None:
                predicted['authorized_apis'] = list(self.wanted_apis)
            return predicted
        predicted = dict(current)
        predicted.update(dict((key, value) for key, value in changes.items() if key in APP_FIELDS))
        if 'apis' in changes:
            add, remove = self._auth_delta(current)
            removed = set(api['api_id'] for api in remove)
            predicted['authorized_apis'] = [api for api in current['authorized_apis'] if api['api_id'] not in removed] + add
        if self._secret_changing:
            # The new secret is not known before it is written.
            predicted['app_secret'] = self._secret_wanted(current)
            predicted['_secret_new'] = True
        return predicted

    def returned(self, obj):
        return returned_app(obj, self.reveal)

    def close(self):
        if self.shared is None:
            self.cloud.close()


def returned_app(obj, reveal):
    """An app as the modules return it: the secret masked unless revealed, authorizations as
    ``{api_id, name}``, ``remark`` filled in when the API left it out."""
    app = dict((key, value) for key, value in obj.items() if not key.startswith('_'))
    app.setdefault('remark', '')
    if not reveal:
        app['app_secret'] = mask_secret(app.get('app_secret'))
    if 'authorized_apis' in app:
        app['authorized_apis'] = [{'api_id': api['api_id'], 'name': api['name']} for api in app['authorized_apis']]
    return app


class SharedApps:
    """The client and the shared reads of an ``apps`` list: the apps listed once (unfiltered),
    environments and APIs once, the quotas of the apps from the quotas' bindings when that is
    fewer requests than one bound-quota read per app."""

    def __init__(self, module, items):
        self.cloud = HuaweiCloud(module.params)
        self.api = AppApi(self.cloud)
        self.names = unique(item['name'] for item in items)
        self.present = sum(1 for item in items if item.get('state') != 'absent')
        self.listed = None
        self._lock = threading.Lock()
        self._quotas = None
        self._quotas_read = False

    def preload(self):
        if len(self.names) > 1:
            self.listed = self.cloud.everything('/apps', 'apps')

    def apps_named(self, name):
        if self.listed is None:
            return self.api.named(name)
        return [dict(app) for app in self.listed if app.get('name') == name]

    def quotas_of_apps(self):
        """``{app_id: {app_quota_id, name}}`` for every bound app, from the quotas' bound-apps, when
        the gateway has fewer quotas than the list has apps to return (else None: one bound-quota
        read per app)."""
        with self._lock:
            if not self._quotas_read:
                self._quotas_read = True
                quotas = self.cloud.everything('/app-quotas', 'quotas') if self.present > 1 else None
                if quotas is not None and len(quotas) < self.present:
                    bound = {}
                    for quota in quotas:
                        path = '/app-quotas/%s/bound-apps' % quote(quota['app_quota_id'], safe='')
                        for item in self.cloud.list_all(path, 'apps'):
                            bound[bound_app(item)['app_id']] = {'app_quota_id': quota['app_quota_id'],
                                                                'name': quota.get('name')}
                    self._quotas = bound
            return self._quotas

    def close(self):
        self.cloud.close()


class AppInfo:
    """Every app of the instance (every page), or those named, each with its quota."""

    def __init__(self, module):
        self.module = module
        self.params = module.params
        self.cloud = HuaweiCloud(module.params)
        self.api = AppApi(self.cloud)

    def gather(self):
        names = self.params.get('names')
        if names is None and self.params.get('name'):
            names = [self.params['name']]
        if names is not None and not names:
            return dict(changed=False, apps=[])
        if names is not None and len(names) == 1:
            apps = self.api.named(names[0])
        else:
            apps = self.cloud.list_all('/apps', 'apps')
            if names is not None:
                apps = [app for name in unique(names) for app in apps if app.get('name') == name]
        reveal = bool(self.params.get('reveal_secret'))
        result = []
        for app in apps:
            app = dict(app)
            if not full_secret(app.get('app_secret')) or 'remark' not in app:
                app.update(self.api.show(app['id']))
            if not reveal and full_secret(app.get('app_secret')):
                self.module.no_log_values.add(app['app_secret'])
            app['app_quota'] = self.api.quota_of(app['id'])
            result.append(returned_app(app, reveal))
        return dict(changed=False, apps=result)

    def close(self):
        self.cloud.close()
