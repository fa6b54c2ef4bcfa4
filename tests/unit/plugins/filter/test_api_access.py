# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The role's filters: ``api_access_lists`` (shaping only), ``api_access_errors`` (naming the entries the
modules refused) and ``api_access_result``, on hand-built data."""

import pytest

from ansible.errors import AnsibleFilterError
from ansible_collections.apiops.provisioning.plugins.filter.api_access import (
    FilterModule,
    api_access_errors,
    api_access_lists,
    api_access_result,
)

QUOTA = dict(name='q_mj', call_limits=10, time_unit='DAY', time_interval=1, apps=['consumer_app_a'])
APP_A = {'app_id': 'a' * 32, 'name': 'consumer_app_a'}


def services():
    return [dict(service='midjourney', quota=dict(QUOTA)),
            dict(service='suno', type='Period', quota=dict(QUOTA, name='q_suno', call_limits=0, apps=None)),
            dict(service='openai'),
            dict(service='gone', state='absent', quota=dict(name='q_gone'))]


def test_lists_shape_one_item_per_application_and_quota():
    lists = api_access_lists(services())
    assert lists['applications'] == [
        {'service': 'midjourney'}, {'service': 'suno', 'type': 'Period'}, {'service': 'openai'}]
    assert lists['quotas'] == [dict(QUOTA, state='present'),
                               dict(name='q_suno', call_limits=0, time_unit='DAY', time_interval=1, state='present'),
                               dict(name='q_gone', state='absent')]
    assert lists['application_of'] == [0, 1, 2, None]
    assert lists['quota_of'] == [0, 1, None, 2]


def test_lists_share_an_item_between_services_that_ask_the_same():
    entries = [dict(service='midjourney', quota=dict(QUOTA)), dict(service='midjourney', quota=dict(QUOTA)),
               dict(service='suno', quota=dict(QUOTA, call_limits=20))]
    lists = api_access_lists(entries)
    assert lists['application_of'] == [0, 0, 1]
    # Two services asking different things of one quota stay two items: the module refuses them.
    assert lists['quota_of'] == [0, 0, 1] and len(lists['quotas']) == 2
    assert lists['quota_owners'] == [[0, 1], [2]]


@pytest.mark.parametrize('bad', ['midjourney', None, {'service': 'midjourney'}])
def test_lists_refuse_what_is_not_a_list_of_services(bad):
    with pytest.raises(AnsibleFilterError, match='must be a list'):
        api_access_lists(bad)


def test_lists_name_each_entry_that_is_no_service_entry_and_shape_the_others():
    entries = [dict(service='midjourney', quotaa=dict(name='q_typo')),
               dict(service='suno', quota=dict(QUOTA, limit=3, aps=['x'])),
               dict(quota=dict(name='q_orphan')),
               dict(service=1),
               dict(service='  '),
               dict(service='openai', state='gone'),
               dict(service='kling', quota='kling_daily'),
               'just a string',
               dict(service='luma', quota=dict(QUOTA, name='q_luma'))]
    lists = api_access_lists(entries)
    assert lists['problems'] == [
        "api_access_services[0] (midjourney): unsupported key 'quotaa' (did you mean 'quota'?); an entry takes "
        "service, type, state and quota",
        "api_access_services[1] (suno): quota: unsupported keys 'aps' (did you mean 'apps'?), 'limit' (did you mean "
        "'call_limits'?); a quota takes "
        "name, call_limits, time_unit, time_interval, reset_time, remark, apps and purge_apps",
        "api_access_services[2]: service is required, an Ace Data Cloud service alias or UUID (got None)",
        "api_access_services[3]: service is required, an Ace Data Cloud service alias or UUID (got 1)",
        "api_access_services[4]: service is required, an Ace Data Cloud service alias or UUID (got '  ')",
        "api_access_services[5] (openai): state must be one of present, absent (got 'gone')",
        "api_access_services[6] (kling): quota must be a dict of apig_app_quota options (got str)",
        "api_access_services[7]: an entry must be a dict (service, type, state, quota), not str",
    ]
    # The other entries are still shaped, so that the modules' check can name theirs in the same run.
    assert lists['applications'] == [{'service': 'luma'}]
    assert lists['quotas'] == [dict(QUOTA, name='q_luma', state='present')]
    assert lists['application_of'] == [None] * 8 + [0]
    assert lists['quota_of'] == [None] * 8 + [0]


def test_lists_of_good_entries_have_no_problems():
    assert api_access_lists(services())['problems'] == []


def test_errors_name_the_entry_and_the_option():
    entries = services()
    lists = api_access_lists(entries)
    quota_check = dict(failed=True, changed=False, msg='1 of 3 quotas refused', results=[
        dict(failed=False), dict(failed=True, msg='call_limits must be between 1 and 2147483647 (got 0)'),
        dict(failed=False)])
    application_check = dict(failed=True, msg='x', results=[
        dict(failed=False), dict(failed=False),
        dict(failed=True, msg="service: no Ace Data Cloud service has the alias 'openai'")])
    problems = api_access_errors(entries, lists, application_check, quota_check)
    assert problems == [
        'api_access_services[1] (suno): quota.call_limits must be between 1 and 2147483647 (got 0)',
        "api_access_services[2] (openai): service: no Ace Data Cloud service has the alias 'openai'"]


def test_errors_take_the_shape_problems_and_follow_the_entries():
    entries = [dict(service='midjourney'), dict(service='suno', type='usage'), dict(quota=dict(name='q_x'))]
    lists = api_access_lists(entries)
    application_check = dict(failed=True, msg='x', results=[
        dict(failed=False), dict(failed=True, msg='value of type must be one of: Usage, Period, got: usage')])
    quota_check = dict(failed=True, msg='apig_app_quota could not connect')
    assert api_access_errors(entries, lists, application_check, quota_check) == [
        'api_access_services[1] (suno): application: value of type must be one of: Usage, Period, got: usage',
        'api_access_services[2]: service is required, an Ace Data Cloud service alias or UUID (got None)',
        'apig_app_quota: apig_app_quota could not connect']


def test_errors_translate_item_references_and_whole_failures():
    entries = [dict(service='midjourney', quota=dict(QUOTA)), dict(service='suno', quota=dict(QUOTA, name='q_s'))]
    lists = api_access_lists(entries)
    text = "quotas[0] (q_mj) and quotas[1] (q_s) both bind app 'consumer_app_a'; an app can be bound to only one quota"
    quota_check = dict(failed=True, results=[dict(failed=True, msg=text), dict(failed=True, msg=text)])
    problems = api_access_errors(entries, lists, dict(skipped=True), quota_check)
    assert problems[0].startswith('api_access_services[0] (midjourney): quota: api_access_services[0] (midjourney) '
                                  '(q_mj) and api_access_services[1] (suno) (q_s) both bind')
    assert len(problems) == 2
    whole = api_access_errors(entries, lists, dict(failed=False, msg='no credentials'), dict(changed=False))
    assert whole == ['acedata_application: no credentials']


def test_no_errors_when_the_checks_passed_or_were_skipped():
    entries = services()
    assert api_access_errors(entries, api_access_lists(entries), dict(skipped=True), dict(changed=True, results=[])) == []


def test_result_per_service_from_the_list_results():
    entries = services()
    lists = api_access_lists(entries)
    apps = [dict(application={'id': 'app-mj'}), dict(application={'id': 'app-suno'}), dict(application={'id': None})]
    quotas = [dict(app_quota={'app_quota_id': 'q1', 'bound_apps': [APP_A]}), dict(app_quota={'app_quota_id': 'q2'}),
              dict(app_quota={})]
    assert api_access_result(entries, lists, apps, quotas) == [
        dict(service='midjourney', application_id='app-mj', app_quota_id='q1', bound_apps=[APP_A]),
        dict(service='suno', application_id='app-suno', app_quota_id='q2', bound_apps=[]),
        dict(service='openai', application_id=None, app_quota_id=None, bound_apps=[]),
        dict(service='gone', application_id=None, app_quota_id=None, bound_apps=[])]


def test_result_without_module_results():
    entries = services()
    rows = api_access_result(entries, api_access_lists(entries), [], None)
    assert [row['application_id'] for row in rows] == [None] * 4


def test_filters_are_exported():
    assert FilterModule().filters() == {'api_access_lists': api_access_lists, 'api_access_errors': api_access_errors,
                                        'api_access_result': api_access_result}
