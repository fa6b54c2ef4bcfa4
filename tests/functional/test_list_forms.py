# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The list forms (``quotas``, ``applications``) against the emulator: results, state, request counts.

Counts, never times. The modules run in this process against the emulator in a thread, as in
``test_request_counts.py``; the emulator's request log says what each run sent.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import uuid

import pytest

from ansible.module_utils.testing import patch_module_args
from ansible_collections.apiops.provisioning.plugins.modules import acedata_application, apig_app_quota
from emulator import seed as S
from emulator.client import acedata_connection, apig_connection
from emulator.request_counts import PAGE
from test_request_counts import LIMITS, Emulator, route, writes

APP_IDS = dict((app['name'], app['id']) for app in S.DEFAULT_SEED['apig']['apps'])


class ListEmulator(Emulator):

    def run_any(self, module, args, check_mode=False, diff=False):
        """Run ``module``; returns ``(result, requests sent)`` whether it failed or not."""
        before = self.last_seq()
        out = io.StringIO()
        if check_mode:
            args = dict(args, _ansible_check_mode=True)
        if diff:
            args = dict(args, _ansible_diff=True)
        with patch_module_args(args), contextlib.redirect_stdout(out), pytest.raises(SystemExit):
            module.main()
        return json.loads(out.getvalue()), self.requests(before)


@pytest.fixture(name='emulator')
def emulator_fixture(emulator):
    """The shared fixture's client (the module's emulator, reset), as a ``ListEmulator``."""
    return ListEmulator(emulator.url, emulator.server)


def quotas_run(emulator, items, check_mode=False, diff=False, **args):
    return emulator.run_any(apig_app_quota, apig_connection(emulator.url, **dict(args, quotas=items)), check_mode, diff)


def apps_run(emulator, items, check_mode=False, diff=False, **args):
    return emulator.run_any(acedata_application, dict(args, applications=items, **acedata_connection(emulator.url)), check_mode, diff)


def seed_apps(emulator, count):
    names = ['list_app_%03d' % i for i in range(count)]
    emulator.seed({'apig': {'apps': [{'name': name} for name in names]}})
    return names


def test_list_of_100_quotas_created_then_unchanged(emulator):
    names = seed_apps(emulator, 100)
    items = [dict(LIMITS, name='lq_%03d' % i, apps=[names[i]]) for i in range(100)]
    result, sent = quotas_run(emulator, items)
    assert not result.get('failed'), result.get('msg')
    assert result['changed'] is True
    assert [r['changed'] for r in result['results']] == [True] * 100
    assert [r['item']['name'] for r in result['results']] == [item['name'] for item in items]
    assert [[a['name'] for a in r['app_quota']['bound_apps']] for r in result['results']] == [[n] for n in names]
    assert len([r for r in writes(sent) if route(r) == 'POST /app-quotas']) == 100
    assert len([r for r in writes(sent) if r['path'].endswith('/binding-apps')]) == 100
    # One page of apps resolves every reference.
    assert len([r for r in sent if route(r) == 'GET /apps']) == 1

    result, sent = quotas_run(emulator, items)
    assert result['changed'] is False and not result.get('failed')
    assert writes(sent) == []
    # One page of quotas answers every name; the bindings of each quota that has apps.
    assert len(sent) == 1 + 100
    assert [route(r) for r in sent[:1]] == ['GET /app-quotas']


def quota_record(name, number):
    return dict(LIMITS, name=name, app_quota_id='%032x' % number)


def test_unchanged_list_of_1000_quotas_is_two_pages_and_the_bound_ones(emulator):
    quotas = [quota_record('lq_%04d' % i, i + 1) for i in range(1000)]
    bound = [APP_IDS['consumer_app_a'], APP_IDS['consumer_app_b']]
    emulator.seed({'apig': {'quotas': quotas, 'bindings': [
        dict(app_id=bound[0], app_quota_id=quotas[10]['app_quota_id']),
        dict(app_id=bound[1], app_quota_id=quotas[20]['app_quota_id'])]}})
    items = [dict(LIMITS, name=q['name']) for q in quotas]
    items[10]['apps'] = ['consumer_app_a']
    items[20]['apps'] = ['consumer_app_b']
    result, sent = quotas_run(emulator, items, concurrency=8)
    assert not result.get('failed'), result.get('msg')
    assert result['changed'] is False and writes(sent) == []
    assert len(sent) <= math.ceil(1000 / PAGE) + 2
    assert len(sent) == 4


