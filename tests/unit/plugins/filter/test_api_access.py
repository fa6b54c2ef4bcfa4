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
    api_access_pending,
    api_access_redacted,
    api_access_result,
    api_access_secrets,
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
    assert lists['removed'] == ['gone']  # the services whose applications the role leaves in place


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
        "service, type, state, quota, credential, apis and environment",
        "api_access_services[1] (suno): quota: unsupported keys 'aps' (did you mean 'apps'?), 'limit' (did you mean "
        "'call_limits'?); a quota takes "
        "name, call_limits, time_unit, time_interval, reset_time, remark, apps and purge_apps",
        "api_access_services[2]: service is required, an Ace Data Cloud service alias or UUID (got None)",
        "api_access_services[3]: service is required, an Ace Data Cloud service alias or UUID (got 1)",
        "api_access_services[4]: service is required, an Ace Data Cloud service alias or UUID (got '  ')",
        "api_access_services[5] (openai): state must be one of present, absent (got 'gone')",
        "api_access_services[6] (kling): quota must be a dict of apig_app_quota options (got str)",
        "api_access_services[7]: an entry must be a dict (service, type, state, quota, credential, apis, environment), "
        "not str",
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
    none = dict(credential_id=None, authorized_apis=[])
    assert api_access_result(entries, lists, apps, quotas) == [
        dict(service='midjourney', application_id='app-mj', app_quota_id='q1', bound_apps=[APP_A], **none),
        dict(service='suno', application_id='app-suno', app_quota_id='q2', bound_apps=[], **none),
        dict(service='openai', application_id=None, app_quota_id=None, bound_apps=[], **none),
        dict(service='gone', application_id=None, app_quota_id=None, bound_apps=[], **none)]


def test_result_without_module_results():
    entries = services()
    rows = api_access_result(entries, api_access_lists(entries), [], None)
    assert [row['application_id'] for row in rows] == [None] * 4


def test_filters_are_exported():
    assert FilterModule().filters() == {'api_access_lists': api_access_lists, 'api_access_errors': api_access_errors,
                                        'api_access_result': api_access_result, 'api_access_pending': api_access_pending,
                                        'api_access_secrets': api_access_secrets,
                                        'api_access_redacted': api_access_redacted}


# -- 2.0: consumers, authorizations, API keys ---------------------------------------------------
CONSUMERS = [dict(name='consumer_app_a', remark='Team A'), dict(name='consumer_app_b')]


def services_2():
    return [dict(service='midjourney', credential=dict(name='apig-backend', limited_amount=500),
                 apis=['mj_imagine', 'mj_fetch'], quota=dict(QUOTA, apps=['consumer_app_a', 'consumer_app_b'])),
            dict(service='suno', apis=['suno_generate', 'mj_fetch'], credential=dict(name='apig-backend'),
                 quota=dict(QUOTA, name='q_suno', apps=['consumer_app_b', 'legacy_app']))]


def test_lists_make_one_app_item_per_consumer_with_the_apis_of_every_service():
    lists = api_access_lists(services_2(), CONSUMERS)
    assert lists['problems'] == []
    assert lists['apps'] == [
        dict(name='consumer_app_a', remark='Team A', environment='RELEASE', apis=['mj_imagine', 'mj_fetch']),
        dict(name='consumer_app_b', environment='RELEASE', apis=['mj_imagine', 'mj_fetch', 'suno_generate']),
        dict(name='legacy_app', environment='RELEASE', apis=['suno_generate', 'mj_fetch'])]
    # An app a service authorizes that is no consumer must exist already.
    assert lists['foreign_apps'] == [2]
    assert lists['app_owners'][1] == dict(consumers=['api_access_consumers[1] (consumer_app_b)'],
                                          services=['api_access_services[0] (midjourney)',
                                                    'api_access_services[1] (suno)'])
    assert lists['credentials'] == [dict(name='apig-backend', limited_amount=500, service='midjourney'),
                                    dict(name='apig-backend', service='suno')]
    assert lists['credential_of'] == [0, 1]


def test_lists_refuse_an_app_authorized_in_two_environments_and_apis_without_apps():
    entries = services_2()
    entries[1]['environment'] = 'TEST'
    entries.append(dict(service='kling', apis=['k1']))
    entries.append(dict(service='luma', apis='l1', quota=dict(QUOTA, name='q_l')))
    problems = api_access_lists(entries, CONSUMERS)['problems']
    assert problems == [
        "api_access_services[1] (suno): environment: app 'consumer_app_b' is authorized in environment 'RELEASE' by "
        "api_access_services[0] (midjourney); the role authorizes an app in one environment",
        'api_access_services[2] (kling): apis needs quota.apps, the apps to authorize to call them',
        "api_access_services[3] (luma): apis must be a list of APIG API names or ids (got 'l1')"]


