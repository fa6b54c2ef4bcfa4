# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every module's EXAMPLES run as written against the emulator, and do what they say.

Run with ``cd <repo> && PYTHONPATH=tests python -m pytest tests/functional/test_module_examples.py``.
For each module in ``plugins/modules`` the EXAMPLES tasks become one play on localhost, whose
``module_defaults`` point both action groups at an in-process emulator; the credentials come from
environment variables (the examples read some of them with lookups, the modules fall back to the
others). The play must succeed, and the emulator's state and request log must show what the
examples describe.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import shutil
import subprocess
import sys

import pytest
import yaml

from emulator import seed as S

TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODULES_DIR = os.path.join(os.path.dirname(TESTS), 'plugins', 'modules')
QUOTAS_PATH = '/v2/%s/apigw/instances/%s/app-quotas' % (S.PROJECT_ID, S.INSTANCE_ID)
APP_ID = dict((app['name'], app['id']) for app in S.DEFAULT_SEED['apig']['apps'])
SERVICE_ID = dict((svc['alias'], svc['id']) for svc in S.DEFAULT_SEED['acedata']['services'])
# The environment a user of the examples would have (the examples and the modules read these).
CREDENTIALS_ENV = {
    'HUAWEICLOUD_SDK_AK': S.ACCESS_KEY,
    'HUAWEICLOUD_SDK_SK': S.SECRET_KEY,
    'HW_PROJECT_ID': S.PROJECT_ID,
    'HW_REGION_NAME': S.REGION,
    'ACEDATACLOUD_PLATFORM_TOKEN': S.ACEDATA_TOKEN,
}
SECRETS = (S.SECRET_KEY, S.USER_PASSWORD, S.ACEDATA_TOKEN)


def module_names():
    return sorted(name[:-3] for name in os.listdir(MODULES_DIR)
                  if name.endswith('.py') and not name.startswith('_'))


def examples_of(module):
    """The EXAMPLES string of a module, read without importing it."""
    with open(os.path.join(MODULES_DIR, module + '.py'), encoding='utf-8') as handle:
        tree = ast.parse(handle.read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, 'id', None) == 'EXAMPLES' for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError('%s has no EXAMPLES' % module)


def ansible_playbook():
    """ansible-playbook of the Python running the tests (its venv has requests), else PATH's."""
    here = os.path.join(os.path.dirname(sys.executable), 'ansible-playbook')
    return here if os.access(here, os.X_OK) else shutil.which('ansible-playbook')


def run_examples(module, url, tmp_path):
    """Run the module's EXAMPLES as one play against the emulator; returns its output (it must succeed)."""
    binary = ansible_playbook()
    if not binary:
        pytest.skip('ansible-playbook is not installed')
    tasks = yaml.safe_load(examples_of(module))
    assert isinstance(tasks, list) and tasks, '%s: EXAMPLES is not a list of tasks' % module
    play = [{
        'name': 'EXAMPLES of %s' % module,
        'hosts': 'localhost',
        'connection': 'local',
        'gather_facts': False,
        'vars': {'ansible_python_interpreter': sys.executable},
        'module_defaults': {
            'group/apiops.provisioning.huaweicloud': {'apig_endpoint': url, 'iam_endpoint': url},
            'group/apiops.provisioning.acedata': {'api_url': url},
        },
        'tasks': tasks,
    }]
    playbook = tmp_path / ('%s.yml' % module)
    playbook.write_text(yaml.safe_dump(play, sort_keys=False), encoding='utf-8')
    env = dict((key, value) for key, value in os.environ.items()
               if not key.startswith(('HW_', 'HUAWEICLOUD_', 'ACEDATACLOUD_')))
    env.update(CREDENTIALS_ENV)
    env.update(ANSIBLE_NOCOLOR='1', ANSIBLE_FORCE_COLOR='0', ANSIBLE_RETRY_FILES_ENABLED='0',
               ANSIBLE_LOCALHOST_WARNING='0', ANSIBLE_INVENTORY_UNPARSED_WARNING='0')
    process = subprocess.run([binary, '-i', 'localhost,', str(playbook)], cwd=str(tmp_path), env=env,
                             capture_output=True, text=True, timeout=600, check=False)
    output = process.stdout + process.stderr
    assert process.returncode == 0, '%s: the EXAMPLES play failed:\n%s' % (module, output)
    assert 'failed=0' in output, output
    for secret in SECRETS:
        assert secret not in output, '%s: a secret appears in the output' % module
    return output


