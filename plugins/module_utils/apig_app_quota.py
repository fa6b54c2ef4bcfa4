# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""APIG credential quotas ("app quotas") and their bound apps: the ``apig_app_quota*`` modules."""

import datetime
import re

from ansible_collections.apiops.provisioning.plugins.module_utils.apig_app_lookup import (
    AppLookup,
    SharedAppLookup,
    app_reference_problem,
    bound_app,
    matches,
)
from ansible_collections.apiops.provisioning.plugins.module_utils.huaweicloud import PAGE_LIMIT, HuaweiCloud
from ansible_collections.apiops.provisioning.plugins.module_utils.resource import (
    Resource,
    ValidationError,
    check_items,
    check_pattern,
    check_range,
    check_text,
    settle,
    unique,
)
from ansible_collections.apiops.provisioning.plugins.module_utils.transport import ApiError

from urllib.parse import quote

INT32_MAX = 2147483647
# Letters (Chinese included) first, then letters, digits and underscores; 3 to 255 characters.
NAME_PATTERN = u'^[A-Za-z\u4e00-\u9fa5][A-Za-z0-9_\u4e00-\u9fa5]{2,254}$'
RESET_TIME_PATTERN = r'^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$'
QUOTA_FIELDS = ('name', 'call_limits', 'time_unit', 'time_interval', 'remark', 'reset_time')
MANDATORY_FIELDS = ('name', 'call_limits', 'time_unit', 'time_interval')  # never empty, so never omitted


def normalise_reset_time(value):
    """``YYYY-MM-DD HH:MM:SS`` from what the API answers (``"... +0000 +0000"`` on reads)."""
    if not value:
        return None
    return value[:19] if re.match(r'^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}', value) else value


def _future_reset_time(quota, now=None):
    """The quota's ``reset_time`` (``YYYY-MM-DD HH:MM:SS``, UTC as the API reads it back) when it
    is still to come, else None."""
    value = normalise_reset_time(quota.get('reset_time'))
    try:
        moment = datetime.datetime.strptime(value or '', '%Y-%m-%d %H:%M:%S')
    except ValueError:
        return None
    now = now or datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    return value if moment > now else None


def validate_quota_options(params):
    """Client-side checks of every quota option, mirroring the API reference."""
    check_pattern(params, 'name', NAME_PATTERN,
                  'must be 3 to 255 characters, start with a letter and use only letters, digits and underscores')
    check_range(params, 'call_limits', 1, INT32_MAX)
    check_range(params, 'time_interval', 1, INT32_MAX)
    check_text(params, 'remark', max_length=255, forbidden='<>')
    check_pattern(params, 'reset_time', RESET_TIME_PATTERN, 'must be a date and time as YYYY-MM-DD HH:MM:SS')
    if params.get('reset_time'):
        try:
            datetime.datetime.strptime(params['reset_time'], '%Y-%m-%d %H:%M:%S')
        except ValueError:
            raise ValidationError('reset_time: %r is not a valid date and time' % params['reset_time']) from None
    if params.get('apps'):
        # ``apps='a, b'`` on the command line splits into 'a' and ' b': blanks around a reference
        # are never part of an app's id or name.
        params['apps'] = [ref.strip() if isinstance(ref, str) else ref for ref in params['apps']]
    check_items(params, 'apps', app_reference_problem)
    if params.get('purge_apps') and params.get('apps') is None:
        raise ValidationError('purge_apps needs apps: list the apps to keep bound (an empty list unbinds all)')


def quota_view(obj):
    """The managed fields of a quota, normalised: what is compared and diffed."""
    view = dict((key, obj.get(key)) for key in ('name', 'call_limits', 'time_unit', 'time_interval'))
    view['remark'] = obj.get('remark') or ''
    view['reset_time'] = normalise_reset_time(obj.get('reset_time'))
    if 'bound_apps' in obj:
        view['apps'] = sorted(app['name'] or app['app_id'] for app in obj['bound_apps'])
    return view


def quota_changes(current, desired, purge):
    """``{option: wanted value}`` for every option of ``desired`` that ``current`` does not have.

    ``current`` carries ``bound_apps`` when ``desired`` has ``apps``. The single and the list form
    both judge a quota with this function.
    """
    have = quota_view(current)
    changes = dict((key, value) for key, value in desired.items() if key != 'apps' and have.get(key) != value)
    if 'apps' in desired:
        add, remove = binding_delta(current.get('bound_apps') or [], desired['apps'], purge)
        if add or remove:
            changes['apps'] = desired['apps']
    return changes


