# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Request counts of the modules against the emulator: the performance targets, as assertions.

Counts, never times (``tests/bench/run.py`` prints the times). The modules run in this process
(``ansible.module_utils.testing.patch_module_args``) against the emulator in a thread; the
emulator's request log says what each module run sent. The counts the benchmark shows too come
from their one table, ``tests/emulator/request_counts.py``.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import re
from unittest import mock
from urllib.parse import parse_qsl

import pytest
import urllib3.connection

from ansible.module_utils.testing import patch_module_args
from ansible_collections.apiops.provisioning.plugins.modules import (
    acedata_application,
    apig_app_quota,
    apig_app_quota_info,
)
from emulator import seed as S
from emulator.client import EmulatorClient, acedata_connection, apig_connection
from emulator.core import READINGS
from emulator.request_counts import PAGE, lookup_requests, minimum

LIMITS = dict(call_limits=100, time_unit='DAY', time_interval=1)
MIDJOURNEY = S.DEFAULT_SEED['acedata']['services'][0]
APPS = ['consumer_app_a', 'consumer_app_b']
APP_IDS = dict((app['name'], app['id']) for app in S.DEFAULT_SEED['apig']['apps'])
HEX_ID = re.compile('^[0-9a-f]{32}$')


class Emulator(EmulatorClient):
    """The shared client, running the modules in this process against the emulator in a thread."""

    connections = None

    def run(self, module, args):
        """Run ``module`` with ``args``; returns ``(result, requests sent)``.

        ``connections`` is then the number of connections the run opened.
        """
        before = self.last_seq()
        out = io.StringIO()
        opened = []
        connect = urllib3.connection.HTTPConnection.connect

        def counting_connect(connection):
            opened.append(connection.host)
            return connect(connection)
        with mock.patch.object(urllib3.connection.HTTPConnection, 'connect', counting_connect), \
                patch_module_args(args), contextlib.redirect_stdout(out), pytest.raises(SystemExit):
            module.main()
        self.connections = len(opened)
        result = json.loads(out.getvalue())
        assert not result.get('failed'), result.get('msg')
        return result, self.requests(before)

    def apig(self, **args):
        """Run ``apig_app_quota`` against the seeded gateway; ``args`` override the connection."""
        return self.run(apig_app_quota, apig_connection(self.url, **args))

    def apig_info(self, **args):
        """Run ``apig_app_quota_info`` against the seeded gateway; ``args`` override the connection."""
        return self.run(apig_app_quota_info, apig_connection(self.url, **args))

    def acedata(self, **args):
        return self.run(acedata_application, acedata_connection(self.url, **args))


@pytest.fixture(name='emulator')
def emulator_fixture(emulator):
    """The shared fixture's client (the module's emulator, reset), as an ``Emulator``."""
    return Emulator(emulator.url, emulator.server)


def writes(sent):
    """The requests of a run that change something (an IAM token exchange does not)."""
    return [r for r in sent if r['method'] != 'GET' and r['path'] != '/v3/auth/tokens']


def quota_lists(sent):
    return [r for r in sent if r['method'] == 'GET' and r['path'].endswith('/app-quotas')]


def assert_unchanged(result, sent):
    assert result['changed'] is False
    assert writes(sent) == []


def test_unchanged_quota_without_apps_is_one_lookup(emulator):
    emulator.apig(name='rc_quota', **LIMITS)
    result, sent = emulator.apig(name='rc_quota', **LIMITS)
    assert_unchanged(result, sent)
    assert len(sent) == minimum('apig_app_quota', 'unchanged, no apps') and quota_lists(sent) == sent


def test_unchanged_quota_with_apps_is_lookup_and_bindings(emulator):
    emulator.apig(name='rc_bound', apps=APPS, **LIMITS)
    result, sent = emulator.apig(name='rc_bound', apps=APPS, **LIMITS)
    assert_unchanged(result, sent)
    assert len(sent) == minimum('apig_app_quota', 'unchanged, apps [a, b]')
    assert [r['path'].rsplit('/', 1)[-1] for r in sent] == ['app-quotas', 'bound-apps']


