# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters of the role ``api_access``: which services need a module run, and the role's result.

The role reads the account's applications and the services' quotas once (two info tasks), then
runs ``acedata_application`` and ``apig_app_quota`` only for the services whose application or
quota is not already as asked. ``api_access_plan`` makes that call with the modules' own argument
specs, validation and comparison functions, so that it skips a service only when the module would
find nothing to do; whenever it cannot tell (bad input, an alias it cannot map, several matches),
the service goes to the module, which then acts, warns or fails exactly as it would alone.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.text.converters import to_text
from ansible_collections.apiops.provisioning.plugins.module_utils.acedata import (
    APPLICATION_ARGSPEC,
    UUID_PATTERN,
    owned_applications,
    validate_application_fields,
)
from ansible_collections.apiops.provisioning.plugins.module_utils.apig import (
    RESOURCE_ARGSPEC,
    AppQuota,
    quota_changes,
    validate_quota_options,
)
from ansible_collections.apiops.provisioning.plugins.module_utils.resource import ValidationError, set_options

# The quota options the role passes to apig_app_quota (roles/api_access/tasks/main.yml).
QUOTA_OPTIONS = ('name', 'call_limits', 'time_unit', 'time_interval', 'reset_time', 'remark', 'apps')


def _plain(value):
    """``value`` as plain dicts and lists: cheap to copy, unlike the templating engine's lazy containers."""
    if isinstance(value, Mapping):
        return dict((key, _plain(item)) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def _checked(spec, params, validate):
    """The parameters as the module would see them, or None when the module would refuse them."""
    result = ArgumentSpecValidator(spec).validate(params)
    if result.error_messages:
        return None
    checked = result.validated_parameters
    try:
        validate(checked)
    except ValidationError:
        return None
    return checked


def _service_id(reference, applications):
    """The service id of a UUID or alias, from the applications' ``service`` objects; None if unknown."""
    if UUID_PATTERN.fullmatch(reference):
        return reference.lower()
    ids = set(app['service'].get('id') for app in applications
              if isinstance(app.get('service'), dict) and app['service'].get('alias') == reference)
    return ids.pop() if len(ids) == 1 else None


def _application(entry, applications):
    """``(pending, application id)`` of a service that is present."""
    params = _checked(APPLICATION_ARGSPEC, {'service': entry.get('service'), 'type': entry.get('type', 'Usage')},
                      validate_application_fields)
    if params is None or not params.get('service'):
        return True, None
    service_id = _service_id(params['service'], applications)
    found = owned_applications(applications, service_id, params['type'], params['scope']) if service_id else []
    # None found: to create. Several: the module manages the newest and warns, so let it.
    if len(found) != 1:
        return True, None
    return False, found[0].get('id')


def _quota(entry, quotas):
    """``(pending, quota found or None)`` of a service's quota."""
    spec = entry.get('quota') or {}
    if not isinstance(spec, dict):  # the role's task cannot read its options: let it fail there
        return True, None
    # As the role passes them: an option the spec leaves out is omitted (``default(omit)``), not None,
    # which the argument spec would refuse for time_unit (None is not one of its choices).
    params = dict((key, spec[key]) for key in QUOTA_OPTIONS if key in spec)
    params.update(purge_apps=spec.get('purge_apps', False), state=entry.get('state', 'present'))
    params = _checked(RESOURCE_ARGSPEC, params, validate_quota_options)
    if params is None:
        return True, None
    found = [quota for quota in quotas if quota.get('name') == params['name']]
    if len(found) > 1:  # the module fails with a clear message
        return True, None
    current = found[0] if found else None
    if params['state'] == 'absent':
        return current is not None, current
    if current is None:
        return True, None
    return bool(quota_changes(current, set_options(params, AppQuota.fields), params['purge_apps'])), current


def api_access_plan(services, applications, app_quotas):
    """One entry per service: what the role must still do for it, and what exists already."""
    if not isinstance(services, list):
        raise AnsibleFilterError('api_access_plan: the services must be a list, not %s' % type(services).__name__)
    applications = _plain(applications or [])
    app_quotas = _plain(app_quotas or [])
    plan = []
    for index, entry in enumerate(services):
        if not isinstance(entry, dict) or not isinstance(entry.get('service'), str):
            raise AnsibleFilterError('api_access_plan: services[%d] must be a dict with a service' % index)
        entry = _plain(entry)  # once, so that the argument spec's deep copies of its options stay cheap
        step = dict(index=index, service=to_text(entry['service']), spec=entry,
                    application_pending=False, application_id=None,
                    quota_pending=False, app_quota_id=None, bound_apps=[])
        if entry.get('state', 'present') == 'present':
            step['application_pending'], step['application_id'] = _application(entry, applications)
        if entry.get('quota') is not None:
            step['quota_pending'], current = _quota(entry, app_quotas)
            if current is not None and entry.get('state', 'present') == 'present':
                step['app_quota_id'] = current.get('app_quota_id')
                step['bound_apps'] = current.get('bound_apps') or []
        plan.append(step)
    _shared_quotas(plan)
    return plan


def _shared_quotas(plan):
    """Mark pending every service whose quota name another service names with other options.

    The modules run one service after the other: a run for one of them changes the quota the plan
    read for the other (one asks 100 calls, the other 200; one deletes it, the other keeps it), so
    none of them may be skipped. Services that ask exactly the same are judged alike already.
    """
    shared = {}
    for step in plan:
        quota = step['spec'].get('quota')
        if isinstance(quota, dict) and quota.get('name') is not None:
            shared.setdefault(to_text(quota['name']), []).append(step)
    for steps in shared.values():
        asks = [(step['spec'].get('state', 'present'), step['spec']['quota']) for step in steps]
        if any(ask != asks[0] for ask in asks[1:]):
            for step in steps:
                step['quota_pending'] = True


def _by_index(results):
    """The registered results of a loop over plan entries, by the entry's index."""
    found = {}
    for result in results or []:
        item = result.get('item') if isinstance(result, dict) else None
        if isinstance(item, dict) and 'index' in item and not result.get('skipped'):
            found[item['index']] = result
    return found


def api_access_result(plan, application_results, quota_results):
    """The role's result: ``{service, application_id, app_quota_id, bound_apps}`` per service.

    A service the modules ran for takes their answer; the others what the plan found.
    """
    applications = _by_index(application_results)
    quotas = _by_index(quota_results)
    out = []
    for step in plan:
        entry = dict(service=step['service'], application_id=step['application_id'],
                     app_quota_id=step['app_quota_id'], bound_apps=step['bound_apps'])
        ran = applications.get(step['index'])
        if ran is not None:
            entry['application_id'] = (ran.get('application') or {}).get('id')
        ran = quotas.get(step['index'])
        if ran is not None:
            quota = ran.get('app_quota') or {}
            entry['app_quota_id'] = quota.get('app_quota_id')
            # Without apps the module does not read the bindings, nor change them: the plan's stand.
            entry['bound_apps'] = quota.get('bound_apps', step['bound_apps'] if quota else [])
        out.append(entry)
    return out


class FilterModule(object):

    def filters(self):
        return {
            'api_access_plan': api_access_plan,
            'api_access_result': api_access_result,
        }
