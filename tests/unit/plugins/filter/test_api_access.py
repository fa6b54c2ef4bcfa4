# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The role's plan (``api_access_plan``) and result (``api_access_result``), on hand-built data.

The applications and quotas are shaped as ``acedata_application_info`` and ``apig_app_quota_info``
return them. The rule under test: a service is "not pending" only when its module would find
nothing to do; every doubt (bad input, an unmapped alias, several matches) makes it pending.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

import pytest

from ansible.errors import AnsibleFilterError
from ansible_collections.apiops.provisioning.plugins.filter.api_access import (
    FilterModule,
    api_access_plan,
    api_access_result,
)

MJ = 'd87e5e99-b797-4ade-9e73-b896896b0461'
SUNO = '2f6c1a9e-3b8d-4e7f-a1c5-9d2b4f6e8a01'
OPENAI = '7c4e2a1b-9d3f-4b6a-8e5c-1f3a5b7d9e02'
APP_A = {'app_id': 'a1f0c3e5b7d94f2a8c6e4b2d0f1a3c5e', 'name': 'consumer_app_a'}
APP_B = {'app_id': 'b2e1d4f6c8a05e3b9d7f5c3e1a2b4d6f', 'name': 'consumer_app_b'}
APP_C = {'app_id': 'c3f2e5a7d9b16f4c0e8a6d4f2b3c5e7a', 'name': 'consumer_app_c'}
LIMITS = dict(call_limits=1000, time_unit='DAY', time_interval=1)
SERVICES = {MJ: 'midjourney', SUNO: 'suno', OPENAI: 'openai'}


def application(app_id, service_id=MJ, app_type='Usage', scope='Individual', created_at='2026-01-01T00:00:00Z',
                **extra):
    """An application as acedata_application_info returns it (service object included)."""
    obj = {'id': app_id, 'service_id': service_id, 'type': app_type, 'scope': scope, 'created_at': created_at,
           'allow_consume_global': True, 'tags': None, 'metadata': None, 'expired_at': None, 'credentials': [],
           'service': {'id': service_id, 'alias': SERVICES[service_id], 'name': SERVICES[service_id].title()}
           if service_id else None}
    obj.update(extra)
    return obj


def quota(name='q_main', bound=(), **fields):
    """A quota as apig_app_quota_info returns it: normalised, with its bound apps."""
    obj = dict(app_quota_id='id_' + name, name=name, remark='', reset_time=None, **LIMITS)
    obj.update(fields)
    obj['bound_apps'] = [dict(app) for app in bound]
    obj['bound_app_num'] = len(obj['bound_apps'])
    return obj


def one(entry, applications=(), quotas=()):
    """The plan step of a single service."""
    plan = api_access_plan([entry], list(applications), list(quotas))
    assert len(plan) == 1
    return plan[0]


def with_quota(state=None, **spec):
    """A service entry (midjourney) with a quota spec; the limits default to those of ``quota()``."""
    entry = {'service': 'midjourney', 'quota': dict(dict(name='q_main', **LIMITS), **spec)}
    if state is not None:
        entry['state'] = state
    return entry


# ---------------------------------------------------------------------------------------------
# Applications
# ---------------------------------------------------------------------------------------------
def test_application_found_by_alias_through_its_service_object():
    """An alias is mapped to the service id by the applications' own ``service`` objects."""
    step = one({'service': 'midjourney'}, [application('app-mj'), application('app-suno', SUNO)])
    assert step['application_pending'] is False
    assert step['application_id'] == 'app-mj'


@pytest.mark.parametrize('reference', [MJ, MJ.upper(), MJ[:8].upper() + MJ[8:]], ids=['lower', 'upper', 'mixed'])
def test_application_found_by_uuid_whatever_its_case(reference):
    """A UUID is compared lower-cased, as the module does, and needs no alias mapping."""
    apps = [application('app-mj', service={'id': MJ, 'alias': None, 'name': None})]
    step = one({'service': reference}, apps)
    assert (step['application_pending'], step['application_id']) == (False, 'app-mj')