def test_lists_name_each_consumer_that_is_no_consumer_entry():
    problems = api_access_lists([], [dict(name='a', remrak='x'), 'b', dict(remark='no name')])['problems']
    assert problems == [
        "api_access_consumers[0] (a): unsupported key 'remrak' (did you mean 'remark'?); a consumer takes name, remark, "
        "app_key, app_secret, update_secret and reset_secret",
        'api_access_consumers[1]: a consumer must be a dict (name, remark, app_key, app_secret, update_secret, '
        'reset_secret), not str',
        'api_access_consumers[2]: name is required, the APIG app (credential) name (got None)']
    with pytest.raises(AnsibleFilterError, match='consumers must be a list'):
        api_access_lists([], {'name': 'a'})


def app_run(*ids, changed=True):
    return dict(changed=changed, results=[dict(changed=changed, app={'id': app_id}) for app_id in ids])


def test_pending_leaves_new_consumers_out_of_the_quotas_and_refuses_foreign_apps_that_do_not_exist():
    lists = api_access_lists(services_2(), CONSUMERS)
    pending = api_access_pending(lists, app_run(None, 'b' * 32, 'c' * 32))
    assert pending['pending_apps'] == ['consumer_app_a']
    assert [item['apps'] for item in pending['quotas']] == [['consumer_app_b'], ['consumer_app_b', 'legacy_app']]
    assert pending['problems'] == []
    assert lists['quotas'][0]['apps'] == ['consumer_app_a', 'consumer_app_b']  # the lists are left as they are
    missing = api_access_pending(lists, app_run(None, None, None))
    assert missing['problems'] == [
        "api_access_services[1] (suno): quota.apps: no app (credential) named 'legacy_app' exists, and it is none of "
        'api_access_consumers (list it there to have it created)']
    # A check that did not judge the consumers (another item's bad value stopped it) leaves them all out.
    undecided = api_access_pending(lists, dict(failed=True, results=[dict(failed=True, msg='remark ...'),
                                                                     dict(failed=False, changed=False), {}]))
    assert undecided['pending_apps'] == ['consumer_app_a', 'consumer_app_b'] and undecided['problems'] == []
    assert [item['apps'] for item in undecided['quotas']] == [[], ['legacy_app']]
    assert api_access_pending(lists, dict(msg='no gateway'))['pending_apps'] == ['consumer_app_a', 'consumer_app_b']
    # After the real run every app has an id: nothing is pending, and the quotas are the lists' own.
    done = api_access_pending(lists, app_run('a' * 32, 'b' * 32, 'c' * 32))
    assert done['pending_apps'] == [] and done['problems'] == []
    assert done['quotas'] is lists['quotas']


def test_pending_without_apps_leaves_the_quotas_as_shaped():
    lists = api_access_lists(services())
    plan = api_access_pending(lists, dict(skipped=True, changed=False))
    assert plan == dict(quotas=lists['quotas'], pending_apps=[], problems=[])


def test_errors_name_consumers_and_services_for_the_apps_and_keys_the_modules_refused():
    entries = services_2()
    lists = api_access_lists(entries, CONSUMERS)
    app_check = dict(failed=True, results=[
        dict(failed=True, msg='remark must be at most 255 characters (got 300)'),
        dict(failed=True, msg="apis: no API named 'mj_fetch' exists in instance i"),
        dict(failed=False)])
    credential_check = dict(failed=True, results=[
        dict(failed=False), dict(failed=True, msg='limited_amount must not be negative')])
    problems = api_access_errors(entries, lists, dict(skipped=True), dict(skipped=True), app_check, credential_check)
    assert problems == [
        'api_access_consumers[0] (consumer_app_a): remark must be at most 255 characters (got 300)',
        "api_access_services[0] (midjourney): apis: no API named 'mj_fetch' exists in instance i",
        "api_access_services[1] (suno): apis: no API named 'mj_fetch' exists in instance i",
        'api_access_services[1] (suno): credential.limited_amount must not be negative']
    whole = api_access_errors(entries, lists, dict(skipped=True), dict(skipped=True), dict(msg='no gateway'), None,
                              api_access_pending(lists, app_run(None, None, None)))
    assert whole[0].startswith("api_access_services[1] (suno): quota.apps: no app (credential) named 'legacy_app'")
    assert whole[1] == 'apig_app: no gateway'