@pytest.mark.parametrize('auth, operation', [
    (dict(project_id=None), 'unchanged, AK/SK, no project_id'),
    (dict(access_key=None, secret_key=None, user=S.USER_NAME, password=S.USER_PASSWORD, domain=S.DOMAIN_NAME),
     'unchanged, user/password'),
    (dict(access_key=None, secret_key=None, user=S.USER_NAME, password=S.USER_PASSWORD, domain=S.DOMAIN_NAME,
          project_id=None), 'unchanged, user/password, no project_id'),
], ids=['aksk-no-project-id', 'password', 'password-no-project-id'])
def test_one_iam_request_per_run_at_most(emulator, auth, operation):
    """The project id is looked up, and the token exchanged, once per module run."""
    emulator.apig(name='rc_quota', **LIMITS)
    result, sent = emulator.apig(name='rc_quota', **dict(LIMITS, **auth))
    assert_unchanged(result, sent)
    assert len(sent) == minimum('apig_app_quota', operation)
    assert len([r for r in sent if r['api'] == 'iam']) == 1


def test_unchanged_application_by_uuid_is_one_list(emulator):
    emulator.acedata(service=MIDJOURNEY['id'])
    result, sent = emulator.acedata(service=MIDJOURNEY['id'])
    assert_unchanged(result, sent)
    assert len(sent) == minimum('acedata_application', 'unchanged, service UUID')


def test_unchanged_application_by_alias_is_two_requests_at_most(emulator):
    emulator.acedata(service=MIDJOURNEY['alias'])
    result, sent = emulator.acedata(service=MIDJOURNEY['alias'])
    assert_unchanged(result, sent)
    assert len(sent) <= minimum('acedata_application', 'unchanged, service alias')


def test_one_connection_per_api_and_run(emulator):
    """One session per API and module run: its connection is kept alive for every request."""
    for run in (lambda: emulator.apig(name='rc_bound', apps=APPS, project_id=None, **LIMITS),
                lambda: emulator.acedata(service=MIDJOURNEY['alias'])):
        result, sent = run()
        assert result['changed'] and len(sent) >= 3
        assert emulator.connections == len(set(r['api'] for r in sent))


@pytest.mark.parametrize('others, matches', [('other_%d', 1), ('rc_quota_%d', 600)],
                         ids=['1000-non-matching', '600-fuzzy-matches'])
def test_lookup_reads_only_the_pages_of_fuzzy_matches(emulator, others, matches):
    count = 1000 if matches == 1 else matches - 1
    quotas = [dict(name='rc_quota', **LIMITS)] + [dict(name=others % i, **LIMITS) for i in range(1, count + 1)]
    emulator.seed({'apig': {'quotas': quotas}})
    result, sent = emulator.apig(name='rc_quota', **LIMITS)
    assert_unchanged(result, sent)
    assert len(sent) == lookup_requests(matches) == len(quota_lists(sent))
    assert all('limit=%d' % PAGE in r['query'].split('&') for r in sent)


# -- bindings: resolving the apps ---------------------------------------------------------------

def route(entry):
    """``METHOD /tail``: the path after the instance, every id shown as ``{id}``."""
    tail = entry['path'].split('/instances/%s' % S.INSTANCE_ID, 1)[1]
    return '%s %s' % (entry['method'], '/'.join('{id}' if HEX_ID.match(part) else part for part in tail.split('/')))


def query(entry):
    return dict(parse_qsl(entry['query']))


def app_lists(sent):
    return [r for r in sent if r['method'] == 'GET' and r['path'].endswith('/apps')]


def seed_apps(emulator, total):
    """Add apps until the gateway holds ``total`` (the default seed has a few)."""
    have = len(S.DEFAULT_SEED['apig']['apps'])
    emulator.seed({'apig': {'apps': [{'name': 'bulk_app_%04d' % i} for i in range(total - have)]}})


