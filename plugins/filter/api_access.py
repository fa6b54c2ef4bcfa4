# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters of the role ``api_access``: its service entries shaped into the modules' lists, the
entries the modules' check pass refused, and the role's result.

None of them judges anything: the list forms of ``acedata_application`` and ``apig_app_quota``
(the engine) decide what each service needs and what is wrong with it. These filters only turn
``api_access_services`` into the ``applications`` and ``quotas`` lists, and map the modules'
per-item answers back to the service entries.
"""

import difflib
import re
from collections.abc import Mapping

from ansible.errors import AnsibleFilterError
from ansible.module_utils.common.text.converters import to_text

# The quota options the role passes to apig_app_quota's ``quotas`` items.
QUOTA_OPTIONS = ('name', 'call_limits', 'time_unit', 'time_interval', 'reset_time', 'remark', 'apps', 'purge_apps')
APPLICATION_OPTIONS = ('service', 'type')
# The keys of a service entry. Its values are the modules' to judge; the role's argument spec only
# says that each entry is a dict, so that a bad entry is named here, by its index, and not in a dump
# of the whole argument spec.
ENTRY_KEYS = ('service', 'type', 'state', 'quota')
STATES = ('present', 'absent')
ITEM_REFERENCE = re.compile(r'\b(quotas|applications)\[(\d+)\]')


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


def _entry_problems(index, entry):
    """What makes ``entry`` no service entry at all, each message naming it by its index."""
    if not isinstance(entry, Mapping):
        return ['api_access_services[%d]: an entry must be a dict (service, type, state, quota), not %s'
                % (index, type(entry).__name__)]
    service = entry.get('service')
    named = isinstance(service, str) and service.strip()
    label = _label_of(index, service) if named else 'api_access_services[%d]' % index
    problems = []
    if not named:
        problems.append('%s: service is required, an Ace Data Cloud service alias or UUID (got %r)' % (label, service))
    unknown = _unknown(entry, ENTRY_KEYS, 'an entry')
    if unknown:
        problems.append('%s: %s' % (label, unknown))
    if entry.get('state') is not None and entry.get('state') not in STATES:
        problems.append('%s: state must be one of present, absent (got %r)' % (label, entry.get('state')))
    quota = entry.get('quota')
    if quota is not None and not isinstance(quota, Mapping):
        problems.append('%s: quota must be a dict of apig_app_quota options (got %s)' % (label, type(quota).__name__))
    elif quota is not None:
        unknown = _unknown(quota, QUOTA_OPTIONS, 'a quota')
        if unknown:
            problems.append('%s: quota: %s' % (label, unknown))
    return problems


def api_access_lists(services):
    """The modules' lists for the role's services, and which item each service maps to.

    Returns ``{applications, quotas, application_of, quota_of, application_owners, quota_owners,
    problems}``: one ``applications`` item per present service, one ``quotas`` item per service
    with a quota (with ``state``). Services that ask exactly the same share one item; two services
    that ask different things of one quota stay two items, which the module refuses as one identity
    named twice. An entry that is no service entry at all (not a dict, no service, a key the role
    does not know, a state that is no choice) gets no item and a line in ``problems``; the others
    are still shaped, so that the modules' check names every bad entry in one run.
    """
    if not isinstance(services, list):
        raise AnsibleFilterError('api_access_lists: the services must be a list, not %s' % type(services).__name__)
    lists = dict(applications=[], quotas=[], application_of=[], quota_of=[], application_owners=[], quota_owners=[],
                 problems=[])
    for index, entry in enumerate(services):
        problems = _entry_problems(index, entry)
        if problems:
            lists['problems'].extend(problems)
            lists['application_of'].append(None)
            lists['quota_of'].append(None)
            continue
        entry = _plain(entry)
        state = entry.get('state') or 'present'
        application = None
        if state == 'present':
            item = dict((key, entry[key]) for key in APPLICATION_OPTIONS if entry.get(key) is not None)
            application = _add(lists['applications'], lists['application_owners'], item, index)
        lists['application_of'].append(application)
        quota = None
        spec = entry.get('quota')
        if isinstance(spec, Mapping):
            item = dict((key, spec[key]) for key in QUOTA_OPTIONS if spec.get(key) is not None)
            item['state'] = state
            quota = _add(lists['quotas'], lists['quota_owners'], item, index)
        lists['quota_of'].append(quota)
    return lists


def _label_of(index, service):
    return 'api_access_services[%d] (%s)' % (index, to_text(service))


def _label(services, index):
    return _label_of(index, services[index].get('service'))


def _entry_message(kind, text):
    """An item's message as a path in the service entry: ``quota.call_limits must ...``."""
    options = QUOTA_OPTIONS + ('state',) if kind == 'quotas' else APPLICATION_OPTIONS
    head = re.match(r'^([a-z_]+)\b', text)
    if head and head.group(1) in options:
        return ('quota.%s' % text) if kind == 'quotas' and head.group(1) != 'state' else text
    return '%s: %s' % ('quota' if kind == 'quotas' else 'application', text)