def binding_delta(bound, wanted, purge):
    """References to bind (not bound yet) and bound apps to unbind (with ``purge``)."""
    add = [ref for ref in unique(wanted) if not any(matches(ref, app) for app in bound)]
    remove = [app for app in bound if purge and not any(matches(ref, app) for ref in wanted)]
    return add, remove


class QuotaApi:
    """The app-quota routes of one APIG instance, and the app lookups their bindings need."""

    def __init__(self, cloud, apps=None):
        self.cloud = cloud
        self.apps = apps or AppLookup(cloud)

    def find_by_name(self, name):
        found = self.named([name])
        if len(found) > 1:
            raise ApiError('%d app quotas are named %s; expected at most one' % (len(found), name))
        return found[0] if found else None

    def named(self, names):
        """Every quota named exactly as one of ``names``, in the order of ``names``.

        The API's name filter is fuzzy: every match of a name is read, then the exact ones kept,
        so a name costs ceil(matches / 500) requests. For several names one unfiltered page is
        read first: when it holds every quota of the gateway, it answers for all the names.
        """
        names = unique(names)
        listed = self.cloud.everything('/app-quotas', 'quotas') if len(names) > 1 else None
        found = []
        for name in names:
            candidates = listed if listed is not None else self.list_quotas(name)
            found.extend(quota for quota in candidates if quota.get('name') == name)
        return found

    def list_quotas(self, name=None):
        return self.cloud.list_all('/app-quotas', 'quotas', query={'name': name} if name else None)

    def bound_apps(self, quota_id):
        """The apps bound to a quota, as ``{app_id, name}``."""
        return [bound_app(item) for item in self.cloud.list_all(self.quota_path(quota_id, '/bound-apps'), 'apps')]

    def with_bindings(self, quota):
        """The quota with ``bound_apps``, read from ``bound-apps``.

        ``bound_app_num`` is never trusted to skip the read: a vendor example shows
        ``bound_app_num: 0`` on a quota with an app bound, the key is omitted when zero, and
        Terraform never reads it (readings ``bound_app_num_absent``, ``bound_app_num_zero``).
        """
        quota = dict(quota)
        quota['bound_apps'] = self.bound_apps(quota['app_quota_id'])
        return quota

    def show(self, quota_id):
        """The quota from its detail route."""
        return self.cloud.request('GET', self.quota_path(quota_id)).data or {}

    def quota_path(self, quota_id, suffix=''):
        return '/app-quotas/%s%s' % (quote(quota_id, safe=''), suffix)