def test_check_mode_and_diff_per_item(emulator):
    emulator.apig(name='lq_have', apps=['consumer_app_a'], **LIMITS)
    items = [dict(LIMITS, name='lq_have', apps=['consumer_app_a']),
             dict(LIMITS, name='lq_new', apps=['consumer_app_b']),
             dict(name='lq_have2', state='absent')]
    result, sent = quotas_run(emulator, items, check_mode=True, diff=True)
    assert writes(sent) == []
    assert [r['changed'] for r in result['results']] == [False, True, False]
    assert 'diff' not in result['results'][0]
    assert result['results'][1]['diff']['after']['apps'] == ['consumer_app_b']
    assert result['results'][1]['app_quota']['app_quota_id'] is None
    assert result['changed'] is True


@pytest.mark.parametrize('items, words', [
    ([dict(LIMITS, name='lq_a'), dict(LIMITS, name='lq_b', call_limits=0)], ['quotas[1]', 'call_limits']),
    ([dict(LIMITS, name='lq_a'), dict(LIMITS, name='lq-dash')], ['quotas[1]', 'name']),
    ([dict(LIMITS, name='lq_a'), dict(LIMITS, name='lq_a', call_limits=5)], ['quotas[0]', 'quotas[1]', 'lq_a']),
    ([dict(LIMITS, name='lq_a', apps=['consumer_app_a']), dict(LIMITS, name='lq_b', apps=['consumer_app_a'])],
     ['quotas[0]', 'quotas[1]', 'consumer_app_a']),
], ids=['call-limits-0', 'dash', 'duplicate', 'one-app-two-quotas'])
def test_bad_items_refused_before_any_request(emulator, items, words):
    result, sent = quotas_run(emulator, items)
    assert result['failed'] is True
    assert [w for w in words if w not in result['msg']] == []
    assert sent == []


def test_values_ansible_would_refuse_are_named_by_their_item(emulator):
    """A value of the wrong type or no choice fails the task naming its item's index, with a result
    per item, and nothing is sent."""
    items = [dict(LIMITS, name='lq_a'), dict(LIMITS, name='lq_b', call_limits='many'),
             dict(LIMITS, name='lq_c', time_unit='WEEK'), dict(LIMITS, name='lq_d', colour='red')]
    result, sent = quotas_run(emulator, items)
    assert sent == []
    assert result['failed'] is True and result['msg'].startswith('3 of 4 quotas refused before any request: quotas[1]: ')
    assert [r['failed'] for r in result['results']] == [False, True, True, True]
    assert "argument 'call_limits' is of type str" in result['results'][1]['msg']
    assert 'value of time_unit must be one of' in result['results'][2]['msg'] and 'WEEK' in result['results'][2]['msg']
    assert 'colour' in result['results'][3]['msg']
    assert [r['item'] for r in result['results']] == items

    result, sent = apps_run(emulator, [{'service': 'midjourney'}, {'service': 'suno', 'type': 'Weekly'}])
    assert sent == []
    assert result['msg'].startswith('1 of 2 applications refused before any request: applications[1]: value of type')
    assert [r['failed'] for r in result['results']] == [False, True]


def test_read_needing_checks_fail_every_bad_item_and_write_nothing(emulator):
    emulator.apig(name='lq_taken', apps=['consumer_app_c'], **LIMITS)
    items = [dict(LIMITS, name='lq_ok', apps=['consumer_app_a']),
             dict(LIMITS, name='lq_ghost_app', apps=['no_such_app']),
             dict(name='lq_no_limits'),
             dict(LIMITS, name='lq_steal', apps=['consumer_app_c'])]
    before = emulator.state()['apig']
    result, sent = quotas_run(emulator, items)
    assert result['failed'] is True
    assert writes(sent) == []
    assert emulator.state()['apig'] == before
    assert [r['failed'] for r in result['results']] == [False, True, True, True]
    for index, words in ((1, ['no_such_app']), (2, ['call_limits']), (3, ['lq_taken'])):
        assert 'quotas[%d]' % index in result['msg']
        assert [w for w in words if w not in result['results'][index]['msg']] == []


def test_single_form_unchanged_and_exclusive_with_list(emulator):
    result, _sent = emulator.run_any(apig_app_quota, apig_connection(emulator.url, name='lq_x', quotas=[dict(name='lq_y')]))
    assert result['failed'] and 'mutually exclusive' in result['msg']
    result, _sent = emulator.apig(name='lq_single', **LIMITS)
    assert result['changed'] and 'results' not in result and result['app_quota']['name'] == 'lq_single'


def seed_services(emulator, count):
    services = [{'id': str(uuid.uuid4()), 'alias': 'list-svc-%03d' % i, 'title': 'S%d' % i} for i in range(count)]
    emulator.seed({'acedata': {'services': services}})
    return services