def recap(output):
    """``{'ok': N, 'changed': N, ...}`` of the PLAY RECAP line of localhost."""
    line = [text for text in output.splitlines() if text.startswith('localhost') and 'ok=' in text][-1]
    return dict((key, int(value)) for key, value in (item.split('=') for item in line.split(':', 1)[1].split()))


# -- what each module's examples must leave behind ---------------------------------------------------

def _apig_app_quota(emu, url, tmp_path):
    output = run_examples('apig_app_quota', url, tmp_path)
    assert recap(output)['changed'] == 5, output  # each example changes something
    writes = [entry for entry in emu.requests(api='apig') if entry['method'] != 'GET']
    # The last example, the list form: two quotas created, each binding its app (in either order).
    listed, writes = writes[5:], writes[:5]
    assert [w['method'] for w in listed] == ['POST'] * 4, listed
    assert sorted(w['body'].get('name', '') for w in listed if w['path'] == QUOTAS_PATH) == ['images_hourly',
                                                                                             'music_hourly']
    # create, bind the two apps, unbind consumer_app_b (purge), raise the limit, delete
    assert [w['method'] for w in writes] == ['POST', 'POST', 'DELETE', 'PUT', 'DELETE'], writes
    assert writes[0]['path'] == QUOTAS_PATH
    assert writes[0]['body'] == {'name': 'images_daily', 'call_limits': 1000, 'time_unit': 'DAY', 'time_interval': 1,
                                 'remark': 'Consumers of the image API'}
    quota_id = writes[1]['path'].split('/')[-2]
    assert writes[1]['path'] == '%s/%s/binding-apps' % (QUOTAS_PATH, quota_id)
    assert sorted(writes[1]['body']['app_ids']) == sorted([APP_ID['consumer_app_a'], APP_ID['consumer_app_b']])
    assert writes[2]['path'] == '%s/%s/bound-apps/%s' % (QUOTAS_PATH, quota_id, APP_ID['consumer_app_b'])
    assert writes[3]['path'] == '%s/%s' % (QUOTAS_PATH, quota_id)
    # The update keeps what the task did not give.
    assert writes[3]['body'] == {'name': 'images_daily', 'call_limits': 5000, 'time_unit': 'DAY', 'time_interval': 1,
                                 'remark': 'Consumers of the image API'}
    assert writes[4]['path'] == '%s/%s' % (QUOTAS_PATH, quota_id)
    assert all(w['status'] in (200, 201, 204) for w in writes), writes
    state = emu.state()['apig']
    assert [q for q in state['quotas'] if q['name'] == 'images_daily'] == []  # deleted by an example
    assert sorted(q['name'] for q in state['quotas']) == ['images_hourly', 'music_hourly']
    assert len(state['bindings']) == 2  # those of the list example; the deleted quota's went with it


def _apig_app_quota_info(emu, url, tmp_path):
    quota_id = 'c900c5612dbe451bb43cbcc49cfaf2f3'
    emu.seed({'apig': {
        'quotas': [{'app_quota_id': quota_id, 'name': 'images_daily', 'call_limits': 1000, 'time_unit': 'DAY',
                    'time_interval': 1},
                   {'name': 'images_daily_burst', 'call_limits': 50, 'time_unit': 'MINUTE', 'time_interval': 1}],
        'bindings': [{'app_id': APP_ID['consumer_app_a'], 'app_quota_id': quota_id},
                     {'app_id': APP_ID['consumer_app_b'], 'app_quota_id': quota_id}]}})
    before = emu.state()['apig']
    output = run_examples('apig_app_quota_info', url, tmp_path)
    assert recap(output)['changed'] == 0, output
    # The debug example shows each quota with the names of its apps.
    assert 'images_daily: consumer_app_a, consumer_app_b' in output, output
    assert 'images_daily_burst: ' in output, output
    log = emu.requests(api='apig')
    assert [entry for entry in log if entry['method'] != 'GET'] == []
    lists = [entry for entry in log if entry['path'] == QUOTAS_PATH]
    assert len(lists) == 3, log  # one per info example
    assert 'name=images_daily' in lists[1]['query']
    # The names example: one unfiltered page holds the whole gateway.
    assert 'name=' not in lists[2]['query'] and 'limit=500' in lists[2]['query'].split('&')
    assert emu.state()['apig'] == before