def test_create_with_two_apps_reads_one_page_of_apps(emulator):
    """A create binding two apps by name: the lookup, one unfiltered page of apps resolving both, the
    bound quota of each (is it free?), the create, its read-back, one bind and one read of the bound
    apps that shows the bind took (the gateway's reads may lag: docs/fidelity.md): 8 requests."""
    result, sent = emulator.apig(name='rc_create', apps=APPS, **LIMITS)
    assert result['changed'] is True
    assert [route(r) for r in sent] == [
        'GET /app-quotas', 'GET /apps', 'GET /apps/{id}/bound-quota', 'GET /apps/{id}/bound-quota',
        'POST /app-quotas', 'GET /app-quotas/{id}', 'POST /app-quotas/{id}/binding-apps',
        'GET /app-quotas/{id}/bound-apps']
    assert query(sent[0]) == {'name': 'rc_create', 'offset': '0', 'limit': str(PAGE)}
    assert query(sent[1]) == {'offset': '0', 'limit': str(PAGE)}
    assert [r['path'].split('/')[-2] for r in sent[2:4]] == [APP_IDS[name] for name in APPS]
    assert sent[6]['body'] == {'app_ids': [APP_IDS[name] for name in APPS]}
    assert sorted(app['name'] for app in result['app_quota']['bound_apps']) == APPS


def test_binding_one_more_app_resolves_only_that_app(emulator):
    """Adding one app to a quota's bindings: the lookup, its bound apps, one precise lookup of the new
    app (no page of every app for one reference), its bound quota, the bind and the read that shows
    it: 6 requests."""
    emulator.apig(name='rc_more', apps=APPS[:1], **LIMITS)
    result, sent = emulator.apig(name='rc_more', apps=APPS, **LIMITS)
    assert result['changed'] is True
    assert [route(r) for r in sent] == [
        'GET /app-quotas', 'GET /app-quotas/{id}/bound-apps', 'GET /apps', 'GET /apps/{id}/bound-quota',
        'POST /app-quotas/{id}/binding-apps', 'GET /app-quotas/{id}/bound-apps']
    assert query(sent[2]) == {'name': 'consumer_app_b', 'precise_search': 'name', 'offset': '0',
                              'limit': str(PAGE)}
    assert sent[4]['body'] == {'app_ids': [APP_IDS['consumer_app_b']]}


@pytest.mark.parametrize('apps, lookups', [(PAGE, 0), (PAGE + 1, 2)], ids=['500-apps', '501-apps'])
def test_two_references_with_many_apps(emulator, apps, lookups):
    """Two references (an id, a name): one page of apps resolves both while it holds every app of the
    gateway (500); with one more app, each reference is then looked up precisely (by id, by exact name)."""
    seed_apps(emulator, apps)
    references = [APP_IDS['consumer_app_a'], 'consumer_app_b']
    result, sent = emulator.apig(name='rc_many', apps=references, **LIMITS)
    assert result['changed'] is True
    listed = app_lists(sent)
    assert len(listed) == 1 + lookups
    assert query(listed[0]) == {'offset': '0', 'limit': str(PAGE)}
    if lookups:
        assert [query(r) for r in listed[1:]] == [
            {'id': references[0], 'offset': '0', 'limit': str(PAGE)},
            {'name': references[1], 'precise_search': 'name', 'offset': '0', 'limit': str(PAGE)}]
    assert len(sent) == 8 + lookups
    bind = [r for r in sent if r['path'].endswith('/binding-apps')]
    assert [r['body'] for r in bind] == [{'app_ids': [APP_IDS['consumer_app_a'], APP_IDS['consumer_app_b']]}]


# -- apig_app_quota_info with names -------------------------------------------------------------

def seed_quotas(emulator, quotas, bindings=()):
    emulator.seed({'apig': {'quotas': quotas, 'bindings': list(bindings)}})


def quota(name, number):
    return dict(LIMITS, name=name, app_quota_id='%032x' % number)