def test_list_of_100_applications_created_then_unchanged(emulator):
    services = seed_services(emulator, 100)
    items = [dict(service=s['alias']) for s in services]
    result, sent = apps_run(emulator, items, concurrency=8)
    assert not result.get('failed'), result.get('msg')
    assert [r['changed'] for r in result['results']] == [True] * 100
    assert [r['application']['service_id'] for r in result['results']] == [s['id'] for s in services]
    assert len([r for r in writes(sent) if r['method'] == 'POST']) == 100
    assert len(emulator.state()['acedata']['applications']) == 100

    result, sent = apps_run(emulator, items)
    assert result['changed'] is False and writes(sent) == []
    # The applications listing (100 a page) names every service's alias: one request.
    assert len(sent) == 1


def test_unknown_alias_creates_no_application(emulator):
    items = [dict(service='midjourney'), dict(service='suno'), dict(service='no-such-service')]
    result, sent = apps_run(emulator, items)
    assert result['failed'] is True and 'applications[2]' in result['msg'] and 'no-such-service' in result['msg']
    assert writes(sent) == []
    assert emulator.state()['acedata']['applications'] == []


def test_alias_and_uuid_of_one_service_are_one_identity(emulator):
    mid = S.DEFAULT_SEED['acedata']['services'][0]
    result, sent = apps_run(emulator, [dict(service=mid['alias']), dict(service=mid['id'])])
    assert result['failed'] is True and 'applications[0] and applications[1]' in result['msg']
    assert writes(sent) == []


# -- apig_app: the list form ``apps`` -------------------------------------------------------------

def app_list_run(emulator, items, check_mode=False, diff=False, **args):
    from ansible_collections.apiops.provisioning.plugins.modules import apig_app  # pylint: disable=import-outside-toplevel
    return emulator.run_any(apig_app, apig_connection(emulator.url, **dict(args, apps=items)), check_mode, diff)


def test_secret_of_an_item_is_masked_when_another_item_is_refused_by_its_type(emulator):
    # A type error of one item fails the task before Ansible registers the items' no_log options:
    # the given app_secret of the good item must still be masked in the results and the invocation.
    secret = 'TopSecretValue_123456'
    result, sent = app_list_run(emulator, [dict(name='good_app', app_secret=secret),
                                           dict(name='bad_app', reset_secret='notabool')])
    assert result['failed'] and 'apps[1]' in result['msg'] and sent == []
    assert secret not in json.dumps(result)
    assert result['results'][0]['item']['name'] == 'good_app'


def test_list_of_50_apps_created_then_unchanged(emulator):
    items = [dict(name='list_new_app_%03d' % i, remark='r', apis=['mj_imagine'] if i % 2 else None) for i in range(50)]
    items = [dict((k, v) for k, v in item.items() if v is not None) for item in items]
    result, sent = app_list_run(emulator, items, concurrency=8)
    assert result['changed'] and not result.get('failed'), result.get('msg')
    assert [r['app']['name'] for r in result['results']] == [item['name'] for item in items]
    assert len([r for r in writes(sent) if route(r).endswith('/apps') and r['method'] == 'POST']) == 50
    assert len([r for r in writes(sent) if route(r).endswith('/app-auths')]) == 25
    # envs and apis once, for every item
    assert len([r for r in sent if route(r).endswith('/envs')]) == 1 and len([r for r in sent if route(r).endswith('/apis')]) == 1
    result, sent = app_list_run(emulator, items)
    assert not result['changed'] and writes(sent) == []
    # one page of apps, one of quotas, envs, apis, then per app its detail (and its authorizations when managed)
    assert len(sent) == 4 + 50 + 25, [route(r) for r in sent][:8]
    state = emulator.state()['apig']
    assert len([a for a in state['auths'] if a['app_name'].startswith('list_new_app_')]) == 25


def test_app_items_checked_before_any_write(emulator):
    items = [dict(name='list_ok_app', remark='fine'), dict(name='list_bad_api', apis=['no_such_api']),
             dict(name='consumer_app_a', app_key='another_key_1'), dict(name='x')]
    before = emulator.state()['apig']
    result, sent = app_list_run(emulator, items)
    assert result['failed'] is True and writes(sent) == []
    assert emulator.state()['apig'] == before
    assert [r['failed'] for r in result['results']] == [False, True, True, True]
    for index, words in ((1, ['apis[0]', 'no_such_api']), (2, ['app_key', 'only at creation']), (3, ['name'])):
        assert 'apps[%d]' % index in result['msg']
        assert [w for w in words if w not in result['results'][index]['msg']] == []