def _acedata_application(emu, url, tmp_path):
    output = run_examples('acedata_application', url, tmp_path)
    assert recap(output)['changed'] == 4, output
    apps = [app for app in emu.state()['acedata']['applications'] if app['user_id'] == S.ACEDATA_USER_ID]
    by_kind = dict(((app['service_id'], app['type'], app['scope']), app) for app in apps)
    assert len(apps) == 4, apps
    assert by_kind[(SERVICE_ID['suno'], 'Period', 'Individual')]  # the list example's only new one
    usage = by_kind[(SERVICE_ID['midjourney'], 'Usage', 'Individual')]
    period = by_kind[(SERVICE_ID['midjourney'], 'Period', 'Individual')]
    assert by_kind[(None, 'Usage', 'Global')]
    assert usage['allow_consume_global'] is True
    assert period['allow_consume_global'] is False
    assert period['tags'] == ['team-images']
    assert period['metadata'] == {'cost_center': 'cc-1042'}
    log = emu.requests(api='acedata')
    assert all(entry['auth'] == 'bearer' for entry in log), log


def _acedata_application_info(emu, url, tmp_path):
    emu.seed({'acedata': {'applications': [
        {'service_id': SERVICE_ID['midjourney'], 'type': 'Usage', 'scope': 'Individual'},
        {'service_id': SERVICE_ID['suno'], 'type': 'Usage', 'scope': 'Individual'}]}})
    before = emu.state()['acedata']['applications']
    output = run_examples('acedata_application_info', url, tmp_path)
    assert recap(output)['changed'] == 0, output
    log = emu.requests(api='acedata')
    assert log and all(entry['method'] == 'GET' for entry in log), log
    assert emu.state()['acedata']['applications'] == before


def _acedata_service_info(emu, url, tmp_path):
    output = run_examples('acedata_service_info', url, tmp_path)
    assert recap(output)['changed'] == 0, output
    aliases = sorted(svc['alias'] for svc in S.DEFAULT_SEED['acedata']['services'] if svc.get('alias'))
    assert '"msg": "%s"' % ', '.join(aliases) in output, output  # the debug example shows every alias
    reads = emu.requests(api='acedata')
    assert reads and all(entry['method'] == 'GET' and entry['path'].startswith('/api/v1/services/') for entry in reads)


def _acedata_credential(emu, url, tmp_path):
    emu.seed({'acedata': {'applications': [{'service_id': SERVICE_ID['midjourney'], 'credentials': []}]}})
    output = run_examples('acedata_credential', url, tmp_path)
    assert recap(output)['changed'] == 4, output  # create, update, rotate, the list
    keys = dict((key['name'], key) for key in emu.state()['acedata']['credentials'])
    assert sorted(keys) == ['apig-backend', 'team-a', 'team-b'], keys
    assert keys['apig-backend']['limited_amount'] is None and keys['apig-backend']['expired_at'].startswith('2027-01-31')
    assert keys['team-a']['limited_amount'] == 100
    assert keys['apig-backend']['token'] not in output  # the rotated, revealed token stays out of the log (no_log)