class AppQuota(Resource):
    """A credential quota of an APIG instance, with the apps bound to it."""

    kind = 'app quota'
    result_key = 'app_quota'
    fields = QUOTA_FIELDS + ('apps',)
    required_to_create = ('call_limits', 'time_unit', 'time_interval')

    def __init__(self, module, shared=None):
        super().__init__(module, shared)
        if shared is None:
            self.cloud = HuaweiCloud(module.params)
            self.api = QuotaApi(self.cloud)
        else:
            self.cloud, self.api = shared.cloud, shared.api
        self.purge = module.params.get('purge_apps')

    @classmethod
    def validate(cls, params):
        if not params.get('name'):
            raise ValidationError('name is required (or give quotas, a list of quotas)')
        validate_quota_options(params)

    # -- list runs (``quotas``) ------------------------------------------------------------------
    @classmethod
    def item_key(cls, params):
        return params.get('name')

    @classmethod
    def item_conflicts(cls, items):
        """Two quotas that bind one app: an app can be bound to only one quota."""
        first = {}
        conflicts = []
        for index, params in enumerate(items):
            if params.get('state') == 'absent':
                continue
            for ref in unique(params.get('apps') or []):
                if ref in first and first[ref][0] != index:
                    other, other_name = first[ref]
                    conflicts.append(((other, index), "quotas[%d] (%s) and quotas[%d] (%s) both bind app '%s'; an app "
                                      "can be bound to only one quota" % (other, other_name, index, params.get('name'), ref)))
                else:
                    first.setdefault(ref, (index, params.get('name')))
        return conflicts

    @classmethod
    def shared_context(cls, module, items):
        return SharedQuotas(module.params, items)

    def claims(self):
        """The apps (by id) this quota is to have bound, once resolved."""
        if self.shared is None or self.params.get('state') == 'absent' or not self.params.get('apps'):
            return {}
        known = list((self.found or {}).get('bound_apps') or []) + list(self.api.apps.resolved.values())
        claims = {}
        for ref in self.params['apps']:
            for app in known:
                if matches(ref, app):
                    claims[app['app_id']] = "app '%s' (%s); an app can be bound to only one quota" % (
                        app['name'], app['app_id'])
                    break
        return claims

    def find_shared(self):
        return self._with_bindings(self.shared.quota_named(self.params['name']))

    def label(self):
        return "app quota '%s'" % self.params['name']

    def find(self):
        # Bindings are read (from bound-apps, whatever bound_app_num says) when the task manages
        # them: an unchanged run without ``apps`` costs the lookup alone, and its result carries
        # no bound_apps (none were read, and the count is no evidence).
        return self._with_bindings(self.api.find_by_name(self.params['name']))

    def _with_bindings(self, quota):
        deleting = self.params.get('state') == 'absent'
        if quota and self.params.get('apps') is not None and not deleting:
            quota = self.api.with_bindings(quota)
        elif quota and deleting and self.module._diff:
            # With --diff, a delete shows the apps it unbinds (read: bound_app_num is no evidence).
            quota = self.api.with_bindings(quota)
        return quota

    def complete(self, current, desired):
        """The detail of a listed quota that lacks an option the task sets, or a key a quota
        always has.

        The SDK models list items and details alike, and the API omits empty keys (an absent
        ``remark`` is an empty one); should a listing still be thinner than the detail route, an
        option the task sets is read from the detail before it is compared, and so is the whole
        quota when a mandatory key is missing (docs/fidelity.md A7).
        """
        needed = [key for key in desired if key != 'apps'] + list(MANDATORY_FIELDS)
        if all(key in current for key in needed):
            return current
        return dict(current, **self.api.show(current['app_quota_id']))

    def view(self, obj):
        return quota_view(obj)

    def changes(self, current, desired):
        return quota_changes(current, desired, self.purge)

    # -- writes --------------------------------------------------------------------------------
    def _body(self, current, desired):
        """The quota body of a create or a PUT (which replaces): given values first, the current
        ones for the rest; an unmanaged ``reset_time`` only while it is still to come.

        What a PUT without ``reset_time`` does is undocumented (readings: the gateway keeps the
        stored value, ``put_keeps_omitted``, or clears it, as a full-object write and the docs'
        "if not specified, the time is calculated based on the first calling time" suggest).
        Terraform never sends it. A stored time still to come is sent again, so that an update
        keeps it under either reading and cannot be refused for it; one in the past is left out
        (its first reset has happened, and the gateway may refuse a time in the past), and the
        module warns if the gateway then cleared it. ``remark`` is always sent, as Terraform
        does, so that a PUT never clears it under either reading.
        """
        body = {}
        for key in QUOTA_FIELDS:
            value = desired.get(key)
            if value is None and current:
                value = _future_reset_time(current) if key == 'reset_time' else current.get(key)
            if value is not None:
                body[key] = value
        return body

    def create(self, desired):
        # Bindings are planned (apps resolved, each checked to be free) before anything is
        # written, so that a bad app never leaves a quota created without its bindings.
        plan = self._plan_bindings(None, [], desired.get('apps') or [])
        reply = self.cloud.request('POST', '/app-quotas', body=self._body(None, desired))
        quota_id = (reply.data or {}).get('app_quota_id') if isinstance(reply.data, dict) else None
        if not quota_id:
            # A 2xx without the quota (an empty or partial answer): find it by name; a new
            # quota may take a moment to show in the listing.
            quota_id = settle(lambda: self.api.find_by_name(self.params['name']),
                              lambda found: '' if found else 'no quota of that name is listed yet',
                              'the new %s' % self.label())['app_quota_id']
        # The create answer lacks remark and bound_app_num (and may be partial): read it back.
        quota = self.api.show(quota_id)
        quota['bound_apps'] = self._apply_bindings(quota, [], plan)
        return quota

    def update(self, current, desired, changes):
        quota = dict(current)
        plan = self._plan_bindings(current['app_quota_id'], current['bound_apps'], desired['apps']) \
            if 'apps' in changes else None
        if any(key != 'apps' for key in changes):
            path = self.api.quota_path(current['app_quota_id'])
            body = self._body(current, desired)
            answer = self.cloud.request('PUT', path, body=body).data
            quota = self._after_put(current, body, answer if isinstance(answer, dict) else {})
        if plan:
            quota['bound_apps'] = self._apply_bindings(quota, current['bound_apps'], plan)
        return quota

    def _after_put(self, current, body, answer):
        """The quota after a PUT: its answer merged over what is known, or read again.

        The documented answer echoes the quota; an empty or partial one (reading
        ``partial_update``) is merged over the current quota and the body sent. Only
        ``reset_time`` can be unknown then (it was not sent: kept or cleared, per reading), and
        only when the quota had one: then the quota is read again.
        """
        quota = dict(current, **body)
        quota.pop('bound_app_num', None)
        quota.update(answer)
        if 'reset_time' not in body and current.get('reset_time') and 'reset_time' not in answer:
            quota = self.api.show(current['app_quota_id'])
        if current.get('reset_time') and not quota.get('reset_time'):
            self.module.warn('the gateway cleared the reset_time (%s) of %s when it was updated without one; '
                             'give reset_time in the task to keep it' % (normalise_reset_time(current['reset_time']),
                                                                         self.label()))
        if 'bound_apps' in current:
            quota['bound_apps'] = current['bound_apps']
        return quota

    def delete(self, current):
        # Deleting a quota also removes its bindings (the API does it).
        self.cloud.request('DELETE', self.api.quota_path(current['app_quota_id']))

    def is_conflict(self, error):
        return error.code == 'APIG.3325'  # the name exists: a concurrent run created it

    def _plan_bindings(self, quota_id, bound, wanted):
        """``(apps to bind, apps to unbind)``; fails, before any write, on an unknown app or on
        an app bound to another quota (an app can be bound to only one)."""
        add, remove = binding_delta(bound, wanted, self.purge)
        apps = []
        for app in self.api.apps.resolve(add):
            if app not in apps and not any(app['app_id'] == have['app_id'] for have in bound):
                apps.append(app)
        self._refuse_taken(quota_id, apps)
        return apps, remove

    def _apply_bindings(self, quota, bound, plan):
        """Bind and unbind as planned, then wait until bound-apps shows it; returns the bound apps.

        The gateway's reads lag its binding writes (Terraform polls bound-apps after every bind
        and unbind; reading ``binding_delay``): without the wait, an immediate re-run would see
        the old bindings and write again.
        """
        apps, remove = plan
        if apps:
            self._bind(quota, apps)
        for app in remove:
            try:
                self.cloud.request('DELETE', self.api.quota_path(quota['app_quota_id'], '/bound-apps/%s' % quote(
                    app['app_id'], safe='')))
            except ApiError as exc:
                if exc.status != 404:  # unbound already
                    raise
        if apps or remove:
            self._await_bindings(quota['app_quota_id'], apps, remove)
        return [app for app in bound if app not in remove] + apps

    def _await_bindings(self, quota_id, added, removed):
        def pending(now):
            ids = set(app['app_id'] for app in now)
            late = ['%s not bound yet' % app['name'] for app in added if app['app_id'] not in ids]
            late += ['%s still bound' % app['name'] for app in removed if app['app_id'] in ids]
            return ', '.join(late)
        settle(lambda: self.api.bound_apps(quota_id), pending, 'the bindings of %s' % self.label())

    def _bind(self, quota, apps):
        """Bind ``apps``; after an ambiguous failure, re-read the bindings before trying again."""
        path = self.api.quota_path(quota['app_quota_id'], '/binding-apps')
        pending = list(apps)
        for _attempt in range(3):
            try:
                self.cloud.request('POST', path, body={'app_ids': [app['app_id'] for app in pending]})
                return
            except ApiError as exc:
                if not exc.ambiguous and exc.status != 400:
                    raise
                # The answer was lost, or the bind was refused: a concurrent run may have bound
                # the same apps to this quota meanwhile (done), or to another (a clear error).
                self._refuse_taken(quota['app_quota_id'], pending)
                now = self.api.bound_apps(quota['app_quota_id'])
                pending = [app for app in pending if not any(app['app_id'] == have['app_id'] for have in now)]
                if not pending:
                    return
                if not exc.ambiguous:
                    raise
                error = exc
        raise error

    def _refuse_taken(self, quota_id, apps):
        """Fail with a message naming the quota each app is bound to already, if any is."""
        taken = []
        for app in apps:
            other = self.api.apps.bound_quota_of(app)
            # A quota of our name is ours, even one a concurrent run created after our lookup.
            if other and other.get('app_quota_id') != quota_id and other.get('name') != self.params['name']:
                taken.append("app '%s' (%s) is bound to app quota '%s' (%s)" % (
                    app['name'], app['app_id'], other.get('name'), other.get('app_quota_id')))
        if taken:
            raise ValidationError('cannot bind to %s: %s; an app can be bound to only one quota: unbind it there '
                                  'first' % (self.label(), '; '.join(taken)))

    # -- check mode and results ----------------------------------------------------------------
    def predict(self, current, desired, changes):
        predicted = dict(current or {'app_quota_id': None, 'remark': ''})
        predicted.update(dict((k, v) for k, v in (changes if current else desired).items() if k != 'apps'))
        if 'apps' in changes:
            bound = (current or {}).get('bound_apps') or []
            apps, remove = self._plan_bindings(predicted['app_quota_id'], bound, desired['apps'])
            predicted['bound_apps'] = [app for app in bound if app not in remove] + apps
        elif current is None:
            predicted['bound_apps'] = []
        return predicted

    def returned(self, obj):
        return returned_quota(obj)

    def close(self):
        if self.shared is None:
            self.cloud.close()