def test_info_names_is_one_page_and_the_bindings_of_bound_quotas(emulator):
    """Three names among a few quotas: one unfiltered page finds all three; the bound apps of each are
    read (bound_app_num is no evidence: docs/fidelity.md), in the order of ``names``, as is the result."""
    quotas = [quota('rc_info_a', 1), quota('rc_info_b', 2), quota('rc_info_c', 3)]
    quotas += [quota('other_%d' % i, 100 + i) for i in range(20)]
    seed_quotas(emulator, quotas, [dict(app_id=APP_IDS['consumer_app_a'], app_quota_id=quotas[0]['app_quota_id']),
                                   dict(app_id=APP_IDS['consumer_app_b'], app_quota_id=quotas[2]['app_quota_id']),
                                   dict(app_id=APP_IDS['consumer_app_c'], app_quota_id=quotas[2]['app_quota_id'])])
    result, sent = emulator.apig_info(names=['rc_info_c', 'rc_info_b', 'rc_info_a'])
    assert [r['path'] for r in sent] == [sent[0]['path']] + [sent[0]['path'] + '/%032x/bound-apps' % n
                                                             for n in (3, 2, 1)]
    assert route(sent[0]) == 'GET /app-quotas' and query(sent[0]) == {'offset': '0', 'limit': str(PAGE)}
    assert [q['name'] for q in result['app_quotas']] == ['rc_info_c', 'rc_info_b', 'rc_info_a']
    assert [sorted(app['name'] for app in q['bound_apps']) for q in result['app_quotas']] == [
        ['consumer_app_b', 'consumer_app_c'], [], ['consumer_app_a']]


def test_info_names_leaves_out_unknown_names_and_keeps_the_order(emulator):
    """Names no quota has are left out (no error, no extra request); the others come in the order given,
    and a quota whose name only contains a given name is not returned."""
    seed_quotas(emulator, [quota('rc_first', 1), quota('rc_second', 2), quota('rc_second_copy', 3)])
    result, sent = emulator.apig_info(names=['rc_ghost', 'rc_second', 'rc_nobody', 'rc_first'])
    assert [q['name'] for q in result['app_quotas']] == ['rc_second', 'rc_first']
    assert [route(r) for r in sent] == ['GET /app-quotas'] + ['GET /app-quotas/{id}/bound-apps'] * 2


def test_info_names_with_exactly_500_quotas_is_one_request(emulator):
    """500 quotas fit one page: it answers every name, even one that fuzzily matches them all; then the
    bound apps of the two found."""
    seed_quotas(emulator, [quota('rc_full', 1)] + [quota('rc_full_%d' % i, 100 + i) for i in range(PAGE - 1)])
    result, sent = emulator.apig_info(names=['rc_full', 'rc_full_7', 'rc_ghost'])
    assert [q['name'] for q in result['app_quotas']] == ['rc_full', 'rc_full_7']
    assert quota_lists(sent) == sent[:1] and query(sent[0]) == {'offset': '0', 'limit': str(PAGE)}
    assert len(sent) == 1 + 2


def test_info_names_with_more_than_500_quotas_looks_each_name_up(emulator):
    """Beyond 500 quotas the first page cannot answer: each name is then looked up with the fuzzy filter,
    ceil(matches / 500) requests each (one for a name nothing matches)."""
    quotas = [quota('rc_alpha', 1), quota('rc_beta', 2)] + [quota('rc_alpha_%d' % i, 100 + i) for i in range(600)]
    seed_quotas(emulator, quotas)
    names = ['rc_beta', 'rc_alpha', 'rc_ghost']
    matches = {'rc_beta': 1, 'rc_alpha': 601, 'rc_ghost': 0}
    result, sent = emulator.apig_info(names=names)
    assert [q['name'] for q in result['app_quotas']] == ['rc_beta', 'rc_alpha']
    assert query(sent[0]) == {'offset': '0', 'limit': str(PAGE)}
    expected = []
    for name in names:
        expected += [{'name': name, 'offset': str(offset), 'limit': str(PAGE)}
                     for offset in range(0, max(matches[name], 1), PAGE)]
    listed = quota_lists(sent)
    assert [query(r) for r in listed[1:]] == expected
    assert len(listed) == 1 + sum(max(1, math.ceil(matches[name] / PAGE)) for name in names) == 5
    assert len(sent) == len(listed) + 2  # the bound apps of the two found


@pytest.mark.parametrize('auth', [
    dict(),
    dict(access_key=None, secret_key=None, user=S.USER_NAME, password=S.USER_PASSWORD, domain=S.DOMAIN_NAME,
         project_id=None),
], ids=['aksk', 'password-no-project-id'])
def test_info_empty_names_sends_no_request(emulator, auth):
    """``names: []`` returns no quota without a single request: not even IAM (token, project id)."""
    seed_quotas(emulator, [quota('rc_quota', 1)])
    result, sent = emulator.apig_info(names=[], **auth)
    assert result['app_quotas'] == [] and result['changed'] is False
    assert sent == []
    assert emulator.connections == 0