ENTRY_INDEX = re.compile(r'^api_access_services\[(\d+)\]')


def _by_entry(problem):
    """Sort key: the entry's index; a whole module's failure (no entry) last."""
    found = ENTRY_INDEX.match(problem)
    return (0, int(found.group(1))) if found else (1, 0)


def api_access_errors(services, lists, application_check, quota_check):
    """``api_access_services[i] (service): what is wrong`` for each entry that is no service entry
    (``lists['problems']``) or that the modules' check refused, in the order of the entries."""
    problems = list(lists.get('problems') or [])
    for kind, registered, owners_key, module in (
            ('quotas', quota_check, 'quota_owners', 'apig_app_quota'),
            ('applications', application_check, 'application_owners', 'acedata_application')):
        # The role registers the check with ``failed_when: false``, which resets ``failed``: the
        # items' own ``failed`` tell, or, for a run that failed as a whole, a ``msg`` without results.
        if not isinstance(registered, Mapping) or registered.get('skipped'):
            continue
        owners = lists[owners_key]

        def owner(match, owners=owners, kind=kind):
            position = int(match.group(2))
            if match.group(1) == kind and position < len(owners):
                return _label(services, owners[position][0])
            return match.group(0)
        results = registered.get('results')
        if results is None:
            if registered.get('msg'):  # the module failed as a whole (connection, credentials)
                problems.append('%s: %s' % (module, to_text(registered.get('msg'))))
            continue
        failed = [(position, result) for position, result in enumerate(results) if result.get('failed')]
        for position, result in failed:
            text = ITEM_REFERENCE.sub(owner, to_text(result.get('msg')))
            for index in owners[position]:
                problems.append('%s: %s' % (_label(services, index), _entry_message(kind, text)))
    return sorted(problems, key=_by_entry)


def api_access_result(services, lists, application_results, quota_results):
    """The role's result: ``{service, application_id, app_quota_id, bound_apps}`` per service.

    ``application_results`` and ``quota_results`` are the ``results`` of the list runs (the real
    one when it ran, else the check pass): one entry per item of ``lists``.
    """
    applications = list(application_results or [])
    quotas = list(quota_results or [])
    out = []
    for index, entry in enumerate(services):
        entry = entry if isinstance(entry, Mapping) else {}
        row = dict(service=to_text(entry.get('service')), application_id=None, app_quota_id=None, bound_apps=[])
        position = lists['application_of'][index]
        if position is not None and position < len(applications):
            row['application_id'] = (applications[position].get('application') or {}).get('id')
        position = lists['quota_of'][index]
        if position is not None and position < len(quotas) and (entry.get('state') or 'present') == 'present':
            quota = quotas[position].get('app_quota') or {}
            row['app_quota_id'] = quota.get('app_quota_id')
            # Without apps the module does not read the bindings: none are reported.
            row['bound_apps'] = quota.get('bound_apps') or []
        out.append(row)
    return out


class FilterModule(object):

    def filters(self):
        return {
            'api_access_lists': api_access_lists,
            'api_access_errors': api_access_errors,
            'api_access_result': api_access_result,
        }