class SharedQuotas:
    """The client and the shared reads of a ``quotas`` list: the quotas of every name, read once."""

    def __init__(self, params, items):
        self.cloud = HuaweiCloud(params)
        references = unique(ref for item in items if item.get('state') != 'absent' for ref in item.get('apps') or [])
        self.api = QuotaApi(self.cloud, SharedAppLookup(self.cloud, references))
        self.names = unique(item['name'] for item in items)
        self.by_name = {}

    def preload(self):
        """Every quota of the items' names: the whole unfiltered listing when it takes no more
        requests than a lookup per name (ceil(quotas / 500) requests), else one lookup per name."""
        if not self.names:
            return
        listed = None
        if len(self.names) > 1:
            page = self.cloud.request('GET', '/app-quotas', query={'offset': 0, 'limit': PAGE_LIMIT}).data or {}
            listed = list(page.get('quotas') or [])
            total = page.get('total')
            if total is None:
                listed = None
            elif len(listed) < total:
                if -(-total // PAGE_LIMIT) - 1 <= len(self.names):
                    while len(listed) < total:
                        more = self.cloud.request('GET', '/app-quotas',
                                                  query={'offset': len(listed), 'limit': PAGE_LIMIT}).data or {}
                        if not more.get('quotas'):
                            break
                        listed.extend(more['quotas'])
                else:
                    listed = None
        for name in self.names:
            candidates = listed if listed is not None else self.api.list_quotas(name)
            self.by_name[name] = [quota for quota in candidates if quota.get('name') == name]

    def quota_named(self, name):
        found = self.by_name.get(name)
        if found is None:
            return self.api.find_by_name(name)
        if len(found) > 1:
            raise ApiError('%d app quotas are named %s; expected at most one' % (len(found), name))
        return dict(found[0]) if found else None

    def close(self):
        self.cloud.close()


def returned_quota(obj):
    """A quota as the modules return it: keys the API omits when empty filled in, times normalised.

    ``bound_apps`` is there when the bindings were read, and then ``bound_app_num`` is their
    count; otherwise ``bound_app_num`` is what the API said (0 when it said nothing), and no
    list is made up from it: a vendor example shows ``bound_app_num: 0`` with an app bound.
    """
    quota = dict(obj)
    quota['reset_time'] = normalise_reset_time(quota.get('reset_time'))
    quota.setdefault('remark', '')
    if 'bound_apps' in quota:
        quota['bound_app_num'] = len(quota['bound_apps'])
    else:
        quota['bound_app_num'] = quota.get('bound_app_num') or 0
    return quota


class AppQuotaInfo:
    """Every quota of the instance (every page), each with its bound apps."""

    def __init__(self, module):
        self.params = module.params
        self.cloud = HuaweiCloud(module.params)
        self.api = QuotaApi(self.cloud)

    def gather(self):
        names = self.params.get('names')
        if names is None and self.params.get('name'):
            names = [self.params['name']]
        quotas = self.api.list_quotas() if names is None else self.api.named(names)
        quotas = [self.api.with_bindings(quota) for quota in quotas]
        return dict(changed=False, app_quotas=[returned_quota(quota) for quota in quotas])

    def close(self):
        self.cloud.close()