def test_application_of_the_asked_type_only():
    """``type`` picks the application: a Period one is found for Period, not for the default Usage."""
    apps = [application('app-period', app_type='Period')]
    assert one({'service': 'midjourney', 'type': 'Period'}, apps)['application_pending'] is False
    assert one({'service': 'midjourney'}, apps)['application_pending'] is True
    assert one({'service': MJ, 'type': 'Usage'}, apps)['application_pending'] is True


@pytest.mark.parametrize('entry', [
    {'service': 'openai'},                                   # an alias no application names
    {'service': 'no-such-service'},
    {'service': OPENAI},                                     # a UUID without an application
    {'service': 'MidJourney'},                               # aliases are compared exactly
], ids=['alias-without-application', 'unknown-alias', 'uuid-without-application', 'alias-other-case'])
def test_application_not_found_is_pending(entry):
    """Nothing owned for the service (or an alias the plan cannot map): the module must create or resolve it."""
    step = one(entry, [application('app-mj'), application('app-suno', SUNO)])
    assert step['application_pending'] is True
    assert step['application_id'] is None


def test_several_owned_applications_are_pending():
    """Several matches: the module picks the newest and warns, so the plan lets it run."""
    apps = [application('older', created_at='2026-01-01T00:00:00Z'),
            application('newer', created_at='2026-02-01T00:00:00Z')]
    step = one({'service': 'midjourney'}, apps)
    assert (step['application_pending'], step['application_id']) == (True, None)
    # The same two by UUID, and with only one of them: not pending.
    assert one({'service': MJ}, apps)['application_pending'] is True
    assert one({'service': MJ}, apps[:1])['application_pending'] is False


def test_ambiguous_alias_is_pending():
    """An alias that two service objects claim with different ids cannot be mapped."""
    apps = [application('app-mj'),
            application('app-suno', SUNO, service={'id': SUNO, 'alias': 'midjourney', 'name': 'Suno'})]
    assert one({'service': 'midjourney'}, apps)['application_pending'] is True
    assert one({'service': MJ}, apps)['application_pending'] is False


def test_grantee_application_is_ignored():
    """An application someone else owns and shared with the account is not the account's own."""
    granted = application('shared', role='grantee')
    assert one({'service': 'midjourney'}, [granted])['application_pending'] is True
    assert one({'service': MJ}, [granted])['application_pending'] is True
    # Beside an owned one, it is not counted as a second match.
    step = one({'service': MJ}, [granted, application('mine', role='owner')])
    assert (step['application_pending'], step['application_id']) == (False, 'mine')


def test_global_or_other_service_application_is_ignored():
    """A Global application (no service) or another service's does not count for the service."""
    apps = [application('global', service_id=None, scope='Global'), application('suno-app', SUNO),
            application('mj-individual-global-scope', scope='Global')]
    step = one({'service': MJ}, apps)
    assert (step['application_pending'], step['application_id']) == (True, None)
    step = one({'service': MJ}, apps + [application('mine')])
    assert (step['application_pending'], step['application_id']) == (False, 'mine')


@pytest.mark.parametrize('entry', [
    {'service': 'midjourney', 'type': 'Bogus'},
    {'service': 'midjourney', 'type': None},
    {'service': 'bad alias!'},
    {'service': ''},
    {'service': 'midjourney\n'},
], ids=['bad-type', 'type-none', 'bad-alias', 'empty', 'trailing-newline'])
def test_application_invalid_input_is_pending(entry):
    """Input the module refuses goes to the module (which fails with its own message), even beside a match."""
    apps = [application('app-mj'), application('app-period', app_type='Period')]
    assert one(entry, apps)['application_pending'] is True


def test_absent_service_needs_no_application():
    """``state: absent`` never runs acedata_application (the platform cannot delete applications)."""
    step = one({'service': 'openai', 'state': 'absent'}, [])
    assert (step['application_pending'], step['application_id']) == (False, None)


def test_plan_step_shape():
    """Each step keeps its index, service text and the entry itself (the role's tasks read ``spec``)."""
    entries = [{'service': 'midjourney'}, {'service': 'suno', 'type': 'Period', 'quota': dict(name='q_s', **LIMITS)}]
    plan = api_access_plan(copy.deepcopy(entries), [application('app-mj')], None)
    assert [step['index'] for step in plan] == [0, 1]
    assert [step['service'] for step in plan] == ['midjourney', 'suno']
    assert [step['spec'] for step in plan] == entries
    assert [step['application_pending'] for step in plan] == [False, True]
    assert [step['quota_pending'] for step in plan] == [False, True]
    assert plan[0]['app_quota_id'] is None and plan[0]['bound_apps'] == []