def test_app_list_check_mode_diff_and_duplicates(emulator):
    result, sent = app_list_run(emulator, [dict(name='list_c_app', apis=['mj_fetch']), dict(name='consumer_app_b', remark='B')],
                                check_mode=True, diff=True)
    assert result['changed'] and writes(sent) == []
    first, second = result['results']
    assert first['app']['id'] is None and first['app']['authorized_apis'][0]['name'] == 'mj_fetch'
    assert second['diff']['before']['remark'] == 'Consumer B' and second['diff']['after']['remark'] == 'B'
    assert [d['before_header'] for d in result['diff']] == ['apps[0]', 'apps[1]']
    result, sent = app_list_run(emulator, [dict(name='list_twice'), dict(name='list_twice', remark='again')])
    assert result['failed'] and 'apps[0] and apps[1] name the same app' in result['msg'] and sent == []


# -- credentials ---------------------------------------------------------------------------------

def keys_run(emulator, items, check_mode=False, diff=False, **args):
    from ansible_collections.apiops.provisioning.plugins.modules import acedata_credential
    return emulator.run_any(acedata_credential, dict(args, credentials=items, **acedata_connection(emulator.url)),
                            check_mode, diff)


MJ_ID = S.DEFAULT_SEED['acedata']['services'][0]['id']


def test_list_of_100_keys_created_then_unchanged(emulator):
    """100 keys of two applications (one by service alias, one by id): each made once, in input order;
    the re-run reads the applications and the keys once each and writes nothing."""
    emulator.seed({'acedata': {'applications': [{'service_id': MJ_ID, 'credentials': []}]}})
    suno = apps_run(emulator, [dict(service='suno')])[0]['results'][0]['application']['id']
    items = [dict(service='midjourney', name='key_%03d' % i, limited_amount=i) if i % 2 else
             dict(application_id=suno, name='key_%03d' % i) for i in range(100)]
    result, sent = keys_run(emulator, items)
    assert not result.get('failed'), result.get('msg')
    assert [r['changed'] for r in result['results']] == [True] * 100
    assert [r['credential']['name'] for r in result['results']] == [item['name'] for item in items]
    assert len([r for r in writes(sent) if r['path'] == '/api/v1/credentials/']) == 100 == len(writes(sent))
    keys = [c for c in emulator.state()['acedata']['credentials'] if (c['name'] or '').startswith('key_')]
    assert len(keys) == 100 and all(k['token'] not in json.dumps(result) for k in keys)
    result, sent = keys_run(emulator, items, diff=True)
    assert result['changed'] is False and writes(sent) == [] and 'diff' not in result or result['diff'] == []
    # The applications, then the keys of both in one listing: 101 (suno's came with an unnamed key), two pages.
    assert [r['method'] + ' ' + r['path'] for r in sent] == ['GET /api/v1/applications/'] + ['GET /api/v1/credentials/'] * 2


def test_list_of_keys_refused_before_any_write(emulator):
    """An item whose application does not exist fails the check pass, naming it; nothing is written."""
    emulator.seed({'acedata': {'applications': [{'service_id': MJ_ID}]}})
    items = [dict(service='midjourney', name='fine'), dict(service='suno', name='orphan'),
             dict(service='midjourney', name='bad', expired_at='soon')]
    result, sent = keys_run(emulator, items)
    assert result['failed'] and sent == [] and 'credentials[2]: expired_at' in result['msg']
    result, sent = keys_run(emulator, items[:2])
    assert result['failed'] and writes(sent) == []
    assert "credentials[1]: API key 'orphan'" in result['msg'] and 'credentials[0]' not in result['msg']
    assert [r['failed'] for r in result['results']] == [False, True]


def test_list_of_keys_in_check_mode_predicts_keys_of_missing_applications(emulator):
    result, sent = keys_run(emulator, [dict(service='suno', name='later'), dict(service='midjourney', name='later')],
                            check_mode=True)
    assert not result.get('failed'), result.get('msg')
    assert [r['credential']['application_id'] for r in result['results']] == [None, None]
    assert [r['changed'] for r in result['results']] == [True, True] and writes(sent) == []


def test_list_item_absent_deletes_every_key_of_the_name(emulator):
    """Two keys of one name (the platform allows it): the item is one key, managed as the newest with
    a warning, and state=absent deletes both, in the list form as in the single one."""
    emulator.seed({'acedata': {'applications': [{'service_id': MJ_ID, 'credentials': [
        {'name': 'twice', 'created_at': '2026-01-01T00:00:00Z'}, {'name': 'twice', 'created_at': '2026-02-01T00:00:00Z'},
        {'name': 'other'}]}]}})
    result, sent = keys_run(emulator, [dict(service='midjourney', name='twice', state='absent')])
    assert not result.get('failed'), result.get('msg')
    assert result['results'][0]['changed'] is True and len(writes(sent)) == 2
    assert [c['name'] for c in emulator.state()['acedata']['credentials']] == ['other']
    assert '2 API keys are named' in json.dumps(result.get('warnings'))