# -- the counts each reading of the open behaviours implies (docs/fidelity.md) --------------------

# The write paths of both modules, and what each sends on the default reading: (requests, writes),
# the requests from the shared table where it holds the same operation. A reading that costs more
# says how much in READING_EXTRA, with the reason.
READING_STEPS = (
    ('quota: create, apps [a, b]', 'apig', dict(name='rc_readings', apps=APPS, **LIMITS),
     (minimum('apig_app_quota', 'create, apps [a, b] by name'), 2)),
    ('quota: unchanged', 'apig', dict(name='rc_readings', apps=APPS, **LIMITS),
     (minimum('apig_app_quota', 'unchanged, apps [a, b]'), 0)),
    ('quota: update call_limits', 'apig', dict(name='rc_readings', apps=APPS, **dict(LIMITS, call_limits=200)), (3, 1)),
    ('quota: delete', 'apig', dict(name='rc_readings', state='absent'),
     (minimum('apig_app_quota', 'delete, apps [a, c] given'), 1)),
    ('application: create', 'acedata', dict(service=MIDJOURNEY['id']),
     (minimum('acedata_application', 'create, service UUID'), 1)),
    ('application: unchanged', 'acedata', dict(service=MIDJOURNEY['id']),
     (minimum('acedata_application', 'unchanged, service UUID'), 0)),
    ('application: update', 'acedata', dict(service=MIDJOURNEY['id'], allow_consume_global=False),
     (minimum('acedata_application', 'update allow_consume_global, UUID'), 1)),
)
READING_EXTRA = {
    # A create answered without the object: the lookup that finds it (a listed application carries
    # its key, so no read-back); an update answered without it: the read-back.
    'no_body': {'quota: create, apps [a, b]': 1, 'application: create': 1, 'application: update': 1},
    'partial_update': {'application: update': 1},
    # The list item lacks the credentials: the detail is read (then the update works from it).
    'list_thin': {'application: unchanged': 1, 'application: update': 1},
    'create_without_key': {'application: create': 1},
}


@pytest.mark.parametrize('reading', sorted(set(READINGS) - {'binding_delay'}))
def test_request_counts_under_each_reading(emulator, reading):
    """Every write path twice over (create, unchanged, update, delete) under one reading: what it
    sends is the default's count plus what the reading implies, and the writes never change."""
    emulator.readings([reading])
    for label, api, args, (count, write_count) in READING_STEPS:
        result, sent = getattr(emulator, api)(**args)
        extra = READING_EXTRA.get(reading, {}).get(label, 0)
        assert (len(sent), len(writes(sent))) == (count + extra, write_count), (label, [route_of(r) for r in sent])
        assert result['changed'] is (write_count > 0), label


def test_request_counts_when_bindings_lag(emulator):
    """binding_delay: after the bind, bound-apps is read until it shows the apps (0.25 s, then 0.5 s
    more...), so the extra reads depend on the delay: 400 ms costs two or three, never more."""
    emulator.readings(['binding_delay'])
    emulator.config(binding_delay_ms=400)
    result, sent = emulator.apig(name='rc_lag', apps=APPS, **LIMITS)
    bound_reads = [r for r in sent if r['method'] == 'GET' and r['path'].endswith('/bound-apps')]
    assert result['changed'] is True and len(writes(sent)) == 2
    assert 3 <= len(bound_reads) <= 4 and len(sent) == 7 + len(bound_reads)
    again, sent = emulator.apig(name='rc_lag', apps=APPS, **LIMITS)
    assert again['changed'] is False and len(sent) == 2  # the re-run sees the bindings at once


def route_of(entry):
    return '%s %s' % (entry['method'], entry['path'])


# -- apig_app ------------------------------------------------------------------------------------

def run_app(emulator, **args):
    from ansible_collections.apiops.provisioning.plugins.modules import apig_app  # pylint: disable=import-outside-toplevel
    return emulator.run(apig_app, apig_connection(emulator.url, **args))