# ---------------------------------------------------------------------------------------------
# Quotas
# ---------------------------------------------------------------------------------------------
def test_equal_quota_is_not_pending():
    """A quota as asked: not pending, and its id and bindings are carried into the step."""
    current = quota(bound=[APP_A])
    step = one(with_quota(), [application('app-mj')], [current, quota('q_main_2')])
    assert step['quota_pending'] is False
    assert step['app_quota_id'] == 'id_q_main'
    assert step['bound_apps'] == [APP_A]


@pytest.mark.parametrize('option, value', [
    ('call_limits', 999), ('time_unit', 'HOUR'), ('time_interval', 2), ('remark', 'new remark'),
    ('reset_time', '2026-01-01 00:00:00'),
])
def test_each_differing_scalar_is_pending(option, value):
    """Any one managed field that differs from the quota makes it pending."""
    step = one(with_quota(**{option: value}), quotas=[quota()])
    assert step['quota_pending'] is True
    assert step['app_quota_id'] == 'id_q_main'  # what exists is still reported


def test_options_left_out_are_not_compared():
    """A spec naming only the quota asks nothing of its fields."""
    step = one({'service': 'midjourney', 'quota': {'name': 'q_main'}},
               quotas=[quota(call_limits=5, remark='kept', reset_time='2026-01-01 00:00:00')])
    assert step['quota_pending'] is False


@pytest.mark.parametrize('spec', [{'name': 'q_main'}, {'name': 'q_main', 'apps': ['consumer_app_a']},
                                  {'name': 'q_main', 'remark': 'kept'}], ids=['name', 'apps', 'remark'])
def test_spec_without_time_unit_is_not_pending(spec):
    """Options the spec leaves out are omitted, as the role's ``default(omit)`` does, not passed as None
    (time_unit None is refused by its choices, which would make every such spec pending)."""
    current = quota(bound=[APP_A], remark='kept')
    step = one({'service': 'midjourney', 'quota': spec}, quotas=[current])
    assert step['quota_pending'] is False
    step = one({'service': 'midjourney', 'state': 'absent', 'quota': spec}, quotas=[quota('q_other')])
    assert step['quota_pending'] is False


@pytest.mark.parametrize('option, pending', [('time_unit', True), ('call_limits', False), ('remark', False),
                                             ('apps', False), ('purge_apps', True)])
def test_explicit_null_option(option, pending):
    """An option set to null reaches the module as None (``default`` replaces only what is undefined): for
    time_unit and purge_apps its argument spec refuses it; for the others it is just not compared."""
    assert one(with_quota(**{option: None}), quotas=[quota(remark='kept')])['quota_pending'] is pending


@pytest.mark.parametrize('current, wanted, pending', [
    ('', None, False), (None, None, False), ('', '', False), (None, '', False),
    ('kept', None, False), ('kept', '', True), ('', 'new', True), ('kept', 'kept', False),
])
def test_remark_empty_and_none(current, wanted, pending):
    """An empty remark equals a missing one; an omitted (None) remark is not compared."""
    spec = {} if wanted is None else {'remark': wanted}
    assert one(with_quota(**spec), quotas=[quota(remark=current)])['quota_pending'] is pending


@pytest.mark.parametrize('current, wanted, pending', [
    ('2026-01-01 00:00:00 +0000 +0000', '2026-01-01 00:00:00', False),
    ('2026-01-01 00:00:00', '2026-01-01 00:00:00', False),
    ('2026-01-01 00:00:00 +0000 +0000', '2026-01-01 00:00:01', True),
    (None, '2026-01-01 00:00:00', True),
])
def test_reset_time_normalisation(current, wanted, pending):
    """The read form ``... +0000 +0000`` equals the option's ``YYYY-MM-DD HH:MM:SS``."""
    assert one(with_quota(reset_time=wanted), quotas=[quota(reset_time=current)])['quota_pending'] is pending


