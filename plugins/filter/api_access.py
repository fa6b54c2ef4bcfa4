# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters of the role ``api_access``: its entries shaped into the modules' lists, the entries the
modules' check pass refused, and the role's result and secrets.

None of them judges anything: the list forms of ``apig_app``, ``acedata_application``,
``apig_app_quota`` and ``acedata_credential`` (the engine) decide what each entry needs and what
is wrong with it. These filters only turn ``api_access_consumers`` and ``api_access_services``
into the modules' lists, and map the modules' per-item answers back to the entries.
"""

import difflib
import re
from collections.abc import Mapping

from ansible.errors import AnsibleFilterError
from ansible.module_utils.common.text.converters import to_text
from ansible_collections.apiops.provisioning.plugins.module_utils.resource import unique

# The options the role passes to each module's list items.
QUOTA_OPTIONS = ('name', 'call_limits', 'time_unit', 'time_interval', 'reset_time', 'remark', 'apps', 'purge_apps')
APPLICATION_OPTIONS = ('service', 'type')
CREDENTIAL_OPTIONS = ('name', 'limited_amount', 'expired_at', 'allowed_api_ids', 'clear', 'rotate')
CONSUMER_KEYS = ('name', 'remark', 'app_key', 'app_secret', 'update_secret', 'reset_secret')
APP_AUTH_OPTIONS = ('apis', 'environment')
# The keys of a service entry. Its values are the modules' to judge; the role's argument spec only
# says that each entry is a dict, so that a bad entry is named here, by its index, and not in a dump
# of the whole argument spec.
ENTRY_KEYS = ('service', 'type', 'state', 'quota', 'credential', 'apis', 'environment')
STATES = ('present', 'absent')
DEFAULT_ENVIRONMENT = 'RELEASE'
# What an APIG app id looks like (32 hex digits, or a UUID).
APP_ID = re.compile(r'[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}')
ITEM_REFERENCE = re.compile(r'\b(quotas|applications|apps|credentials)\[(\d+)\]')


def _plain(value):
    """``value`` as plain dicts and lists (the templating engine's lazy containers are costly to copy)."""
    if isinstance(value, Mapping):
        return dict((key, _plain(item)) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def _add(items, owners, item, index):
    """The index of ``item`` in ``items``, appended unless an equal item is there already."""
    for position, have in enumerate(items):
        if have == item:
            owners[position].append(index)
            return position
    items.append(item)
    owners.append([index])
    return len(items) - 1


def _unknown(keys, known, what):
    """``unsupported key 'x' (did you mean 'y'?); <what> takes a, b and c``, or None."""
    unknown = sorted(to_text(key) for key in keys if key not in known)
    if not unknown:
        return None
    hints = []
    for key in unknown:
        close = difflib.get_close_matches(key, known, n=1)
        hints.append("'%s'%s" % (key, " (did you mean '%s'?)" % close[0] if close else ''))
    plural = 's' if len(unknown) > 1 else ''
    return 'unsupported key%s %s; %s takes %s and %s' % (plural, ', '.join(hints), what, ', '.join(known[:-1]), known[-1])


def _is_text_list(value):
    return isinstance(value, list) and all(isinstance(item, str) and item.strip() for item in value)


def _entry_problems(index, entry):
    """What makes ``entry`` no service entry at all, each message naming it by its index."""
    label, problems = _shape_problems('api_access_services', index, entry, ENTRY_KEYS, 'an entry', 'service',
                                      'an Ace Data Cloud service alias or UUID')
    if label is None:
        return problems
    if entry.get('state') is not None and entry.get('state') not in STATES:
        problems.append('%s: state must be one of present, absent (got %r)' % (label, entry.get('state')))
    for key, options, module in (('quota', QUOTA_OPTIONS, 'apig_app_quota'),
                                 ('credential', CREDENTIAL_OPTIONS, 'acedata_credential')):
        value = entry.get(key)
        if value is not None and not isinstance(value, Mapping):
            problems.append('%s: %s must be a dict of %s options (got %s)' % (label, key, module, type(value).__name__))
        elif value is not None:
            unknown = _unknown(value, options, 'a %s' % key)
            if unknown:
                problems.append('%s: %s: %s' % (label, key, unknown))
    if entry.get('apis') is not None:
        if not _is_text_list(entry['apis']):
            problems.append('%s: apis must be a list of APIG API names or ids (got %r)' % (label, entry['apis']))
        elif not (isinstance(entry.get('quota'), Mapping) and entry['quota'].get('apps')):
            problems.append('%s: apis needs quota.apps, the apps to authorize to call them' % label)
        else:
            # The apps are authorized by name (apig_app's identity); an id binds, but cannot name one.
            ids = [ref for ref in entry['quota']['apps'] if isinstance(ref, str) and APP_ID.fullmatch(ref)]
            if ids:
                problems.append('%s: quota.apps: with apis, name each app by its name, not its id (%s)'
                                % (label, ', '.join(ids)))
    environment = entry.get('environment')
    if environment is not None and not (isinstance(environment, str) and environment.strip()):
        problems.append('%s: environment must be an APIG environment name or id (got %r)' % (label, environment))
    return problems


def _consumer_problems(index, consumer):
    """What makes ``consumer`` no consumer entry, each message naming it by its index."""
    return _shape_problems('api_access_consumers', index, consumer, CONSUMER_KEYS, 'a consumer', 'name',
                           'the APIG app (credential) name')[1]


def _shape_problems(variable, index, entry, keys, what, identity, meaning):
    """``(label, problems)`` of an entry of the role's list ``variable``: not a dict (label None), no
    ``identity``, keys it does not take. The label names the entry by its index and identity."""
    if not isinstance(entry, Mapping):
        text = '%s[%d]: %s must be a dict (%s), not %s' % (variable, index, what, ', '.join(keys), type(entry).__name__)
        return None, [text]
    value = entry.get(identity)
    named = isinstance(value, str) and value.strip()
    label = _entry_label(variable, index, value) if named else '%s[%d]' % (variable, index)
    problems = []
    if not named:
        problems.append('%s: %s is required, %s (got %r)' % (label, identity, meaning, value))
    unknown = _unknown(entry, keys, what)
    if unknown:
        problems.append('%s: %s' % (label, unknown))
    return label, problems


def api_access_lists(services, consumers=None):
    """The modules' lists for the role's entries, and which item each entry maps to.

    Returns ``{applications, quotas, apps, credentials, application_of, quota_of, credential_of,
    application_owners, quota_owners, credential_owners, app_owners, foreign_apps, problems, removed}``:
    one ``applications`` item per present service, one ``quotas`` item per service with a quota
    (with ``state``), one ``credentials`` item per present service with a credential, and one
    ``apps`` item per consumer, with the APIs that the present services authorize the apps of their
    quota to call (``apis`` in ``environment``). An app a service authorizes that is no consumer
    is an ``apps`` item too (``foreign_apps``): it must exist already. Services that ask exactly
    the same share one item; two services that ask different things of one quota stay two items,
    which the module refuses as one identity named twice. An entry that is no entry at all gets no
    item and a line in ``problems``; the others are still shaped, so that the modules' check names
    every bad entry in one run.
    """
    if not isinstance(services, list):
        raise AnsibleFilterError('api_access_lists: the services must be a list, not %s' % type(services).__name__)
    if consumers is None:
        consumers = []
    if not isinstance(consumers, list):
        raise AnsibleFilterError('api_access_lists: the consumers must be a list, not %s' % type(consumers).__name__)
    lists = dict(applications=[], quotas=[], apps=[], credentials=[], application_of=[], quota_of=[], credential_of=[],
                 application_owners=[], quota_owners=[], credential_owners=[], app_owners=[], foreign_apps=[],
                 problems=[], removed=[])
    by_name = {}

    def app_item(name, item=None, foreign=False):
        if name not in by_name:
            by_name[name] = len(lists['apps'])
            lists['apps'].append(item if item is not None else {'name': name})
            lists['app_owners'].append(dict(consumers=[], services=[]))
            if foreign:
                lists['foreign_apps'].append(by_name[name])
        return by_name[name]

    for index, consumer in enumerate(consumers):
        problems = _consumer_problems(index, consumer)
        if problems:
            lists['problems'].extend(problems)
            continue
        item = dict((key, value) for key, value in _plain(consumer).items() if value is not None)
        if item['name'] in by_name:  # a second consumer of one name: its own item, which the module refuses
            lists['apps'].append(item)
            lists['app_owners'].append(dict(consumers=[], services=[]))
            position = len(lists['apps']) - 1
        else:
            position = app_item(item['name'], item)
        lists['app_owners'][position]['consumers'].append(_entry_label('api_access_consumers', index, item['name']))

    environments = {}
    for index, entry in enumerate(services):
        problems = _entry_problems(index, entry)
        if problems:
            lists['problems'].extend(problems)
            for key in ('application_of', 'quota_of', 'credential_of'):
                lists[key].append(None)
            continue
        entry = _plain(entry)
        state = entry.get('state') or 'present'
        if state == 'absent':
            lists['removed'].append(to_text(entry.get('service')))
        application = credential = None
        if state == 'present':
            item = dict((key, entry[key]) for key in APPLICATION_OPTIONS if entry.get(key) is not None)
            application = _add(lists['applications'], lists['application_owners'], item, index)
            if entry.get('credential') is not None:
                item = dict((key, value) for key, value in entry['credential'].items() if value is not None)
                item.update((key, entry[key]) for key in APPLICATION_OPTIONS if entry.get(key) is not None)
                credential = _add(lists['credentials'], lists['credential_owners'], item, index)
            if entry.get('apis'):
                _authorize(lists, environments, app_item, index, entry)
        lists['application_of'].append(application)
        lists['credential_of'].append(credential)
        quota = None
        spec = entry.get('quota')
        if isinstance(spec, Mapping):
            item = dict((key, spec[key]) for key in QUOTA_OPTIONS if spec.get(key) is not None)
            item['state'] = state
            quota = _add(lists['quotas'], lists['quota_owners'], item, index)
        lists['quota_of'].append(quota)
    return lists


def _authorize(lists, environments, app_item, index, entry):
    """Add the service's ``apis`` to the ``apps`` item of every app of its quota."""
    environment = entry.get('environment') or DEFAULT_ENVIRONMENT
    label = _label_of(index, entry['service'])
    for name in unique(entry['quota']['apps']):
        position = app_item(name, foreign=True)
        item = lists['apps'][position]
        first = environments.setdefault(position, (environment, label))
        if first[0] != environment:
            lists['problems'].append("%s: environment: app '%s' is authorized in environment '%s' by %s; the role "
                                     'authorizes an app in one environment' % (label, name, first[0], first[1]))
            continue
        item['environment'] = environment
        item['apis'] = unique((item.get('apis') or []) + entry['apis'])
        owners = lists['app_owners'][position]['services']
        if label not in owners:
            owners.append(label)


def _entry_label(variable, index, name):
    return '%s[%d] (%s)' % (variable, index, to_text(name))


def _label_of(index, service):
    return _entry_label('api_access_services', index, service)


def _label(services, index):
    return _label_of(index, services[index].get('service'))


def _results(registered):
    if isinstance(registered, Mapping) and not registered.get('skipped'):
        return registered.get('results')
    return None


def _would_create(result, key):
    """True when a list run's entry creates (or, in check mode, would create) its object."""
    if not isinstance(result, Mapping) or not result.get('changed'):
        return False
    obj = result.get(key)
    return isinstance(obj, Mapping) and obj.get('id') is None


def _exists(result):
    """True when a list run's entry found or made its object (it has an id)."""
    obj = result.get('app') if isinstance(result, Mapping) else None
    return isinstance(obj, Mapping) and obj.get('id') is not None


def api_access_pending(lists, app_run):
    """What the quotas can bind, given the run (or the check) of the consumer apps.

    Returns ``{quotas, pending_apps, problems}``: the consumers that the run would create but has
    not (in check mode: every new consumer), or that its check could not judge, are left out of the
    quotas' ``apps``, since the quota module checks that every app it binds exists; ``problems``
    names each app that a service authorizes which is no consumer and would be created (the role
    creates only its consumers).
    """
    results = _results(app_run) or []
    pending = []
    problems = []
    for position, item in enumerate(lists['apps']):
        result = results[position] if position < len(results) else {}
        if position in lists['foreign_apps']:
            if _would_create(result, 'app'):
                pending.append(item['name'])
                for label in lists['app_owners'][position]['services']:
                    problems.append("%s: quota.apps: no app (credential) named '%s' exists, and it is none of "
                                    'api_access_consumers (list it there to have it created)' % (label, item['name']))
        elif not _exists(result):
            # A consumer the run would create, or one its check did not judge (it failed, or the
            # check stopped at another item's bad value): the quota module cannot bind it yet.
            pending.append(item['name'])
    if not pending:  # the quotas as they are (the role evaluates this plan several times: no copy)
        return dict(quotas=lists['quotas'], pending_apps=pending, problems=problems)
    quotas = []
    for item in lists['quotas']:
        item = dict(item)
        if item.get('apps'):
            item['apps'] = [ref for ref in item['apps'] if ref not in pending]
        quotas.append(item)
    return dict(quotas=quotas, pending_apps=pending, problems=problems)


def _entry_message(kind, text):
    """An item's message as a path in the entry: ``quota.call_limits must ...``."""
    options = {'quotas': QUOTA_OPTIONS + ('state',), 'applications': APPLICATION_OPTIONS,
               'credentials': CREDENTIAL_OPTIONS + APPLICATION_OPTIONS + ('scope', 'application_id')}[kind]
    prefix = {'quotas': 'quota', 'applications': 'application', 'credentials': 'credential'}[kind]
    head = re.match(r'^([a-z_]+)\b', text)
    if head and head.group(1) in options:
        if head.group(1) in ('state',) + APPLICATION_OPTIONS or kind == 'applications':
            return text
        return '%s.%s' % (prefix, text)
    return '%s: %s' % (prefix, text)


def _app_messages(owners, text, name):
    """The messages of a refused ``apps`` item, each naming the entry it comes from: its APIs'
    from the services that authorize them, the rest from the consumer."""
    head = re.match(r'^([a-z_]+)\b', text)
    about_apis = bool(head) and head.group(1) in APP_AUTH_OPTIONS + ('purge_apis',)
    if about_apis and owners['services']:
        return ['%s: %s' % (label, text) for label in owners['services']]
    if owners['consumers']:
        return ['%s: %s' % (label, text) for label in owners['consumers']]
    return ["%s: quota.apps: app '%s': %s" % (label, name, text) for label in owners['services']]


ENTRY_INDEX = re.compile(r'^api_access_(consumers|services)\[(\d+)\]')


def _by_entry(problem):
    """Sort key: consumers, then services, by index; a whole module's failure (no entry) last."""
    found = ENTRY_INDEX.match(problem)
    if not found:
        return (2, 0)
    return (0 if found.group(1) == 'consumers' else 1, int(found.group(2)))


def api_access_errors(services, lists, application_check, quota_check, app_check=None, credential_check=None,
                      pending=None):
    """``api_access_services[i] (service): what is wrong`` (or ``api_access_consumers[i] (name)``) for
    each entry that is no entry (``lists['problems']``), that names an app that does not exist
    (``pending['problems']``), or that the modules' check refused, in the order of the entries."""
    problems = list(lists.get('problems') or []) + list((pending or {}).get('problems') or [])
    owner_keys = {'apps': 'app_owners', 'quotas': 'quota_owners', 'applications': 'application_owners',
                  'credentials': 'credential_owners'}

    def reference(match):
        # An item named in a message (``quotas[3]``), as the entry it comes from; looked up only
        # here, since every access to the registered variables costs the templating engine.
        kind, position = match.group(1), int(match.group(2))
        owners = lists.get(owner_keys[kind]) or []
        if position >= len(owners):
            return match.group(0)
        if kind == 'apps':
            return (owners[position]['consumers'] or owners[position]['services'] or ['apps[%d]' % position])[0]
        return _label(services, owners[position][0])

    for kind, registered, module in (
            ('apps', app_check, 'apig_app'), ('quotas', quota_check, 'apig_app_quota'),
            ('applications', application_check, 'acedata_application'),
            ('credentials', credential_check, 'acedata_credential')):
        # The role registers the checks with ``failed_when: false``, which resets ``failed``: the
        # items' own ``failed`` tell, or, for a run that failed as a whole, a ``msg`` without results.
        if not isinstance(registered, Mapping) or registered.get('skipped'):
            continue
        results = registered.get('results')
        if results is None:
            if registered.get('msg'):  # the module failed as a whole (connection, credentials)
                problems.append('%s: %s' % (module, to_text(registered.get('msg'))))
            continue
        for position, result in enumerate(results):
            if not result.get('failed'):
                continue
            text = ITEM_REFERENCE.sub(reference, to_text(result.get('msg')))
            if kind == 'apps':
                owners = lists['app_owners'][position]
                problems.extend(_app_messages(owners, text, lists['apps'][position].get('name')))
                continue
            owners = lists[{'quotas': 'quota_owners', 'applications': 'application_owners',
                            'credentials': 'credential_owners'}[kind]][position]
            for index in owners:
                problems.append('%s: %s' % (_label(services, index), _entry_message(kind, text)))
    # One message once (a bad service alias fails its application and its key alike).
    return sorted(unique(problems), key=_by_entry)


def _entry(results, position, key):
    if position is None or position >= len(results):
        return {}
    return results[position].get(key) or {}


def api_access_result(services, lists, application_results, quota_results, app_results=None,
                      credential_results=None, pending=None):
    """The role's result, per service: ``{service, application_id, app_quota_id, bound_apps,
    credential_id, authorized_apis}``.

    The results are those of the list runs (the real one when it ran, else the check pass): one
    entry per item of ``lists``. ``pending`` (of ``api_access_pending``) names the consumers the
    quotas could not bind yet (check mode): they are reported bound, with no ``app_id``.
    """
    applications = list(application_results or [])
    quotas = list(quota_results or [])
    apps = list(app_results or [])
    credentials = list(credential_results or [])
    waiting = (pending or {}).get('pending_apps') or []
    by_name = dict((item['name'], position) for position, item in enumerate(lists.get('apps') or []))
    application_of, quota_of = list(lists['application_of']), list(lists['quota_of'])
    credential_of = list(lists.get('credential_of') or [None] * len(services))
    out = []
    for index, entry in enumerate(services):
        entry = entry if isinstance(entry, Mapping) else {}
        row = dict(service=to_text(entry.get('service')), application_id=None, app_quota_id=None, bound_apps=[],
                   credential_id=None, authorized_apis=[])
        row['application_id'] = _entry(applications, application_of[index], 'application').get('id')
        row['credential_id'] = _entry(credentials, credential_of[index], 'credential').get('id')
        present = (entry.get('state') or 'present') == 'present'
        position = quota_of[index]
        if position is not None and present:
            quota = _entry(quotas, position, 'app_quota')
            row['app_quota_id'] = quota.get('app_quota_id')
            # Without apps the module does not read the bindings: none are reported.
            bound = list(quota.get('bound_apps') or [])
            named = set(app.get('name') for app in bound)
            for name in (lists['quotas'][position].get('apps') or []) if quota and waiting else []:
                if name in waiting and name not in named:
                    bound.append(dict(app_id=None, name=name))
            row['bound_apps'] = bound
        if present and entry.get('apis') and isinstance(entry.get('quota'), Mapping):
            for name in unique(entry['quota'].get('apps') or []):
                app = _entry(apps, by_name.get(name), 'app')
                for api in app.get('authorized_apis') or []:
                    if api.get('name') in entry['apis'] or api.get('api_id') in entry['apis']:
                        row['authorized_apis'].append(dict(app=name, api_id=api.get('api_id'), name=api.get('name')))
        out.append(row)
    return out


def api_access_secrets(services, lists, app_results, credential_results, app_check_results=None):
    """The secrets of the run, for the ``no_log`` fact ``api_access_secrets``:
    ``{services: {service: API key token}, consumers: {name: {app_key, app_secret}}}``.

    A consumer is there when this run created it or reset its secret (the only times its secret
    is news); a service when it has a credential. The module runs must have revealed them
    (``reveal_secret``, ``reveal_token``).
    """
    apps = list(app_results or [])
    checks = list(app_check_results or [])
    credentials = list(credential_results or [])
    secrets = dict(services={}, consumers={})
    for index, entry in enumerate(services):
        position = (lists.get('credential_of') or [None] * len(services))[index]
        credential = _entry(credentials, position, 'credential')
        if credential.get('token'):
            secrets['services'][to_text(entry.get('service'))] = credential['token']
    for position, item in enumerate(lists.get('apps') or []):
        if position in lists.get('foreign_apps', []) or position >= len(apps):
            continue
        created = position < len(checks) and _would_create(checks[position], 'app')
        if not (created or item.get('reset_secret')):
            continue
        app = apps[position].get('app') or {}
        # A secret the consumer gives is its own (Ansible hides it in the module's answer, as a
        # value of a no_log option); else the one the gateway generated or holds.
        secret = item.get('app_secret') or app.get('app_secret')
        if secret:
            secrets['consumers'][item['name']] = dict(app_key=app.get('app_key'), app_secret=secret)
    return secrets


# The secret of each kind of result, and how the modules mask it: its last four characters.
SECRET_FIELDS = (('app', 'app_secret'), ('credential', 'token'))


def _masked(value):
    return '*' * 8 + value[-4:] if isinstance(value, str) and value else value


def api_access_redacted(registered):
    """A registered list run with every app secret and key token masked, as the modules mask them
    when not asked to reveal: the role keeps the revealed values only in ``api_access_secrets``."""
    if not isinstance(registered, Mapping) or not isinstance(registered.get('results'), list):
        return registered
    registered = dict(registered)
    results = []
    for result in registered['results']:
        result = dict(result) if isinstance(result, Mapping) else result
        for key, field in SECRET_FIELDS:
            if isinstance(result, Mapping) and isinstance(result.get(key), Mapping) and result[key].get(field):
                result[key] = dict(result[key], **{field: _masked(result[key][field])})
        results.append(result)
    registered['results'] = results
    return registered


class FilterModule(object):

    def filters(self):
        return {
            'api_access_lists': api_access_lists,
            'api_access_pending': api_access_pending,
            'api_access_errors': api_access_errors,
            'api_access_result': api_access_result,
            'api_access_secrets': api_access_secrets,
            'api_access_redacted': api_access_redacted,
        }
