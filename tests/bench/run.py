#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``make bench``: requests, lookup cost, scale and per-task cost of the collection, on the emulator.

Runs the modules and the role through ansible-playbook against the emulator (in this process, with
a fixed latency per API request), prints four tables and writes them to ``docs/performance.md``:

1. requests per operation of each module, next to the minimum the APIs allow;
2. the cost of the quota lookup when the gateway holds many quotas whose names share the target's;
3. wall time, CPU time and memory of provisioning N services through the role ``api_access``, next
   to a hand-written playbook of ``ansible.builtin.uri`` tasks doing the same;
4. the cost of one task: import times of the modules and their module_utils, and the wall time of
   one module task;
5. the list forms: a list of 1,000 quotas (created, unchanged), the effect of ``concurrency`` at two
   latencies, and a 429 storm.

Figures are printed, never asserted as times; ``tests/functional/test_request_counts.py`` asserts
the request counts.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import namedtuple

from harness import LEGEND, ROOT, Ansible, Emulator, Table, acedata_connection, apig_connection, is_write, S, \
    summarise_requests, task
from emulator.request_counts import MINIMUM, PAGE, lookup_requests

QUOTA_MODULE = 'apiops.provisioning.apig_app_quota'
APPLICATION_MODULE = 'apiops.provisioning.acedata_application'
MIDJOURNEY = S.DEFAULT_SEED['acedata']['services'][0]['id']
LIMITS = dict(call_limits=100, time_unit='DAY', time_interval=1)
APPS_AB = ['consumer_app_a', 'consumer_app_b']

# One measured task: ``minimum`` is the fewest requests the APIs allow for it, ``why`` says which
# (both from the table ``MINIMUM``, which the functional tests assert too).
Op = namedtuple('Op', 'module label action args minimum why check_mode')


def op(label, action, args, check_mode=False):
    module = action.rsplit('.', 1)[1]
    return Op(module, label, action, args, *MINIMUM[module, label], check_mode)


# ---------------------------------------------------------------------------------------------
# 1. Requests per operation
# ---------------------------------------------------------------------------------------------
def request_plan(url, token):
    """The operations of section 1, in order, with setup steps (dicts) between them."""
    aksk = apig_connection(url)
    plain = dict(aksk, name='bench_plain', **LIMITS)
    bound = dict(aksk, name='bench_bound', **LIMITS)
    abc = APPS_AB + ['consumer_app_c']
    password = dict(user=S.USER_NAME, password=S.USER_PASSWORD, domain=S.DOMAIN_NAME)
    no_aksk = dict(access_key=None, secret_key=None)
    ace = acedata_connection(url)
    info = 'apiops.provisioning.apig_app_quota_info'
    ace_info = 'apiops.provisioning.acedata_application_info'
    by_uuid = dict(ace, service=MIDJOURNEY, allow_consume_global=True)
    return [
        op('create, no apps', QUOTA_MODULE, plain),
        op('unchanged, no apps', QUOTA_MODULE, plain),
        op('update call_limits (check mode)', QUOTA_MODULE, dict(plain, call_limits=200), check_mode=True),
        op('update call_limits, no apps', QUOTA_MODULE, dict(plain, call_limits=200)),
        op('delete, no apps', QUOTA_MODULE, dict(plain, state='absent')),
        op('delete again (absent)', QUOTA_MODULE, dict(plain, state='absent')),
        op('create, apps [a, b] by name', QUOTA_MODULE, dict(bound, apps=APPS_AB)),
        op('unchanged, apps [a, b]', QUOTA_MODULE, dict(bound, apps=APPS_AB)),
        op('bind one more app, apps [a, b, c]', QUOTA_MODULE, dict(bound, apps=abc)),
        op('update remark, apps [a, b, c]', QUOTA_MODULE, dict(bound, apps=abc, remark='bench')),
        op('purge b, apps [a, c]', QUOTA_MODULE, dict(bound, apps=['consumer_app_a', 'consumer_app_c'], purge_apps=True)),
        op('unchanged, AK/SK, no project_id', QUOTA_MODULE, dict(bound, project_id=None)),
        op('unchanged, auth_token', QUOTA_MODULE, dict(bound, auth_token=token, **no_aksk)),
        op('unchanged, auth_token, no project_id', QUOTA_MODULE, dict(bound, auth_token=token, project_id=None, **no_aksk)),
        op('unchanged, user/password', QUOTA_MODULE, dict(bound, **dict(password, **no_aksk))),
        op('unchanged, user/password, no project_id', QUOTA_MODULE, dict(bound, project_id=None, **dict(password, **no_aksk))),
        op('all quotas (1 quota, 2 bound apps)', info, aksk),
        op('name bench_bound', info, dict(aksk, name='bench_bound')),
        op('names [bench_bound, bench_plain, bench_none]', info, dict(aksk, names=['bench_bound', 'bench_plain', 'bench_none'])),
        op('delete, apps [a, c] given', QUOTA_MODULE, dict(bound, apps=['consumer_app_a', 'consumer_app_c'], state='absent')),
        op('create, service UUID', APPLICATION_MODULE, by_uuid),
        op('unchanged, service UUID', APPLICATION_MODULE, by_uuid),
        op('update allow_consume_global, UUID', APPLICATION_MODULE, dict(by_uuid, allow_consume_global=False)),
        op('unchanged, service alias', APPLICATION_MODULE, dict(ace, service='midjourney', allow_consume_global=False)),
        op('create (check mode), alias', APPLICATION_MODULE, dict(ace, service='openai'), check_mode=True),
        op('create, service alias', APPLICATION_MODULE, dict(ace, service='suno')),
        op('update allow_consume_global, alias', APPLICATION_MODULE, dict(ace, service='suno', allow_consume_global=False)),
        {'acedata_service_detail_broken': True},
        op('unchanged, alias, service detail route broken', APPLICATION_MODULE, dict(ace, service='suno')),
        {'acedata_service_detail_broken': False},
        op('all applications (2)', ace_info, ace),
        op('service alias', ace_info, dict(ace, service='suno')),
    ] + credential_plan(ace)