@pytest.mark.parametrize('apps', [
    ['consumer_app_a', 'consumer_app_b'],
    [APP_A['app_id'], APP_B['app_id']],
    [APP_B['app_id'], 'consumer_app_a'],
    ['consumer_app_a', APP_A['app_id'], 'consumer_app_b'],
], ids=['by-name', 'by-id', 'mixed', 'same-app-twice'])
def test_apps_by_name_and_by_id(apps):
    """Bound apps match their references by name or by id, with or without purge."""
    current = quota(bound=[APP_A, APP_B])
    assert one(with_quota(apps=apps), quotas=[current])['quota_pending'] is False
    assert one(with_quota(apps=apps, purge_apps=True), quotas=[current])['quota_pending'] is False


def test_apps_subset_with_and_without_purge():
    """Listing fewer apps than are bound changes nothing, unless purge_apps unbinds the rest."""
    current = quota(bound=[APP_A, APP_B])
    assert one(with_quota(apps=['consumer_app_a']), quotas=[current])['quota_pending'] is False
    assert one(with_quota(apps=['consumer_app_a'], purge_apps=False), quotas=[current])['quota_pending'] is False
    assert one(with_quota(apps=['consumer_app_a'], purge_apps=True), quotas=[current])['quota_pending'] is True
    assert one(with_quota(apps=[], purge_apps=True), quotas=[current])['quota_pending'] is True
    assert one(with_quota(apps=[]), quotas=[current])['quota_pending'] is False
    assert one(with_quota(apps=[], purge_apps=True), quotas=[quota()])['quota_pending'] is False


def test_apps_not_bound_yet_are_pending():
    """An app to bind (by name or id) makes the quota pending."""
    current = quota(bound=[APP_A])
    assert one(with_quota(apps=['consumer_app_a', 'consumer_app_c']), quotas=[current])['quota_pending'] is True
    assert one(with_quota(apps=[APP_C['app_id']]), quotas=[current])['quota_pending'] is True
    # The quota read without its bindings (no bound_apps key): the apps count as not bound.
    unread = dict(current)
    del unread['bound_apps']
    assert one(with_quota(apps=['consumer_app_a']), quotas=[unread])['quota_pending'] is True


@pytest.mark.parametrize('spec, pending', [
    (dict(call_limits='1000'), False), (dict(call_limits='1001'), True),
    (dict(time_interval='1'), False), (dict(time_interval='2'), True),
    (dict(apps='consumer_app_a,consumer_app_b', purge_apps='yes'), False),
    (dict(apps='consumer_app_a', purge_apps='true'), True),
    (dict(purge_apps='no', apps=['consumer_app_a']), False),
], ids=['int-equal', 'int-differs', 'interval-equal', 'interval-differs', 'apps-csv', 'purge-string', 'purge-no'])
def test_strings_are_coerced_like_the_module(spec, pending):
    """Strings become ints, lists and bools by the module's own argument spec before the comparison."""
    current = quota(bound=[APP_A, APP_B])
    assert one(with_quota(**spec), quotas=[current])['quota_pending'] is pending


def matching_quota(spec):
    """A quota that has every field ``spec`` asks for, so that only the validation can make it pending."""
    name = spec['name'] if isinstance(spec.get('name'), str) else 'q_main'
    fields = dict((key, value) for key, value in spec.items()
                  if key in ('call_limits', 'time_unit', 'time_interval', 'remark', 'reset_time'))
    bound = [{'app_id': 'f%031d' % index, 'name': ref} for index, ref in enumerate(spec.get('apps') or [])]
    return quota(name, bound=bound, **fields)


@pytest.mark.parametrize('spec', [
    dict(call_limits=0), dict(call_limits=-1), dict(call_limits=2147483648), dict(call_limits=True),
    dict(call_limits='many'), dict(time_interval=0), dict(time_unit='WEEK'), dict(time_unit='day'),
    dict(name='bad name'), dict(name='1quota'), dict(name='qq'), dict(name=None),
    dict(purge_apps=True), dict(remark='<b>'), dict(remark='x' * 256),
    dict(reset_time='2026-02-30 00:00:00'), dict(reset_time='2026-01-01T00:00:00'), dict(reset_time=''),
    dict(apps=['bad app!']), dict(apps=['']), dict(purge_apps=None),
], ids=lambda spec: '-'.join('%s=%r' % item for item in spec.items())[:40])
def test_invalid_quota_input_is_pending(spec):
    """Input the module refuses is pending even when the quota "matches" it, or when there is nothing to
    delete: the module must run, and fail on it."""
    assert one(with_quota(**spec), quotas=[matching_quota(spec)])['quota_pending'] is True
    assert one(with_quota(state='absent', **spec), quotas=[])['quota_pending'] is True


