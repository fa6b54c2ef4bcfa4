# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The list forms under faults: a fault in the middle of a list, ambiguous writes inside a list, two
list runs on overlapping items at once, a 429 storm. Every case ends with no duplicate and a
re-run that converges without writing.

Each module run is its own process (``python -m ...apig_app_quota <args file>``), as Ansible runs
it, so that two runs can overlap for real; the emulator runs in this process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading

import pytest

from emulator.client import apig_connection
from conftest import COLLECTIONS_ROOT

LIMITS = dict(call_limits=10, time_unit='DAY', time_interval=1)
MODULE = 'ansible_collections.apiops.provisioning.plugins.modules.apig_app_quota'


@pytest.fixture(name='fresh')
def fresh_fixture(emulator, tmp_path):
    emulator.seed({'apig': {'apps': [{'name': 'rl_app_%02d' % index} for index in range(40)]}})
    return tmp_path


def run_list(emulator, tmp_path, items, tag='run', **args):
    """One run of apig_app_quota's list form in its own process; the module's JSON result."""
    params = dict(apig_connection(emulator.url), quotas=items)
    params.update(args)
    path = tmp_path / ('%s-args.json' % tag)
    path.write_text(json.dumps({'ANSIBLE_MODULE_ARGS': params}))
    env = dict(os.environ, PYTHONPATH=COLLECTIONS_ROOT)
    proc = subprocess.run([sys.executable, '-m', MODULE, str(path)], env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, timeout=600, check=False)
    assert 'Traceback' not in proc.stdout + proc.stderr, proc.stdout + proc.stderr
    return json.loads(proc.stdout)


def items(first, last, app_offset=0):
    return [dict(LIMITS, name='rl_q_%02d' % index, apps=['rl_app_%02d' % (index + app_offset)])
            for index in range(first, last)]


def writes(entries):
    return [entry for entry in entries if entry['method'] != 'GET']


def assert_converged(emulator, tmp_path, wanted, attempt):
    """The emulator holds each wanted quota once, with its app; a re-run changes and writes nothing.
    The duplicates are counted in the ledger's ``attempt`` (docs/reliability.md, section 8)."""
    state = emulator.state()
    assert attempt.duplicates(state) == 0
    quotas = dict((quota['name'], quota) for quota in state['apig']['quotas'])
    apps = dict((app['id'], app['name']) for app in state['apig']['apps'])
    for item in wanted:
        quota = quotas[item['name']]
        assert sorted(apps[app_id] for app_id in quota['app_ids']) == item['apps']
    before = emulator.last_seq()
    result = run_list(emulator, tmp_path, wanted, tag='rerun')
    assert not result.get('failed'), result.get('msg')
    assert result['changed'] is False
    assert writes(emulator.requests(before)) == []


def test_a_fault_in_the_middle_of_a_list_fails_that_item_only(emulator, fresh, ledger):
    """One quota's update meets a lasting 500 (a PUT is retried, then fails); the other items (creates
    and bindings) end as asked and are reported as such; a re-run converges."""
    with ledger.attempt(8, 'a lasting 500 on one item in the middle of a list of 10', 'APIG') as attempt:
        emulator.seed({'apig': {'quotas': [dict(LIMITS, name='rl_q_05', app_quota_id='f' * 32)]}})
        wanted = items(0, 10)
        wanted[5]['call_limits'] = 99
        emulator.fault('apig', 'PUT', '/app-quotas/f{32}$', status=500, times=10)
        result = run_list(emulator, fresh, wanted, retries=1, retry_max_delay=0.1)
        assert result['failed'] is True and result['changed'] is True
        assert [entry['failed'] for entry in result['results']] == [index == 5 for index in range(10)]
        assert 'quotas[5]' in result['msg'] and 'HTTP 500' in result['results'][5]['msg']
        assert all(entry['changed'] for index, entry in enumerate(result['results']) if index != 5)
        names = [quota['name'] for quota in emulator.state()['apig']['quotas']]
        assert sorted(names) == sorted(item['name'] for item in wanted)
        emulator.control('DELETE', 'faults')
        result = run_list(emulator, fresh, wanted, tag='again')
        assert not result.get('failed') and [entry['changed'] for entry in result['results']] == [
            index == 5 for index in range(10)]
        assert_converged(emulator, fresh, wanted, attempt)


def test_ambiguous_creates_inside_a_list_make_no_duplicate(emulator, fresh, ledger):
    """Three creates are applied but their answers lost (503 after the write): each item looks again,
    finds its quota and goes on to bind its app; no quota is made twice."""
    with ledger.attempt(8, '3 ambiguous creates (503 after the write) in a list of 12', 'APIG') as attempt:
        wanted = items(0, 12)
        emulator.fault('apig', 'POST', '/app-quotas$', status=503, after=True, times=3)
        result = run_list(emulator, fresh, wanted, concurrency=4)
        assert not result.get('failed'), result.get('msg')
        assert [entry['changed'] for entry in result['results']] == [True] * 12
        assert_converged(emulator, fresh, wanted, attempt)


def test_two_list_runs_on_overlapping_items_at_once(emulator, fresh, ledger):
    """Run A ensures quotas 0-19, run B 10-29, at the same time: both succeed, each shared quota is
    made once and bound once, and a re-run of either changes nothing."""
    with ledger.attempt(8, 'two list runs of 20 items, 10 shared, at once', 'APIG') as attempt:
        first, second = items(0, 20), items(10, 30)
        results = {}

        def run(tag, wanted):
            results[tag] = run_list(emulator, fresh, wanted, tag=tag, concurrency=8)
        threads = [threading.Thread(target=run, args=('a', first)), threading.Thread(target=run, args=('b', second))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for tag in ('a', 'b'):
            assert not results[tag].get('failed'), results[tag].get('msg')
        assert len(emulator.state()['apig']['quotas']) == 30
        assert_converged(emulator, fresh, items(0, 30), attempt)


def test_a_429_storm_converges_with_bounded_attempts(emulator, fresh, ledger):
    """20 % of the gateway's answers are 429 with Retry-After (a pause every worker honours): every
    item converges, no duplicate, and the attempts stay within what the retries allow."""
    with ledger.attempt(8, 'a 429 storm (20 % of answers) on a list of 30', 'APIG') as attempt:
        wanted = items(0, 30)
        before = emulator.last_seq()
        emulator.fault('apig', None, None, status=429, retry_after=0.1, probability=0.2, times=10 ** 6,
                       body={'error_code': 'APIG.0308', 'error_msg': 'throttled'})
        result = run_list(emulator, fresh, wanted, concurrency=8, retries=8)
        assert not result.get('failed'), result.get('msg')
        sent = emulator.requests(before)
        throttled = [entry for entry in sent if entry['status'] == 429]
        answered = len(sent) - len(throttled)
        assert throttled, 'the storm should have hit'
        # Each answered request costs at most 1 + retries attempts; in a 20 % storm, far fewer.
        assert len(sent) <= answered * 2
        assert_converged(emulator, fresh, wanted, attempt)
        emulator.control('DELETE', 'faults')