def _acedata_credential_info(emu, url, tmp_path):
    app = emu.seed({'acedata': {'applications': [{'service_id': SERVICE_ID['midjourney']}]}})['acedata']['applications'][-1]
    emu.seed({'acedata': {'credentials': [{'application_id': app['id'], 'name': 'apig-backend'}]}})
    output = run_examples('acedata_credential_info', url, tmp_path)
    assert recap(output)['changed'] == 0, output
    assert all(entry['method'] == 'GET' for entry in emu.requests(api='acedata'))
    assert all(key['token'] not in output for key in emu.state()['acedata']['credentials'])


CHECKS = {
    'apig_app_quota': _apig_app_quota,
    'apig_app_quota_info': _apig_app_quota_info,
    'acedata_application': _acedata_application,
    'acedata_application_info': _acedata_application_info,
    'acedata_service_info': _acedata_service_info,
    'acedata_credential': _acedata_credential,
    'acedata_credential_info': _acedata_credential_info,
}


def _apig_app(emu, url, tmp_path):
    output = run_examples('apig_app', url, tmp_path)
    assert recap(output)['changed'] == 6, output  # each example changes something
    apps_path = QUOTAS_PATH.replace('/app-quotas', '/apps')
    writes = [(w['method'], w['path'].replace(apps_path, '{apps}')) for w in emu.requests(api='apig') if w['method'] != 'GET']
    assert [method for method, _path in writes] == ['PUT', 'POST', 'POST', 'PUT', 'PUT', 'POST', 'POST', 'DELETE'], writes
    state = emu.state()['apig']
    auths = sorted('%s/%s/%s' % (a['app_name'], a['api_name'], a['env_id'] == 'DEFAULT_ENVIRONMENT_RELEASE_ID')
                   for a in state['auths'])
    # a: two APIs in RELEASE, then exactly mj_imagine in TEST; c: suno_generate in RELEASE (the list example)
    assert auths == ['consumer_app_a/mj_fetch/True', 'consumer_app_a/mj_imagine/False', 'consumer_app_a/mj_imagine/True',
                     'consumer_app_c/suno_generate/True'], auths
    secrets = state['app_secrets']
    assert secrets[APP_ID['consumer_app_b']] == hashlib.sha256(b'Consumer_B_secret_2026').hexdigest()[:16]
    assert 'consumer_app_d' not in [app['name'] for app in state['apps']]  # created, then deleted by an example
    assert 'Consumer_B_secret_2026' not in output


def _apig_app_info(emu, url, tmp_path):
    quota_id = 'c900c5612dbe451bb43cbcc49cfaf2f3'
    emu.seed({'apig': {'quotas': [{'app_quota_id': quota_id, 'name': 'images_daily', 'call_limits': 1000,
                                   'time_unit': 'DAY', 'time_interval': 1}],
                       'bindings': [{'app_id': APP_ID['consumer_app_a'], 'app_quota_id': quota_id}]}})
    before = emu.state()['apig']
    output = run_examples('apig_app_info', url, tmp_path)
    assert recap(output)['changed'] == 0, output
    assert 'consumer_app_a: images_daily' in output and 'consumer_app_b: no quota' in output, output
    assert [entry for entry in emu.requests(api='apig') if entry['method'] != 'GET'] == []
    assert emu.state()['apig'] == before


CHECKS.update(apig_app=_apig_app, apig_app_info=_apig_app_info)


def test_every_module_is_covered():
    assert sorted(CHECKS) == module_names()


@pytest.mark.parametrize('module', module_names())
def test_examples_run_against_the_emulator(module, emulator, tmp_path):
    if module not in CHECKS:
        pytest.fail('no check of what the EXAMPLES of %s leave behind: add one to CHECKS' % module)
    CHECKS[module](emulator, emulator.url, tmp_path)


def test_examples_are_valid_yaml_tasks():
    for module in module_names():
        tasks = yaml.safe_load(examples_of(module))
        assert isinstance(tasks, list), module
        for task in tasks:
            assert task.get('name'), '%s: an example task has no name' % module
            assert any(key.startswith(('apiops.provisioning.', 'ansible.builtin.')) for key in task), \
                '%s: %s does not use an FQCN' % (module, json.dumps(task))