@pytest.mark.parametrize('spec', [
    dict(call_limits=2147483647), dict(time_unit='SECOND'), dict(name='Quota_2'), dict(remark='x' * 255),
    dict(reset_time='2028-02-29 23:59:59'), dict(apps=['abc', 'consumer_app_a']),
], ids=lambda spec: '-'.join('%s=%r' % item for item in spec.items())[:40])
def test_valid_edge_input_on_a_matching_quota_is_not_pending(spec):
    """The control of the test above: valid values at the edges, on the same kind of quota, are not pending."""
    assert one(with_quota(**spec), quotas=[matching_quota(spec)])['quota_pending'] is False
    assert one(with_quota(state='absent', **spec), quotas=[])['quota_pending'] is False


def test_invalid_quota_input_for_absent_quota_is_pending():
    """``state: absent`` with bad options fails in the module even when there is nothing to delete."""
    assert one(with_quota(state='absent', call_limits=0), quotas=[])['quota_pending'] is True
    assert one(with_quota(state='gone'), quotas=[quota()])['quota_pending'] is True


def test_quota_duplicated_in_the_gateway_is_pending():
    """Two quotas of the name: the module fails with a clear message, so the plan cannot skip it."""
    twins = [quota(), dict(quota(), app_quota_id='id_other')]
    step = one(with_quota(), quotas=twins)
    assert (step['quota_pending'], step['app_quota_id']) == (True, None)
    assert one(with_quota(state='absent'), quotas=twins)['quota_pending'] is True


def test_similar_names_are_not_the_quota():
    """Only the exact name counts (the API's name filter is fuzzy; the info module keeps exact ones)."""
    others = [quota('q_main_2'), quota('Q_MAIN'), quota('q_mai')]
    step = one(with_quota(), quotas=others)
    assert (step['quota_pending'], step['app_quota_id']) == (True, None)
    assert one(with_quota(state='absent'), quotas=others)['quota_pending'] is False


def test_quota_not_found_is_pending():
    """A quota to create is pending, with nothing found to report."""
    step = one(with_quota(), quotas=[])
    assert (step['quota_pending'], step['app_quota_id'], step['bound_apps']) == (True, None, [])


def test_absent_quota_found_and_not_found():
    """``state: absent`` is pending only when the quota exists; what it deletes is not reported as kept."""
    step = one(with_quota(state='absent'), quotas=[quota(bound=[APP_A])])
    assert step['quota_pending'] is True
    assert (step['app_quota_id'], step['bound_apps']) == (None, [])
    step = one({'service': 'midjourney', 'state': 'absent', 'quota': {'name': 'q_main'}}, quotas=[])
    assert (step['quota_pending'], step['app_quota_id']) == (False, None)


@pytest.mark.parametrize('entry', [{'service': 'midjourney'}, {'service': 'midjourney', 'quota': None}],
                         ids=['no-key', 'none'])
def test_no_quota(entry):
    """A service without a quota runs no quota module, whatever quotas exist."""
    step = one(entry, quotas=[quota()])
    assert (step['quota_pending'], step['app_quota_id'], step['bound_apps']) == (False, None, [])


@pytest.mark.parametrize('value', ['q_main', ['q_main'], {}, 0], ids=['str', 'list', 'empty-dict', 'zero'])
def test_quota_that_is_not_a_mapping_is_pending(value):
    """A quota spec the role cannot read goes to the role's task (which fails there), not to a crash here."""
    step = one({'service': 'midjourney', 'quota': value}, quotas=[quota()])
    assert step['quota_pending'] is True