def credential_plan(ace):
    """The key operations of section 1 (in the midjourney application the operations above made)."""
    module = 'apiops.provisioning.acedata_credential'
    key = dict(ace, service=MIDJOURNEY, name='bench_key')
    return [
        op('create, service UUID', module, dict(key, limited_amount=10)),
        op('unchanged, service UUID', module, dict(key, limited_amount=10)),
        op('update limited_amount (check mode), UUID', module, dict(key, limited_amount=20), check_mode=True),
        op('update limited_amount, UUID', module, dict(key, limited_amount=20)),
        op('rotate, UUID', module, dict(key, rotate=True)),
        op('delete, UUID', module, dict(key, state='absent')),
        op('delete again (absent), UUID', module, dict(key, state='absent')),
        op('one application by service UUID', 'apiops.provisioning.acedata_credential_info', dict(ace, service=MIDJOURNEY)),
    ]


def configure_task(url, index, config):
    """A setup task: change the emulator's configuration (a control request, not logged)."""
    return {'name': 'setup %d' % index, 'ansible.builtin.uri': {
        'url': url + '/_emulator/config', 'method': 'POST', 'body_format': 'json', 'body': config}}


def section_requests(ansible, emulator, plan=None, title='Requests per operation', intro=None):
    emulator.reset()
    plan = plan or request_plan(emulator.url, emulator.iam_token())
    tasks, measured = [], []
    for index, step in enumerate(plan):
        if isinstance(step, dict):
            tasks.append(configure_task(emulator.url, index, step))
            continue
        name = '%02d %s: %s' % (index, step.module, step.label)
        measured.append((name, step))
        tasks.append(task(name, step.action, step.args, **({'check_mode': True} if step.check_mode else {})))
    run = ansible.run(ansible.write_playbook('bench %s' % title.lower(), tasks))
    table = Table(title, ['module', 'operation', 'requests', 'minimum', 'excess', 'task s', 'result',
                          'requests sent (in order)', 'the minimum'],
                  intro=intro or ('Each operation is one task of one playbook, run in this order (each starts from what the '
                                  'previous left). The APIG tasks sign with AK/SK and are given `project_id` unless the operation '
                                  'says otherwise; apps a, b, c are the seed\'s `consumer_app_a`, `_b`, `_c`. `minimum` is the '
                                  'fewest requests the API references allow for the operation, reasoned in the last column. '
                                  + LEGEND))
    for name, step in measured:
        mark = run.task(name)
        entries = ansible.requests_of(mark)
        writes = sum(1 for entry in entries if is_write(entry))
        result = mark['status'] if mark['status'] != 'ok' else ('changed' if mark['changed'] else 'unchanged')
        if result == 'failed':
            result = 'FAILED: %s' % (mark['msg'] or '')[:200]
        elif step.label.startswith('unchanged') and (mark['changed'] or writes):
            result += ' (%d writes!)' % writes
        table.add(step.module, step.label, len(entries), step.minimum, len(entries) - step.minimum or '',
                  '%.2f' % (mark['end'] - mark['start']), result, summarise_requests(entries), step.why)
    return [table]