def test_result_gains_the_key_and_the_authorized_apis_and_reports_pending_bindings():
    entries = services_2()
    lists = api_access_lists(entries, CONSUMERS)
    apis = [dict(api_id='i1', name='mj_imagine'), dict(api_id='f1', name='mj_fetch'), dict(api_id='s1', name='suno_generate')]
    apps = [dict(app={'id': None, 'authorized_apis': apis[:2]}), dict(app={'id': 'b', 'authorized_apis': apis}),
            dict(app={'id': 'c', 'authorized_apis': apis[1:]})]
    quotas = [dict(app_quota={'app_quota_id': None, 'bound_apps': [{'app_id': 'b', 'name': 'consumer_app_b'}]}),
              dict(app_quota={'app_quota_id': 'q2', 'bound_apps': []})]
    credentials = [dict(credential={'id': 'k1', 'token': '****abcd'}), dict(credential={'id': None})]
    pending = dict(pending_apps=['consumer_app_a'], quotas=[], problems=[])
    rows = api_access_result(entries, lists, [{}, {}], quotas, apps, credentials, pending)
    assert rows[0]['credential_id'] == 'k1' and rows[1]['credential_id'] is None
    assert rows[0]['bound_apps'] == [{'app_id': 'b', 'name': 'consumer_app_b'}, {'app_id': None, 'name': 'consumer_app_a'}]
    assert rows[0]['authorized_apis'] == [
        dict(app='consumer_app_a', api_id='i1', name='mj_imagine'), dict(app='consumer_app_a', api_id='f1', name='mj_fetch'),
        dict(app='consumer_app_b', api_id='i1', name='mj_imagine'), dict(app='consumer_app_b', api_id='f1', name='mj_fetch')]
    assert [(api['app'], api['name']) for api in rows[1]['authorized_apis']] == [
        ('consumer_app_b', 'mj_fetch'), ('consumer_app_b', 'suno_generate'),
        ('legacy_app', 'mj_fetch'), ('legacy_app', 'suno_generate')]


def test_secrets_hold_the_tokens_and_the_secrets_of_consumers_created_or_reset():
    entries = services_2()
    consumers = CONSUMERS + [dict(name='consumer_app_c', reset_secret=True)]
    lists = api_access_lists(entries, consumers)
    checks = [dict(changed=True, app={'id': None}), dict(changed=False, app={'id': 'b'}),
              dict(changed=True, app={'id': 'c'}), dict(changed=False, app={'id': 'l'})]
    apps = [dict(app={'id': 'a', 'app_key': 'ka', 'app_secret': 'sa'}), dict(app={'id': 'b', 'app_secret': 'sb'}),
            dict(app={'id': 'c', 'app_key': 'kc', 'app_secret': 'sc'}), dict(app={'id': 'l', 'app_secret': 'sl'})]
    credentials = [dict(credential={'token': 'sk-1'}), dict(credential={'token': 'sk-2'})]
    secrets = api_access_secrets(entries, lists, apps, credentials, checks)
    assert secrets == dict(services={'midjourney': 'sk-1', 'suno': 'sk-2'},
                           consumers={'consumer_app_a': dict(app_key='ka', app_secret='sa'),
                                      'consumer_app_c': dict(app_key='kc', app_secret='sc')})


def test_errors_say_a_message_once_for_an_entry():
    entries = [dict(service='nope', credential=dict(name='k'))]
    lists = api_access_lists(entries)
    text = "service: no Ace Data Cloud service has the alias 'nope'"
    problems = api_access_errors(entries, lists, dict(results=[dict(failed=True, msg=text)]), dict(skipped=True),
                                 None, dict(results=[dict(failed=True, msg=text)]))
    assert problems == ['api_access_services[0] (nope): ' + text]


def test_redacted_masks_the_revealed_secrets_of_a_registered_run():
    registered = dict(changed=True, results=[
        dict(item={'name': 'a'}, app={'id': 'a', 'app_key': 'key-a', 'app_secret': 'secret-of-app-a'}),
        dict(item={'name': 'k'}, credential={'id': 'k', 'token': 'sk-0123456789abcdef'}),
        dict(item={'name': 'x'}, failed=True, msg='refused')])
    redacted = api_access_redacted(registered)
    assert redacted['results'][0]['app'] == {'id': 'a', 'app_key': 'key-a', 'app_secret': '********pp-a'}
    assert redacted['results'][1]['credential'] == {'id': 'k', 'token': '********cdef'}
    assert redacted['results'][2] == registered['results'][2]
    assert registered['results'][0]['app']['app_secret'] == 'secret-of-app-a'  # the input is left as it is
    assert api_access_redacted(dict(skipped=True)) == dict(skipped=True)
    assert api_access_redacted(None) is None


def test_lists_refuse_app_ids_to_authorize():
    entries = [dict(service='midjourney', apis=['mj_imagine'], quota=dict(QUOTA, apps=['a' * 32, 'consumer_app_a']))]
    assert api_access_lists(entries)['problems'] == [
        'api_access_services[0] (midjourney): quota.apps: with apis, name each app by its name, not its id (%s)' % ('a' * 32)]
    # Without apis, an id binds as in 1.x.
    assert api_access_lists([dict(service='midjourney', quota=dict(QUOTA, apps=['a' * 32]))])['problems'] == []


def test_secrets_take_a_given_app_secret_from_the_consumer():
    lists = api_access_lists([], [dict(name='given', app_secret='my-own-secret-123')])
    apps = [dict(app={'id': 'g', 'app_key': 'kg', 'app_secret': 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'})]
    secrets = api_access_secrets([], lists, apps, [], [dict(changed=True, app={'id': None})])
    assert secrets['consumers'] == {'given': dict(app_key='kg', app_secret='my-own-secret-123')}