def test_same_quota_named_by_services_that_ask_differently_is_pending():
    """Two services naming one quota with other options: the run for one changes what the plan read
    for the other, so both go to the module, in order, as without the plan."""
    current = quota(call_limits=200)
    first = with_quota(call_limits=100)
    second = dict(with_quota(call_limits=200), service='suno')
    plan = api_access_plan([first, second], [], [current])
    assert [step['quota_pending'] for step in plan] == [True, True]
    # One deletes it, the other keeps it as it is.
    plan = api_access_plan([with_quota(state='absent'), dict(with_quota(call_limits=200), service='suno')], [],
                           [current])
    assert [step['quota_pending'] for step in plan] == [True, True]
    # A third service with its own quota is not affected.
    plan = api_access_plan([first, second, dict(with_quota(name='q_other'), service='openai')], [],
                           [current, quota('q_other')])
    assert [step['quota_pending'] for step in plan] == [True, True, False]


def test_same_quota_asked_alike_by_several_services_is_judged_once():
    """Services that ask exactly the same of one quota are all skipped when it is as asked, all pending if not."""
    entries = [with_quota(apps=['consumer_app_a']), dict(with_quota(apps=['consumer_app_a']), service='suno')]
    assert [step['quota_pending'] for step in api_access_plan(entries, [], [quota(bound=[APP_A])])] == [False, False]
    assert [step['quota_pending'] for step in api_access_plan(entries, [], [quota()])] == [True, True]


def test_several_services_are_planned_independently():
    """Each entry is judged on its own application and quota."""
    entries = [
        with_quota(),                                                        # all as asked
        {'service': 'suno', 'quota': dict(name='q_suno', **LIMITS)},         # no application, quota as asked
        {'service': MJ, 'type': 'Period', 'quota': dict(LIMITS, name='q_period', call_limits=1)},  # quota differs
        {'service': 'openai', 'state': 'absent', 'quota': {'name': 'q_gone'}},  # nothing to delete
    ]
    apps = [application('app-mj'), application('app-mj-period', app_type='Period')]
    quotas = [quota(), quota('q_suno'), quota('q_period')]
    plan = api_access_plan(entries, apps, quotas)
    assert [(s['application_pending'], s['quota_pending']) for s in plan] == [
        (False, False), (True, False), (False, True), (False, False)]
    assert [s['application_id'] for s in plan] == ['app-mj', None, 'app-mj-period', None]
    assert [s['app_quota_id'] for s in plan] == ['id_q_main', 'id_q_suno', 'id_q_period', None]


# ---------------------------------------------------------------------------------------------
# Bad input to the filter itself
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize('services', [None, {'service': 'midjourney'}, 'midjourney', ({'service': 'midjourney'},)],
                         ids=['none', 'dict', 'str', 'tuple'])
def test_services_must_be_a_list(services):
    """Anything but a list of services is refused with the filter's name in the message."""
    with pytest.raises(AnsibleFilterError, match='api_access_plan: the services must be a list'):
        api_access_plan(services, [], [])


@pytest.mark.parametrize('entry', [{}, {'service': None}, {'service': 5}, {'quota': {'name': 'q_main'}},
                                   'midjourney', None], ids=['empty', 'none', 'int', 'no-service', 'str', 'null'])
def test_entry_without_service_is_refused(entry):
    """An entry must be a dict with a service string; the message names its index."""
    with pytest.raises(AnsibleFilterError, match=r'services\[1\] must be a dict with a service'):
        api_access_plan([{'service': 'midjourney'}, entry], [], [])


def test_missing_info_results_mean_nothing_exists():
    """None for the applications or quotas (their info task skipped) reads as "none exist"."""
    step, = api_access_plan([with_quota()], None, None)
    assert (step['application_pending'], step['quota_pending']) == (True, True)
    assert (step['application_id'], step['app_quota_id'], step['bound_apps']) == (None, None, [])


def test_filters_are_registered():
    """The collection exposes both filters under their documented names."""
    assert FilterModule().filters() == {'api_access_plan': api_access_plan, 'api_access_result': api_access_result}


# ---------------------------------------------------------------------------------------------
# api_access_result
# ---------------------------------------------------------------------------------------------
def planned():
    """Three services: all as asked (0), application and quota to make (1), quota to delete (2)."""
    entries = [with_quota(apps=['consumer_app_a']),
               {'service': 'suno', 'quota': dict(name='q_suno', **LIMITS)},
               {'service': 'openai', 'state': 'absent', 'quota': {'name': 'q_gone'}}]
    plan = api_access_plan(entries, [application('app-mj')], [quota(bound=[APP_A]), quota('q_gone', bound=[APP_B])])
    assert [(s['application_pending'], s['quota_pending']) for s in plan] == [(False, False), (True, True),
                                                                              (False, True)]
    return plan