# ---------------------------------------------------------------------------------------------
# 2. Lookup cost with many similar names
# ---------------------------------------------------------------------------------------------
def section_lookup(ansible, emulator, sizes, repeat=3):
    target = dict(apig_connection(emulator.url), name='bench_quota', **LIMITS)
    playbook = ansible.write_playbook('bench lookup', [task('lookup %d' % index, QUOTA_MODULE, target)
                                                       for index in range(repeat)])
    table = Table('Quota lookup with many similar names',
                  ['quotas in the gateway', 'names of the others', 'fuzzy matches', 'requests', 'expected',
                   'task s (median)', 'requests sent'],
                  intro="An unchanged `apig_app_quota` run on quota `bench_quota` (no apps) while the gateway holds N other "
                        "quotas. The API's name filter is a substring match, so `bench_quota_1..N` all match it and every "
                        "match must be read (%d per page) to find the exact name; `other_1..N` do not match. Expected: "
                        "ceil(matches / %d) requests, nothing else. The task time is the median of %d identical tasks."
                        % (PAGE, PAGE, repeat))
    for size in sizes:
        for prefix, matching in (('bench_quota_', True), ('other_', False)):
            quotas = [dict(name='bench_quota', **LIMITS)] + [dict(name='%s%d' % (prefix, i), **LIMITS)
                                                             for i in range(1, size + 1)]
            emulator.reset({'apig': {'quotas': quotas}})
            run = ansible.run(playbook)
            marks = run.tasks('lookup ')
            counts = [len(ansible.requests_of(mark)) for mark in marks]
            matches = size + 1 if matching else 1
            table.add(size + 1, '%s1..%d' % (prefix, size), matches, '/'.join(str(c) for c in sorted(set(counts))),
                      lookup_requests(matches), '%.2f' % statistics.median(m['end'] - m['start'] for m in marks),
                      summarise_requests(ansible.requests_of(marks[-1])))
            print('  lookup: %d quotas (%s...): %s requests' % (size + 1, prefix, counts), flush=True)
    return [table]


# ---------------------------------------------------------------------------------------------
# 3. Provisioning N services: the role next to uri tasks
# ---------------------------------------------------------------------------------------------
def scale_vars(url, count):
    services, apps, wanted = [], [], []
    for index in range(1, count + 1):
        alias = 'bench-svc-%03d' % index
        services.append({'id': str(uuid.uuid4()), 'alias': alias, 'title': 'Bench service %d' % index})
        apps.append({'name': 'bench_app_%03d' % index})
        wanted.append({'service': alias, 'quota': dict(name='bench_svc_%03d_daily' % index, apps=['bench_app_%03d' % index],
                                                       **LIMITS)})
    seed = {'acedata': {'services': services}, 'apig': {'apps': apps}}
    extra_vars = dict(bench_url=url, bench_region=S.REGION, bench_instance_id=S.INSTANCE_ID, bench_user=S.USER_NAME,
                      bench_password=S.USER_PASSWORD, bench_domain=S.DOMAIN_NAME, bench_acedata_token=S.ACEDATA_TOKEN,
                      bench_services=wanted)
    return seed, extra_vars


def provisioned(emulator, count):
    """How many of the benchmark's services have their application, quota and binding."""
    state = emulator.state()
    apps = sum(1 for app in state['acedata']['applications'] if (app.get('service') or {}).get('alias', '').startswith('bench-svc-'))
    quotas = [quota for quota in state['apig']['quotas'] if quota['name'].startswith('bench_svc_')]
    bound = sum(1 for quota in quotas if quota['bound_app_num'] == 1)
    return '%d/%d/%d of %d' % (apps, len(quotas), bound, count)