def app_routes(sent):
    """``METHOD last path segments`` of each request, ids replaced by ``ID``."""
    return ['%s %s' % (r['method'], re.sub('[0-9a-f]{32}', 'ID', r['path'].split('/instances/', 1)[1][33:])) for r in sent]


@pytest.mark.parametrize('operation, args, before, routes', [
    ('create', dict(name='rc_app', remark='One'), (), ['GET apps', 'POST apps']),
    ('unchanged', dict(name='rc_app', remark='One'), (dict(name='rc_app', remark='One'),),
     ['GET apps', 'GET apps/ID/bound-quota', 'GET apps/ID']),
    ('create, apis [mj_imagine]', dict(name='rc_app', apis=['mj_imagine']), (),
     ['GET envs', 'GET apis', 'GET apps', 'POST apps', 'POST app-auths', 'GET app-auths/binded-apis']),
    ('unchanged, apis [mj_imagine]', dict(name='rc_app', apis=['mj_imagine']), (dict(name='rc_app', apis=['mj_imagine']),),
     ['GET envs', 'GET apis', 'GET apps', 'GET app-auths/binded-apis', 'GET apps/ID/bound-quota', 'GET apps/ID']),
    ('update remark', dict(name='rc_app', remark='Two'), (dict(name='rc_app', remark='One'),),
     ['GET apps', 'GET apps/ID/bound-quota', 'GET apps/ID', 'PUT apps/ID']),
    ('authorize one more API', dict(name='rc_app', apis=['mj_imagine', 'mj_fetch']),
     (dict(name='rc_app', apis=['mj_imagine']),),
     ['GET envs', 'GET apis', 'GET apps', 'GET app-auths/binded-apis', 'GET apps/ID/bound-quota', 'GET apps/ID',
      'POST app-auths', 'GET app-auths/binded-apis']),
    ('purge one API', dict(name='rc_app', apis=['mj_fetch'], purge_apis=True),
     (dict(name='rc_app', apis=['mj_imagine', 'mj_fetch']),),
     ['GET envs', 'GET apis', 'GET apps', 'GET app-auths/binded-apis', 'GET apps/ID/bound-quota', 'GET apps/ID',
      'DELETE app-auths/ID', 'GET app-auths/binded-apis']),
    ('reset_secret', dict(name='rc_app', reset_secret=True), (dict(name='rc_app'),),
     ['GET apps', 'GET apps/ID/bound-quota', 'GET apps/ID', 'PUT apps/secret/ID']),
    ('delete', dict(name='rc_app', state='absent'), (dict(name='rc_app', apis=['mj_imagine']),),
     ['GET apps', 'DELETE apps/ID']),
])
def test_app_request_counts(emulator, operation, args, before, routes):
    for earlier in before:
        run_app(emulator, **earlier)
    result, sent = run_app(emulator, **args)
    assert app_routes(sent) == routes
    assert len(sent) == minimum('apig_app', operation)
    assert result['changed'] is (operation not in ('unchanged', 'unchanged, apis [mj_imagine]'))


def test_app_unchanged_list_costs_far_fewer_than_single_tasks(emulator):
    apps = [dict(name='rc_list_app_%d' % index, remark='r%d' % index) for index in range(10)]
    run_app(emulator, apps=apps)
    result, sent = run_app(emulator, apps=apps)
    assert_unchanged(result, sent)
    assert len(sent) == minimum('apig_app', 'unchanged list of 10 apps')
    assert len(sent) < 10 * minimum('apig_app', 'unchanged') / 2
    assert [r['path'] for r in sent].count(sent[0]['path']) == 1  # the apps are listed once


def test_app_authorizations_that_lag_are_awaited(emulator):
    """auth_delay: after authorizing, binded-apis is read until it shows the API; the re-run sees it at once."""
    emulator.readings(['auth_delay'])
    emulator.config(auth_delay_ms=400)
    result, sent = run_app(emulator, name='rc_lag_app', apis=['mj_imagine'])
    reads = [r for r in sent if r['path'].endswith('/binded-apis')]
    assert result['changed'] is True and len(writes(sent)) == 2 and 2 <= len(reads) <= 4
    again, sent = run_app(emulator, name='rc_lag_app', apis=['mj_imagine'])
    assert again['changed'] is False and len(sent) == minimum('apig_app', 'unchanged, apis [mj_imagine]')