def loop_result(step, **result):
    """One item of a registered loop result, as Ansible records it."""
    return dict(result, item=copy.deepcopy(step), changed=True, failed=False, ansible_loop_var='item')


def test_result_without_module_runs_is_the_plan():
    """Nothing ran (both loops empty or undefined): the result is what the plan found."""
    plan = planned()
    expected = [
        dict(service='midjourney', application_id='app-mj', app_quota_id='id_q_main', bound_apps=[APP_A]),
        dict(service='suno', application_id=None, app_quota_id=None, bound_apps=[]),
        dict(service='openai', application_id=None, app_quota_id=None, bound_apps=[]),
    ]
    assert api_access_result(plan, [], []) == expected
    assert api_access_result(plan, None, None) == expected


def test_result_takes_module_results_by_item_index():
    """Each module result lands on the service of its ``item.index``, whatever its position in the loop."""
    plan = planned()
    new_quota = dict(quota('q_suno', bound=[APP_C]), app_quota_id='new-quota')
    applications = [loop_result(plan[1], application={'id': 'new-app', 'service_id': SUNO})]
    quotas = [loop_result(plan[2], app_quota={}), loop_result(plan[1], app_quota=new_quota)]
    result = api_access_result(plan, applications, quotas)
    assert result == [
        dict(service='midjourney', application_id='app-mj', app_quota_id='id_q_main', bound_apps=[APP_A]),
        dict(service='suno', application_id='new-app', app_quota_id='new-quota', bound_apps=[APP_C]),
        dict(service='openai', application_id=None, app_quota_id=None, bound_apps=[]),
    ]


def test_result_ignores_skipped_and_unrelated_items():
    """Skipped items, items without an index and non-dict entries do not override the plan."""
    plan = planned()
    applications = [dict(loop_result(plan[0], application={'id': 'wrong'}), skipped=True),
                    {'item': 'midjourney', 'application': {'id': 'wrong'}}, 'garbage', None,
                    {'application': {'id': 'wrong'}}]
    result = api_access_result(plan, applications, [dict(loop_result(plan[0], app_quota={}), skipped=True)])
    assert result[0] == dict(service='midjourney', application_id='app-mj', app_quota_id='id_q_main',
                             bound_apps=[APP_A])


def test_result_keeps_the_planned_bindings_when_the_module_did_not_read_them():
    """A quota run without ``apps`` returns no bound_apps (it neither reads nor changes them): the plan's stand."""
    entries = [with_quota(call_limits=5)]
    plan = api_access_plan(entries, [], [quota(bound=[APP_A, APP_B])])
    assert plan[0]['quota_pending'] is True
    updated = dict(quota(call_limits=5), bound_app_num=2)
    del updated['bound_apps']
    result = api_access_result(plan, [], [loop_result(plan[0], app_quota=updated)])
    assert result[0]['app_quota_id'] == 'id_q_main'
    assert result[0]['bound_apps'] == [APP_A, APP_B]
    # With bound_apps in the answer, the answer wins (even an empty list).
    result = api_access_result(plan, [], [loop_result(plan[0], app_quota=dict(updated, bound_apps=[]))])
    assert result[0]['bound_apps'] == []


def test_result_of_a_deleted_or_missing_quota_is_empty():
    """An empty ``app_quota`` (deleted) or none at all gives no id and no bindings, not the plan's."""
    plan = api_access_plan([with_quota(call_limits=5)], [], [quota(bound=[APP_A])])
    for ran in (dict(app_quota={}), dict(app_quota=None), {}):
        result = api_access_result(plan, [], [loop_result(plan[0], **ran)])
        assert (result[0]['app_quota_id'], result[0]['bound_apps']) == (None, [])


def test_result_of_an_application_run_without_application():
    """An application result without ``application`` (such as a failed item) reports no id."""
    plan = planned()
    result = api_access_result(plan, [loop_result(plan[0], application={})], [])
    assert result[0]['application_id'] is None
