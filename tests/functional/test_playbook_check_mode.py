# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``playbooks/provision.yml`` end to end, with ``ansible-playbook``, against an in-process emulator.

1. ``--check`` on an empty gateway and account reports what it would create and writes nothing.
2. ``--check --diff`` shows the quotas it would create, field by field.
3. A real run creates everything; a second real run changes nothing and sends no write.

Run with ``cd <repo> && python -m pytest tests/functional/test_playbook_check_mode.py`` (the
interpreter's ``ansible-playbook`` is used; conftest.py makes this repository the collection).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import yaml

from emulator import seed

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLAYBOOK = os.path.join(ROOT, 'playbooks', 'provision.yml')
INVENTORY = os.path.join(ROOT, 'playbooks', 'inventory.yml')
ANSIBLE_PLAYBOOK = os.path.join(os.path.dirname(sys.executable), 'ansible-playbook')
RECAP = re.compile(r'^provisioner\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)', re.MULTILINE)

with open(os.path.join(ROOT, 'playbooks', 'vars', 'api_access.yml'), encoding='utf-8') as _handle:
    VARS = yaml.safe_load(_handle)
SERVICES = VARS['api_access_services']
CONSUMERS = [consumer['name'] for consumer in VARS['api_access_consumers']]
QUOTAS = [service['quota'] for service in SERVICES if service.get('quota')]


def writes_since(emulator, seq):
    return [(entry['method'], entry['path']) for entry in emulator.requests(seq) if entry['method'] != 'GET']


def run_playbook(emulator, tmp_path, *options):
    """Run the playbook as ``make demo`` does; return its output and its PLAY RECAP (ok, changed, ...)."""
    env = dict(os.environ,
               ANSIBLE_NOCOLOR='1', ANSIBLE_FORCE_COLOR='0', ANSIBLE_STDOUT_CALLBACK='ansible.builtin.default',
               ANSIBLE_CALLBACK_RESULT_FORMAT='json', ANSIBLE_LOCAL_TEMP=str(tmp_path / 'ansible-tmp'),
               ACEDATACLOUD_PLATFORM_TOKEN=seed.ACEDATA_TOKEN, ACEDATACLOUD_PLATFORM_URL=emulator.url,
               HUAWEICLOUD_SDK_AK=seed.ACCESS_KEY, HUAWEICLOUD_SDK_SK=seed.SECRET_KEY,
               HW_REGION_NAME=seed.REGION, HW_PROJECT_ID=seed.PROJECT_ID,
               HW_APIG_ENDPOINT=emulator.url, HW_IAM_ENDPOINT=emulator.url, APIG_INSTANCE_ID=seed.INSTANCE_ID)
    proc = subprocess.run([ANSIBLE_PLAYBOOK, '-i', INVENTORY, PLAYBOOK] + list(options), cwd=ROOT, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False, timeout=300)
    assert proc.returncode == 0, proc.stdout
    recaps = RECAP.findall(proc.stdout)
    assert len(recaps) == 1, proc.stdout
    ok, changed, unreachable, failed = (int(value) for value in recaps[0])
    assert (unreachable, failed) == (0, 0), proc.stdout
    return proc.stdout, {'ok': ok, 'changed': changed}


def assert_secrets_absent(output):
    for secret in (seed.SECRET_KEY, seed.ACEDATA_TOKEN):
        assert secret not in output


def test_check_mode_writes_nothing(emulator, tmp_path):
    output, recap = run_playbook(emulator, tmp_path, '--check')

    assert recap['changed'] > 0, output
    # One module run per resource kind, each reporting a change (every item would be created).
    assert output.count('changed: [provisioner]') >= 2, output
    assert writes_since(emulator, 0) == []
    assert emulator.requests(), 'the check run should have looked things up'
    state = emulator.state()
    assert state['acedata']['applications'] == []
    assert state['apig']['quotas'] == []
    assert state['apig']['bindings'] == []
    assert_secrets_absent(output)


def test_check_mode_diff_shows_the_quotas(emulator, tmp_path):
    output, recap = run_playbook(emulator, tmp_path, '--check', '--diff')

    assert recap['changed'] > 0, output
    assert '--- before' in output and '+++ after' in output, output
    for quota in QUOTAS:
        for line in ('+    "name": "%s"' % quota['name'], '+    "call_limits": %d' % quota['call_limits'],
                     '+    "time_unit": "%s"' % quota['time_unit']):
            assert line in output, line
        for app in quota['apps']:
            # A consumer the run would create is shown by the apps' diff; the quota's check
            # cannot bind it before it exists.
            line = ('+    "name": "%s"' if app in CONSUMERS else '+        "%s"') % app
            assert line in output, app
    assert writes_since(emulator, 0) == []
    state = emulator.state()
    assert state['acedata']['applications'] == [] and state['apig']['quotas'] == []
    assert_secrets_absent(output)


def test_second_run_changes_nothing(emulator, tmp_path):
    first_output, first = run_playbook(emulator, tmp_path)
    assert first['changed'] > 0, first_output
    state = emulator.state()
    aliases = sorted(app['service']['alias'] for app in state['acedata']['applications'])
    assert aliases == sorted(service['service'] for service in SERVICES)
    assert sorted(quota['name'] for quota in state['apig']['quotas']) == sorted(quota['name'] for quota in QUOTAS)
    bound = dict((app['name'], app['app_quota_id']) for app in state['apig']['apps'] if app['app_quota_id'])
    quota_ids = dict((quota['name'], quota['app_quota_id']) for quota in state['apig']['quotas'])
    assert bound == dict((app, quota_ids[quota['name']]) for quota in QUOTAS for app in quota['apps'])

    before = emulator.last_seq()
    second_output, second = run_playbook(emulator, tmp_path)

    assert second['changed'] == 0, second_output
    assert writes_since(emulator, before) == []
    assert emulator.last_seq() > before, 'the second run should have read the current state'
    assert emulator.state()['apig']['quotas'] == state['apig']['quotas']
    assert_secrets_absent(first_output + second_output)