# -- acedata_credential ---------------------------------------------------------------------------

def credential(emulator, **args):
    """Run ``acedata_credential`` against the emulator; ``(result, requests sent)``."""
    from ansible_collections.apiops.provisioning.plugins.modules import acedata_credential
    return emulator.run(acedata_credential, acedata_connection(emulator.url, **args))


def credential_info(emulator, **args):
    from ansible_collections.apiops.provisioning.plugins.modules import acedata_credential_info
    return emulator.run(acedata_credential_info, acedata_connection(emulator.url, **args))


def routes_of(sent):
    """``METHOD /path`` of each request, every UUID shown as ``{id}``."""
    return [re.sub('[0-9a-f]{8}-[0-9a-f-]{27}', '{id}', route_of(r)) for r in sent]


KEY = dict(service=MIDJOURNEY['id'], name='rc_key')


def test_credential_ladder_request_counts(emulator):
    """Create, unchanged, update, rotate, delete of one key, each at its minimum (request_counts.yml)."""
    emulator.acedata(service=MIDJOURNEY['id'])
    result, sent = credential(emulator, limited_amount=10, **KEY)
    assert result['changed'] and len(sent) == minimum('acedata_credential', 'create, service UUID')
    # After the create, the keys of the name again: a concurrent creator's key would be found there.
    assert routes_of(sent) == ['GET /api/v1/applications/', 'GET /api/v1/credentials/', 'POST /api/v1/credentials/',
                               'GET /api/v1/credentials/']
    assert query(sent[3]) == query(sent[1])
    assert query(sent[1]) == {'user_id': 'me', 'application_id': result['credential']['application_id'],
                              'name': 'rc_key', 'ordering': '-created_at', 'offset': '0', 'limit': '100'}
    app_id = result['credential']['application_id']
    for args, operation in ((dict(KEY, limited_amount=10), 'unchanged, service UUID'),
                            (dict(application_id=app_id, name='rc_key'), 'unchanged, application_id')):
        again, sent = credential(emulator, **args)
        assert_unchanged(again, sent)
        assert len(sent) == minimum('acedata_credential', operation)
    checked, sent = credential(emulator, limited_amount=20, _ansible_check_mode=True, **KEY)
    assert checked['changed'] and writes(sent) == []
    assert len(sent) == minimum('acedata_credential', 'update limited_amount (check mode), UUID')
    updated, sent = credential(emulator, limited_amount=20, **KEY)
    assert updated['changed'] and len(sent) == minimum('acedata_credential', 'update limited_amount, UUID')
    assert routes_of(writes(sent)) == ['PATCH /api/v1/credentials/{id}'] and writes(sent)[0]['body'] == {'limited_amount': 20.0}
    rotated, sent = credential(emulator, rotate=True, **KEY)
    assert rotated['changed'] and len(sent) == minimum('acedata_credential', 'rotate, UUID')
    assert routes_of(writes(sent)) == ['POST /api/v1/credentials/{id}/rotate/']
    deleted, sent = credential(emulator, state='absent', **KEY)
    assert deleted['changed'] and len(sent) == minimum('acedata_credential', 'delete, UUID')
    assert routes_of(writes(sent)) == ['DELETE /api/v1/credentials/{id}']
    gone, sent = credential(emulator, state='absent', **KEY)
    assert_unchanged(gone, sent)
    assert len(sent) == minimum('acedata_credential', 'delete again (absent), UUID')


def test_credential_create_by_application_id(emulator):
    app_id = emulator.acedata(service=MIDJOURNEY['id'])[0]['application']['id']
    result, sent = credential(emulator, application_id=app_id, name='rc_by_id')
    assert result['changed'] and len(sent) == minimum('acedata_credential', 'create, application_id')
    assert routes_of(sent) == ['GET /api/v1/credentials/', 'GET /api/v1/applications/{id}', 'POST /api/v1/credentials/',
                               'GET /api/v1/credentials/']