def section_scale(ansible, emulator, count, reruns=3):
    seed, extra_vars = scale_vars(emulator.url, count)
    table = Table('Provisioning %d services: the role next to uri tasks' % count,
                  ['playbook', 'run', 'wall s', 'CPU s', 'max RSS MB', 'peak tree MB', 'requests', 'writes',
                   'changed', 'apps/quotas/bound'],
                  intro='Each service gets an Ace Data Cloud application (the service is given by alias) and an APIG '
                        'quota with one consumer app bound; %d services are seeded in the Ace Data Cloud emulator and %d '
                        'apps in the APIG emulator. `role` is `tests/bench/role_provision.yml`: the role `api_access`, which '
                        'runs `apig_app_quota` and `acedata_application` once each on their list forms, first in check '
                        'mode over every service (every check made before the first write), then for real when the '
                        'check found a change (quotas first, applications last): two module runs when nothing '
                        'changes, four otherwise, whatever the number of services. `uri` is '
                        '`tests/bench/uri_provision.yml`, hand-written `ansible.builtin.uri` tasks: it reads the services '
                        'and the existing applications (every page) and the gateway\'s apps (one page) once, then per '
                        'service creates the application if missing, looks the quota up by name, creates it if missing '
                        'and binds the app when the quota has fewer bound apps than listed (a count, where the role '
                        'compares identities and checks that an app is free first). The role is given the IAM user\'s '
                        'password, as a user would give it: each APIG module run exchanges it for a token itself (one '
                        'request, counted); uri, which can neither sign AK/SK requests nor exchange a password, gets one '
                        'IAM token per run in a task of its own and sends it as `X-Auth-Token`, with the project id the '
                        'token names. `max RSS` is the largest single process (`ru_maxrss` from `wait4`); `peak tree` is '
                        'the largest sum of the resident sets of the ansible-playbook process tree, sampled every 50 ms. '
                        '`changed` counts the tasks that reported a change. The re-run is made %d times for each playbook; '
                        'the table shows the run of median wall time (the machine\'s load varies by some 5 %% from one '
                        'run to the next).' % (count, count, reruns))
    figures = {}
    for name in ('role', 'uri'):
        emulator.reset(seed)
        playbook = os.path.join(ROOT, 'tests', 'bench', '%s_provision.yml' % name)
        for label, times in (('first', 1), ('re-run', reruns)):
            runs = []
            for attempt in range(times):
                print('  %s playbook, %s%s...' % (name, label, ' %d of %d' % (attempt + 1, times) if times > 1 else ''),
                      flush=True)
                before = emulator.last_seq()
                run = ansible.run(playbook, extra_vars)
                entries = emulator.requests(before)
                run.requests = len(entries)
                run.writes = sum(1 for entry in entries if is_write(entry))
                run.changed = sum(1 for mark in run.marks if mark['changed'])
                runs.append(run)
            # The run of median wall time (a re-run changes nothing, so every re-run is the same work).
            run = sorted(runs, key=lambda item: item.wall)[len(runs) // 2]
            figures[name, label] = run
            if len(set((item.requests, item.writes) for item in runs)) != 1:
                raise RuntimeError('%s %s: the repeated runs differ in requests or writes' % (name, label))
            table.add(name, label if times == 1 else '%s (median of %d)' % (label, times), '%.1f' % run.wall,
                      '%.1f' % run.cpu, '%.0f' % run.max_rss_mb, '%.0f' % run.peak_tree_mb, run.requests, run.writes,
                      run.changed, provisioned(emulator, count))
    for label in ('first', 're-run'):
        role, uri = figures['role', label], figures['uri', label]
        label = label if label == 'first' else '%s (median of %d)' % (label, reruns)
        table.add('role/uri', label, '%.3f' % (role.wall / uri.wall), '%.3f' % (role.cpu / uri.cpu),
                  '%.2f' % (role.max_rss_mb / uri.max_rss_mb), '%.2f' % (role.peak_tree_mb / uri.peak_tree_mb),
                  '%.2f' % (role.requests / uri.requests), '', '', '')
    return [table, bad_entry_table(ansible, emulator)]


# One bad entry among 20: the value the modules refuse, and an entry the role cannot read.
BAD_ENTRIES = (('quota.call_limits 0 (the module refuses it)', lambda entry: entry['quota'].update(call_limits=0),
                'quota.call_limits'),
               ("a typo, 'qouta' for 'quota' (the role refuses it)", lambda entry: entry.update(qouta=entry.pop('quota')),
                "unsupported key 'qouta'"))


def bad_entry_table(ansible, emulator, count=20, index=12):
    """The role with one bad service entry among ``count``: nothing is written, the entry is named."""
    table = Table('One bad service entry among %d' % count,
                  ['bad entry', 'wall s', 'requests', 'writes', 'failed task', 'names the entry and the option', 'apps/quotas/bound'],
                  intro='The role of the previous section on %d new services, the one at index %d bad. Expected: the run '
                        'fails at the task that stops before any write, naming `api_access_services[%d]` and the option, '
                        'with reads only (the check of every other entry) and nothing written to either cloud.'
                        % (count, index, index))
    playbook = os.path.join(ROOT, 'tests', 'bench', 'role_provision.yml')
    for label, spoil, option in BAD_ENTRIES:
        seed, extra_vars = scale_vars(emulator.url, count)
        spoil(extra_vars['bench_services'][index])
        emulator.reset(seed)
        print('  role with %s...' % label, flush=True)
        before = emulator.last_seq()
        run = ansible.run(playbook, extra_vars, check=False)
        entries = emulator.requests(before)
        failed = [mark for mark in run.marks if mark['status'] == 'failed']
        message = (failed[0]['msg'] or '') if failed else ''
        named = 'api_access_services[%d] (%s)' % (index, extra_vars['bench_services'][index]['service'])
        table.add(label, '%.1f' % run.wall, len(entries), sum(1 for entry in entries if is_write(entry)),
                  failed[0]['name'].split(' : ')[-1] if failed else 'none (the run passed)',
                  'yes' if named in message and option in message else 'no: %s' % message[:200],
                  provisioned(emulator, count))
    return table


# ---------------------------------------------------------------------------------------------
# 5. The list forms: many quotas in one task, concurrency, a 429 storm
# ---------------------------------------------------------------------------------------------
def list_items(count, with_apps, prefix='bench_lq'):
    """``count`` quota items; the first ``with_apps`` bind one app each (``bench_lq_app_NNNN``)."""
    items = []
    for index in range(count):
        item = dict(name='%s_%04d' % (prefix, index), **LIMITS)
        if index < with_apps:
            item['apps'] = ['%s_app_%04d' % (prefix, index)]
        items.append(item)
    apps = [{'name': '%s_app_%04d' % (prefix, index)} for index in range(with_apps)]
    return items, apps


def list_run(ansible, emulator, name, items, concurrency=4):
    """One task of apig_app_quota's list form; ``(mark, requests, seconds)``."""
    args = dict(apig_connection(emulator.url), quotas=items, concurrency=concurrency)
    playbook = ansible.write_playbook(name, [task(name, QUOTA_MODULE, args)])
    before = emulator.last_seq()
    run = ansible.run(playbook)
    mark = run.tasks(name)[0]
    return mark, emulator.requests(before), mark['end'] - mark['start']


def quota_state(emulator, prefix):
    state = emulator.state()['apig']
    quotas = [quota for quota in state['quotas'] if quota['name'].startswith(prefix)]
    names = [quota['name'] for quota in quotas]
    ids = set(quota['app_quota_id'] for quota in quotas)
    bound = sum(1 for binding in state['bindings'] if binding['app_quota_id'] in ids)
    return len(set(names)), len(names) - len(set(names)), bound


def section_lists(ansible, emulator, size, big, latencies, concurrencies, storm_share=0.1, retry_after=1):
    tables = []
    # 5a. A list of ``big`` quotas: created, then unchanged.
    with_apps = big // 10
    items, apps = list_items(big, with_apps)
    emulator.reset({'apig': {'apps': apps}})
    table = Table('A list of %d quotas in one task' % big,
                  ['run', 'task s', 'requests', 'writes', 'expected at most', 'changed', 'quotas/duplicates/bound'],
                  intro='`apig_app_quota` with `quotas:` %d items (the first %d bind one app each), concurrency 4, '
                        'latency %g ms. The unchanged re-run reads the gateway\'s quotas once (ceil(%d / %d) pages) '
                        'and the bindings of each quota whose `apps` are given; expected at most ceil(N / %d) + the '
                        'quotas with bindings.' % (big, with_apps, emulator.latency_ms, big, PAGE, PAGE))
    for label in ('first', 'unchanged'):
        print('  %d quotas, %s...' % (big, label), flush=True)
        mark, entries, seconds = list_run(ansible, emulator, 'list %d %s' % (big, label), items)
        expected = '' if label == 'first' else math.ceil(big / PAGE) + with_apps
        table.add(label, '%.1f' % seconds, len(entries), sum(1 for entry in entries if is_write(entry)), expected,
                  mark['changed'], '%d/%d/%d' % quota_state(emulator, 'bench_lq_'))
    tables.append(table)

    # 5b. Concurrency against latency: a list of ``size`` quotas with one app each, created.
    items, apps = list_items(size, size)
    table = Table('Concurrency of a list run (%d quotas created, each binding one app)' % size,
                  ['latency ms', 'concurrency', 'task s', 'requests', 'writes', 'speed-up', 'quotas/duplicates/bound'],
                  intro='The same first run of a list of %d new quotas at each `concurrency`, from an empty gateway. The '
                        'check pass (reads only) and the writes both run `concurrency` items at a time over one '
                        'session. `speed-up` is against concurrency 1 at the same latency.' % size)
    latency = emulator.latency_ms
    for latency_ms in latencies:
        emulator.latency_ms = latency_ms
        baseline = None
        for concurrency in concurrencies:
            emulator.reset({'apig': {'apps': apps}})
            print('  %d quotas, latency %g ms, concurrency %d...' % (size, latency_ms, concurrency), flush=True)
            mark, entries, seconds = list_run(ansible, emulator, 'list c%d l%g' % (concurrency, latency_ms), items,
                                              concurrency)
            baseline = baseline or seconds
            table.add('%g' % latency_ms, concurrency, '%.1f' % seconds, len(entries),
                      sum(1 for entry in entries if is_write(entry)), '%.1f' % (baseline / seconds),
                      '%d/%d/%d' % quota_state(emulator, 'bench_lq_'))
    emulator.latency_ms = latency
    tables.append(table)

    # 5c. A 429 storm: a share of all requests answers 429 with Retry-After.
    emulator.reset({'apig': {'apps': apps}})
    table = Table('A 429 storm (%d %% of requests answer 429, Retry-After %d s)' % (storm_share * 100, retry_after),
                  ['run', 'task s', 'attempts', 'of them 429', 'writes applied', 'failed items', 'changed',
                   'quotas/duplicates/bound'],
                  intro='The list of %d quotas (one app each), concurrency 4, while the emulator answers %d %% of the '
                        'requests (drawn at random, seeded) with HTTP 429 and `Retry-After: %d`. A 429 pauses every '
                        'worker; each request is retried at most `retries` (4) times. The storm goes on during the '
                        're-run. Expected: every item converges, no duplicate, no write in the re-run, and attempts '
                        'about the requests of a calm run over (1 - share).' % (size, storm_share * 100, retry_after))
    emulator.control('POST', 'faults', {'api': 'apig', 'action': 'status', 'status': 429, 'retry_after': retry_after,
                                        'probability': storm_share, 'times': 10 ** 6,
                                        'body': {'error_code': 'APIG.0308', 'error_msg': 'too many requests'}})
    for label in ('first', 're-run'):
        print('  429 storm, %s...' % label, flush=True)
        mark, entries, seconds = list_run(ansible, emulator, 'storm %s' % label, items)
        throttled = sum(1 for entry in entries if entry.get('status') == 429)
        applied = sum(1 for entry in entries if is_write(entry) and entry.get('status', 0) < 300)
        failed = 0 if mark['status'] == 'ok' else (mark['msg'] or '').count('quotas[')
        table.add(label, '%.1f' % seconds, len(entries), throttled, applied, failed, mark['changed'],
                  '%d/%d/%d' % quota_state(emulator, 'bench_lq_'))
    emulator.clear_faults()
    tables.append(table)
    return tables


# ---------------------------------------------------------------------------------------------
# 4. The cost of one task
# ---------------------------------------------------------------------------------------------
IMPORTS = ['ansible.module_utils.basic'] + [
    'ansible_collections.apiops.provisioning.plugins.module_utils.%s' % name
    for name in ('transport', 'resource', 'huaweicloud', 'apig_app', 'apig_app_quota', 'acedata',
                 'acedata_application')] + [
    'ansible_collections.apiops.provisioning.plugins.modules.%s' % name
    for name in ('apig_app_quota', 'apig_app_quota_info', 'acedata_application', 'acedata_application_info')]
IMPORT_PROBE = '''
import json, sys, time
start = time.perf_counter()
import {name}
middle = time.perf_counter()
loaded = 'requests' in sys.modules
import requests
print(json.dumps([middle - start, time.perf_counter() - middle, loaded]))
'''


def import_times(collections, repeat):
    """``{module: (import s, then requests s, requests loaded by the import)}``: the best of ``repeat``
    fresh interpreters (imports are fixed work: the fastest run is the one least disturbed)."""
    env = dict(os.environ, PYTHONPATH=collections)
    results = {}
    for name in IMPORTS:
        samples = []
        for _index in range(repeat):
            out = subprocess.run([sys.executable, '-c', IMPORT_PROBE.format(name=name)], env=env, check=True,
                                 stdout=subprocess.PIPE, text=True).stdout
            samples.append(json.loads(out))
        results[name] = (min(s[0] for s in samples), min(s[1] for s in samples), any(s[2] for s in samples))
    starts = []
    for _index in range(repeat):
        began = time.perf_counter()
        subprocess.run([sys.executable, '-c', 'pass'], env=env, check=True)
        starts.append(time.perf_counter() - began)
    return results, min(starts)


def section_task_cost(ansible, emulator, repeat):
    results, start = import_times(os.path.join(ansible.workdir, 'collections'), repeat)
    intro = ('Best of %d fresh interpreters (`python -c "import ..."`, timed inside the interpreter). A module task pays '
             'its module\'s import, which includes `ansible.module_utils.basic`. `then requests` is what importing '
             '`requests` adds afterwards: the module_utils import it lazily, where the first request is sent, so a task '
             'that fails validation does not pay for it. Interpreter start-up alone: %.0f ms.' % (repeat, start * 1000))
    imports = Table('Import time of the modules and their module_utils',
                    ['import', 'ms', 'then requests, ms', 'requests loaded by the import'], intro=intro)
    for name, (alone, then_requests, loaded) in results.items():
        imports.add(name.replace('ansible_collections.apiops.provisioning.plugins.', ''), '%.0f' % (alone * 1000),
                    '%.0f' % (then_requests * 1000), 'yes' if loaded else 'no')

    application = {'service_id': MIDJOURNEY, 'type': 'Usage', 'scope': 'Individual'}
    emulator.reset({'apig': {'quotas': [dict(name='bench_task', **LIMITS)]}, 'acedata': {'applications': [application]}})
    kinds = [('ping', 'ansible.builtin.ping', {}),
             ('unchanged apig_app_quota', QUOTA_MODULE, dict(apig_connection(emulator.url), name='bench_task', **LIMITS)),
             ('unchanged acedata_application', APPLICATION_MODULE, dict(acedata_connection(emulator.url), service=MIDJOURNEY))]
    tasks = [task('%s %d' % (label, index), action, args) for label, action, args in kinds for index in range(repeat)]
    run = ansible.run(ansible.write_playbook('bench task cost', tasks))
    per_task = Table('Wall time of one task',
                     ['task', 'median s', 'min s', 'requests per task', 'over ping s'],
                     intro='%d identical tasks of each kind in one playbook run (localhost, connection local). '
                           '`ansible.builtin.ping` is the floor any module task pays. The ansible-playbook run took '
                           '%.1f s in all, %.1f s of it before the first task started.'
                           % (repeat, run.wall, run.marks[0]['start'] - run.started))
    floor = None
    for label, _action, _args in kinds:
        marks = run.tasks(label + ' ')
        durations = [mark['end'] - mark['start'] for mark in marks]
        median = statistics.median(durations)
        floor = median if floor is None else floor
        counts = sorted(set(len(ansible.requests_of(mark)) for mark in marks))
        per_task.add(label, '%.2f' % median, '%.2f' % min(durations), '/'.join(str(c) for c in counts),
                     '%.2f' % (median - floor))
    return [imports, per_task]


# ---------------------------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------------------------
# ---------------------------------------------------------------------------------------------
# 6. Apps (apig_app): requests per operation, and an unchanged list of 10
# ---------------------------------------------------------------------------------------------
APP_MODULE = 'apiops.provisioning.apig_app'


def app_plan(url):
    aksk = apig_connection(url)
    app = dict(aksk, name='bench_app')
    authorized = dict(aksk, name='bench_app_auth')
    listed = [{'name': 'bench_list_app_%d' % index, 'remark': 'listed'} for index in range(10)]
    return [
        op('create', APP_MODULE, dict(app, remark='bench')),
        op('unchanged', APP_MODULE, dict(app, remark='bench')),
        op('update remark', APP_MODULE, dict(app, remark='bench again')),
        op('reset_secret', APP_MODULE, dict(app, reset_secret=True)),
        op('delete', APP_MODULE, dict(app, state='absent')),
        op('create, apis [mj_imagine]', APP_MODULE, dict(authorized, apis=['mj_imagine'])),
        op('unchanged, apis [mj_imagine]', APP_MODULE, dict(authorized, apis=['mj_imagine'])),
        op('authorize one more API', APP_MODULE, dict(authorized, apis=['mj_imagine', 'mj_fetch'])),
        op('purge one API', APP_MODULE, dict(authorized, apis=['mj_fetch'], purge_apis=True)),
        Op('apig_app', 'create list of 10 apps', APP_MODULE, dict(aksk, apps=listed), 11,
           'one page of apps, 10 POSTs', False),
        op('unchanged list of 10 apps', APP_MODULE, dict(aksk, apps=listed)),
    ]


def section_apps(ansible, emulator):
    return section_requests(ansible, emulator, app_plan(emulator.url), 'Requests per operation: apps',
                            'The operations of `apig_app`, in this order, as in section 1 (AK/SK, `project_id` given). '
                            'The secret is returned masked from the whole secret, so an unchanged run reads the detail '
                            'when the listing masks it (docs/fidelity.md A16). ' + LEGEND)


# ---------------------------------------------------------------------------------------------
# 7. A consumer's access end to end: the role 2.0 on N new consumers and services
# ---------------------------------------------------------------------------------------------
def end_to_end_vars(url, count):
    """N services, each with an API key and one APIG API, and N new consumers, one per service's quota."""
    seed, extra_vars = scale_vars(url, count)
    seed['apig'] = {'apis': [{'name': 'bench_api_%03d' % index, 'envs': ['RELEASE']} for index in range(1, count + 1)]}
    consumers, services = [], []
    for index, service in enumerate(extra_vars['bench_services'], 1):
        consumer = 'bench_consumer_%03d' % index
        consumers.append({'name': consumer})
        services.append(dict(service, credential={'name': 'bench-backend'}, apis=['bench_api_%03d' % index],
                             quota=dict(service['quota'], apps=[consumer])))
    extra_vars.update(bench_services=services, bench_consumers=consumers)
    return seed, extra_vars


def end_to_end_state(emulator):
    state = emulator.state()
    consumers = [app for app in state['apig']['apps'] if app['name'].startswith('bench_consumer_')]
    keys = [key for key in state['acedata']['credentials'] if key.get('name') == 'bench-backend']
    bound = sum(1 for app in consumers if app.get('app_quota_id'))
    return '%d/%d/%d/%d' % (len(consumers), len(state['apig'].get('auths') or []), len(keys), bound)


def section_end_to_end(ansible, emulator, count):
    seed, extra_vars = end_to_end_vars(emulator.url, count)
    table = Table('A consumer\'s access end to end: %d new consumers and services through the role' % count,
                  ['run', 'wall s', 'CPU s', 'max RSS MB', 'requests', 'writes', 'changed', 'consumers/authorizations/keys/bound'],
                  intro='The role `api_access` (`tests/bench/role_provision.yml`) with `api_access_consumers` (%d new APIG '
                        'apps) and %d services, each with an API key (`credential`), one APIG API its quota\'s consumer '
                        'is authorized to call (`apis`) and a quota binding that consumer: four list runs in check mode '
                        '(apps, quotas, applications, keys), then, on the first run, the four writing runs. The '
                        're-run is the same input again: no write, only the four checks.' % (count, count))
    emulator.reset(seed)
    playbook = os.path.join(ROOT, 'tests', 'bench', 'role_provision.yml')
    for label in ('first', 're-run'):
        print('  role end to end, %s...' % label, flush=True)
        before = emulator.last_seq()
        run = ansible.run(playbook, extra_vars)
        entries = emulator.requests(before)
        table.add(label, '%.1f' % run.wall, '%.1f' % run.cpu, '%.0f' % run.max_rss_mb, len(entries),
                  sum(1 for entry in entries if is_write(entry)), sum(1 for mark in run.marks if mark['changed']),
                  end_to_end_state(emulator))
    return [table]


def machine(latency_ms):
    import ansible.release  # pylint: disable=import-outside-toplevel
    import requests  # pylint: disable=import-outside-toplevel

    model = ''
    try:
        with open('/proc/cpuinfo', encoding='utf-8') as handle:
            model = next((line.split(':', 1)[1].strip() for line in handle if line.startswith('model name')), '')
    except OSError:
        pass
    return [('date', datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')),
            ('CPUs (nproc)', '%d%s' % (os.cpu_count() or 0, ' (%s)' % model if model else '')),
            ('load average at start', '%.2f %.2f %.2f' % os.getloadavg()),
            ('system', '%s %s' % (platform.system(), platform.release())),
            ('Python', '%s (%s)' % (platform.python_version(), sys.executable)),
            ('ansible-core', ansible.release.__version__),
            ('requests', requests.__version__),
            ('emulator latency', '%g ms per API request (`POST /_emulator/config {"latency_ms": %g}`)' % (latency_ms, latency_ms))]


def markdown(args, facts, tables, elapsed):
    lines = ['# Performance', '',
             'Generated by `make bench` (`python tests/bench/run.py%s`); do not edit by hand. Every figure is measured '
             'against the emulator (`docs/emulator.md`) with a fixed latency per API request, so request counts weigh in '
             'the times as they would against the real APIs. Times vary from run to run (and with the load of the '
             'machine); request counts do not, and `tests/functional/test_request_counts.py` asserts them.'
             % (' --quick' if args.quick else ''), '',
             'Run it with `make bench`, or `python tests/bench/run.py [--quick] [--latency-ms MS] [--services N] '
             '[--sizes 10,1000,10000] [--sections 1,2,3,4,5,6,7] [--list-size N] [--big-list N] [--output FILE]` with the project\'s Python (ansible-core and '
             'requests installed). Most of a full run goes to section 3, mainly to the uri playbook\'s first run, where '
             'every service costs task runs of 0.5 to 1 s each (some 300 in all): 10 to 16 minutes on 2 cores, depending on the machine and its load '
             '(see below). `--quick` (10 services, lookups of up to 1,000 quotas) takes a few minutes.', '',
             '## Machine', '', '| | |', '|---|---|']
    lines += ['| %s | %s |' % fact for fact in facts]
    lines += ['| run time | %.0f s |' % elapsed, '']
    for table in tables:
        lines.append(table.markdown())
    return '\n'.join(lines)


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--latency-ms', type=float, default=20.0, help='emulator latency per API request (default 20)')
    parser.add_argument('--quick', action='store_true', help='smaller sizes: 10 services, lookups of 10 and 1,000 quotas')
    parser.add_argument('--services', type=int, help='services provisioned in section 3 (default 100, quick 10)')
    parser.add_argument('--sizes', help='comma-separated quota counts of section 2 (default 10,1000,10000; quick 10,1000)')
    parser.add_argument('--repeat', type=int, help='repetitions of each timing (default 5, quick 3)')
    parser.add_argument('--sections', default='1,2,3,4,5,6,7', help='sections to run (default 1,2,3,4,5,6,7)')
    parser.add_argument('--list-size', type=int, help='quotas of the concurrency and 429 runs of section 5 (default 100, quick 20)')
    parser.add_argument('--big-list', type=int, help='quotas of the long list of section 5 (default 1000, quick 100)')
    parser.add_argument('--output', default=os.path.join(ROOT, 'docs', 'performance.md'),
                        help='Markdown file to write (default docs/performance.md; "-" writes none)')
    parser.add_argument('--keep', action='store_true', help='keep the work folder (playbooks, logs, task marks)')
    args = parser.parse_args(argv)
    args.services = args.services or (10 if args.quick else 100)
    args.sizes = [int(size) for size in (args.sizes or ('10,1000' if args.quick else '10,1000,10000')).split(',')]
    args.repeat = args.repeat or (3 if args.quick else 5)
    args.list_size = args.list_size or (20 if args.quick else 100)
    args.big_list = args.big_list or (100 if args.quick else 1000)
    args.sections = set(int(section) for section in args.sections.split(','))
    return args


def main(argv=None):
    args = parse_args(argv)
    began = time.perf_counter()
    facts = machine(args.latency_ms)
    for name, value in facts:
        print('%-22s %s' % (name, value))
    workdir = tempfile.mkdtemp(prefix='bench-')
    emulator = Emulator(args.latency_ms)
    tables = []
    try:
        ansible = Ansible(workdir, emulator)
        sections = [(1, 'requests per operation', lambda: section_requests(ansible, emulator)),
                    (2, 'lookup cost', lambda: section_lookup(ansible, emulator, args.sizes)),
                    (3, '%d services, role and uri' % args.services, lambda: section_scale(ansible, emulator, args.services)),
                    (4, 'cost of one task', lambda: section_task_cost(ansible, emulator, args.repeat)),
                    (5, 'list forms', lambda: section_lists(ansible, emulator, args.list_size, args.big_list,
                                                            [args.latency_ms, 100.0], [1, 4, 8, 16])),
                    (6, 'apps', lambda: section_apps(ansible, emulator)),
                    (7, 'the role end to end', lambda: section_end_to_end(ansible, emulator, args.services))]
        for number, title, body in sections:
            if number not in args.sections:
                continue
            started = time.perf_counter()
            print('\n[%d] %s...' % (number, title), flush=True)
            for table in body():
                tables.append(table)
                print(table.text(), flush=True)
            print('[%d] %.0f s' % (number, time.perf_counter() - started), flush=True)
    finally:
        emulator.close()
        if args.keep:
            print('\nwork folder kept: %s' % workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    elapsed = time.perf_counter() - began
    if args.output != '-':
        with open(args.output, 'w', encoding='utf-8') as handle:
            handle.write(markdown(args, facts, tables, elapsed))
        print('\nwritten: %s' % os.path.relpath(args.output))
    print('run time: %.0f s' % elapsed)
    return 0


if __name__ == '__main__':
    sys.exit(main())