def seed_keys(emulator, count):
    """The midjourney application with ``count`` keys named rc_list_NNN (and no unnamed key)."""
    app = emulator.seed({'acedata': {'applications': [{'service_id': MIDJOURNEY['id'], 'credentials': []}]}})
    app_id = [a for a in app['acedata']['applications'] if a['service_id'] == MIDJOURNEY['id']][0]['id']
    emulator.seed({'acedata': {'credentials': [{'application_id': app_id, 'name': 'rc_list_%03d' % i,
                                                'limited_amount': 5} for i in range(count)]}})
    return app_id


def test_unchanged_list_of_100_keys(emulator):
    """One module run for 100 keys that are as asked: the applications once, the keys of their
    application once (one page of 100)."""
    seed_keys(emulator, 100)
    items = [dict(service=MIDJOURNEY['id'], name='rc_list_%03d' % i, limited_amount=5) for i in range(100)]
    result, sent = credential(emulator, credentials=items)
    assert_unchanged(result, sent)
    assert len(sent) == minimum('acedata_credential', 'unchanged list of 100 keys, service UUID')
    assert [entry['changed'] for entry in result['results']] == [False] * 100
    assert routes_of(sent) == ['GET /api/v1/applications/', 'GET /api/v1/credentials/']


def test_credential_info_one_application(emulator):
    seed_keys(emulator, 3)
    result, sent = credential_info(emulator, service=MIDJOURNEY['id'])
    assert len(result['credentials']) == 3 and len(sent) == minimum('acedata_credential_info', 'one application by service UUID')


# The key's write paths and what each sends on the default reading: (requests, writes). A reading
# that costs more says how much in CREDENTIAL_READING_EXTRA (requests, writes), with the reason.
CREDENTIAL_READING_STEPS = (
    ('key: create', dict(KEY, limited_amount=10), (minimum('acedata_credential', 'create, service UUID'), 1)),
    ('key: unchanged', dict(KEY, limited_amount=10), (minimum('acedata_credential', 'unchanged, service UUID'), 0)),
    ('key: update', dict(KEY, limited_amount=20, expired_at='2027-01-31T00:00:00Z'),
     (minimum('acedata_credential', 'update limited_amount, UUID'), 1)),
    ('key: rotate', dict(KEY, rotate=True), (minimum('acedata_credential', 'rotate, UUID'), 1)),
    ('key: clear', dict(KEY, clear=['limited_amount', 'expired_at']), (3, 1)),
    ('key: delete', dict(KEY, state='absent'), (minimum('acedata_credential', 'delete, UUID'), 1)),
    ('key: delete again', dict(KEY, state='absent'), (minimum('acedata_credential', 'delete again (absent), UUID'), 0)),
)
CREDENTIAL_READING_EXTRA = {
    # A create answered without the key: the lookup that finds it; a PATCH or rotate answered
    # without it: the read-back.
    'no_body': {'key: create': (1, 0), 'key: update': (1, 0), 'key: rotate': (1, 0), 'key: clear': (1, 0)},
    'partial_update': {'key: update': (1, 0), 'key: clear': (1, 0)},
    # The list item lacks the managed fields: the detail is read before comparing.
    'list_thin': {'key: unchanged': (1, 0), 'key: update': (1, 0), 'key: rotate': (1, 0), 'key: clear': (1, 0)},
    # No rotate route: the 404, then a new key (POST, complete answer) and the old one deleted.
    'rotate_recreate': {'key: rotate': (2, 2)},
}


@pytest.mark.parametrize('reading', sorted(set(READINGS) - {'binding_delay'}))
def test_credential_request_counts_under_each_reading(emulator, reading):
    emulator.readings([reading])
    emulator.acedata(service=MIDJOURNEY['id'])
    for label, args, (count, write_count) in CREDENTIAL_READING_STEPS:
        result, sent = credential(emulator, **args)
        extra, extra_writes = CREDENTIAL_READING_EXTRA.get(reading, {}).get(label, (0, 0))
        assert (len(sent), len(writes(sent))) == (count + extra, write_count + extra_writes), (label, routes_of(sent))
        assert result['changed'] is (write_count > 0), label
