# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a new user meets first: ad-hoc runs with only environment variables, the exports that
``make emulator`` prints, the demo's small venv, and the messages of the first mistakes.

Run with ``cd <repo> && PYTHONPATH=tests python -m pytest tests/functional/test_first_contact.py``.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time

import pytest

from emulator import seed as S
from emulator.core import BackgroundServer

TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(TESTS)
sys.path.insert(0, os.path.join(TESTS, 'demo'))
sys.path.insert(0, os.path.join(TESTS, 'utils'))

import build_docs  # noqa: E402 pylint: disable=wrong-import-position
import serve  # noqa: E402 pylint: disable=wrong-import-position
from conftest import COLLECTIONS_ROOT  # noqa: E402 pylint: disable=wrong-import-position

MODULES_DIR = os.path.join(ROOT, 'plugins', 'modules')
APP_ID = dict((app['name'], app['id']) for app in S.DEFAULT_SEED['apig']['apps'])
SERVICE_ID = dict((svc['alias'], svc['id']) for svc in S.DEFAULT_SEED['acedata']['services'])
SECRETS = (S.SECRET_KEY, S.ACEDATA_TOKEN, S.USER_PASSWORD)


def user_environment(url, **changes):
    """A shell after pasting what ``make emulator`` prints (nothing else of the caller's set)."""
    env = dict((key, value) for key, value in os.environ.items()
               if not key.startswith(('HW_', 'HUAWEICLOUD_', 'ACEDATACLOUD_', 'APIG_', 'ANSIBLE_')))
    for name, value in serve.exports(url, collections=os.environ.get('ANSIBLE_COLLECTIONS_PATH')):
        env[name] = value.replace('$PATH', env.get('PATH', '')) if name == 'PATH' else value
    env.update(ANSIBLE_NOCOLOR='1', ANSIBLE_CALLBACK_RESULT_FORMAT='json')
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def adhoc(url, module, args='', *options, **env_changes):
    """``ansible localhost -m apiops.provisioning.<module> -a ARGS``: (result, whole output)."""
    binary = os.path.join(os.path.dirname(sys.executable), 'ansible')
    command = [binary, 'localhost', '-m', 'apiops.provisioning.' + module] + (['-a', args] if args else [])
    proc = subprocess.run(command + list(options), env=user_environment(url, **env_changes), capture_output=True,
                          text=True, timeout=300, check=False)
    output = proc.stdout + proc.stderr
    assert 'localhost | ' in proc.stdout, output
    last = proc.stdout[proc.stdout.rindex('localhost | '):]  # the result comes last, after any diff
    result = json.loads(last[last.index('=> ') + 3:])
    result.setdefault('failed', last.startswith('localhost | FAILED!'))  # the callback drops the key
    for secret in SECRETS:
        assert secret not in output, '%s: a secret in the output' % module
    return result, output


def module_names():
    return sorted(name[:-3] for name in os.listdir(MODULES_DIR) if name.endswith('.py') and not name.startswith('_'))


# -- every module, ad hoc, with only the environment ---------------------------------------------
AD_HOC = {
    'acedata_service_info': ('', lambda r: r['aliases'] == sorted(SERVICE_ID)),
    'acedata_application': ('service=midjourney',
                            lambda r: r['changed'] and r['application']['service_id'] == SERVICE_ID['midjourney']),
    'acedata_application_info': ('', lambda r: [a['service_id'] for a in r['applications']] == [SERVICE_ID['midjourney']]),
    'apig_app_quota': ("name=env_quota call_limits=5 time_unit=DAY time_interval=1 apps='consumer_app_a, consumer_app_b'",
                       lambda r: r['changed'] and sorted(a['name'] for a in r['app_quota']['bound_apps'])
                       == ['consumer_app_a', 'consumer_app_b']),
    'apig_app_quota_info': ('name=env_quota', lambda r: [q['bound_app_num'] for q in r['app_quotas']] == [2]),
    'apig_app': ("name=env_app remark=ad-hoc apis='mj_imagine, mj_fetch'",
                 lambda r: r['changed'] and sorted(a['name'] for a in r['app']['authorized_apis']) == ['mj_fetch', 'mj_imagine']
                 and r['app']['app_secret'].startswith('********')),
    'apig_app_info': ('name=consumer_app_a', lambda r: [a['app_quota']['name'] for a in r['apps']] == ['env_quota']),
    # After acedata_application above: the key is made in the application it made.
    'acedata_credential': ('service=midjourney name=env_key',
                           lambda r: r['changed'] and r['credential']['name'] == 'env_key' and r['credential']['id']),
    'acedata_credential_info': ('name=env_key', lambda r: [c['name'] for c in r['credentials']] == ['env_key']),
}


def test_every_module_is_run_ad_hoc():
    assert sorted(AD_HOC) == module_names()


def test_every_module_runs_with_only_environment_variables(emulator_server):
    for module in AD_HOC:  # in order: the info modules read what the others made
        args, check = AD_HOC[module]
        result, output = adhoc(emulator_server.url, module, args)
        assert not result.get('failed'), (module, result)
        assert check(result), (module, result)


def test_the_1x_variable_apig_instance_id_works_too(emulator_server):
    result, dummy = adhoc(emulator_server.url, 'apig_app_quota_info', '', HW_APIG_INSTANCE_ID=None,
                          APIG_INSTANCE_ID=S.INSTANCE_ID)
    assert not result.get('failed') and 'app_quotas' in result, result


# -- the messages of the first mistakes, before any request --------------------------------------
def test_missing_instance_id_names_the_variable(emulator_server):
    before = len(emulator_server.emulator.log) if hasattr(emulator_server.emulator, 'log') else None
    result, dummy = adhoc(emulator_server.url, 'apig_app_quota_info', '', HW_APIG_INSTANCE_ID=None)
    assert result['failed'] and result['msg'].startswith('instance_id is required')
    assert 'HW_APIG_INSTANCE_ID' in result['msg'] and 'missing required arguments' not in result['msg']
    if before is not None:
        assert len(emulator_server.emulator.log) == before


def test_missing_token_names_the_variable(emulator_server):
    result, dummy = adhoc(emulator_server.url, 'acedata_application_info', '', ACEDATACLOUD_PLATFORM_TOKEN=None)
    assert result['failed'] and result['msg'].startswith('api_token is required')
    assert 'ACEDATACLOUD_PLATFORM_TOKEN' in result['msg']


def test_wrong_token_says_what_a_platform_token_is(emulator_server):
    result, dummy = adhoc(emulator_server.url, 'acedata_application_info', '', ACEDATACLOUD_PLATFORM_TOKEN='sk-service-key')
    assert result['failed'] and result['status'] == 401
    assert 'Invalid token.' in result['msg'] and '"platform-"' in result['msg'] and 'service key' in result['msg']


def test_wrong_password_says_what_to_check(emulator_server):
    result, output = adhoc(emulator_server.url, 'apig_app_quota_info', '', HUAWEICLOUD_SDK_AK=None, HUAWEICLOUD_SDK_SK=None,
                           HW_PROJECT_ID=None, HW_USER_NAME=S.USER_NAME, HW_PASSWORD='Not-the-Passw0rd',
                           HW_DOMAIN_NAME=S.DOMAIN_NAME)
    assert result['failed'] and result['status'] == 401
    assert '401 401' not in result['msg'] and 'IAM refused the password of user' in result['msg']
    assert 'Not-the-Passw0rd' not in output


def test_unknown_alias_suggests_one(emulator_server):
    result, dummy = adhoc(emulator_server.url, 'acedata_application', 'service=midjouney')
    assert result['failed'] and "did you mean 'midjourney'" in result['msg']
    assert 'acedata_service_info' in result['msg']


def test_unreachable_endpoint_says_it_retried(emulator_server):
    result, dummy = adhoc(emulator_server.url, 'acedata_application_info', 'retries=2 retry_max_delay=0.1',
                          ACEDATACLOUD_PLATFORM_URL='http://127.0.0.1:9')
    assert result['failed'] and 'cannot connect' in result['msg'] and 'gave up after 3 attempts' in result['msg']


@pytest.mark.parametrize('module,variable', [('acedata_application_info', 'ACEDATACLOUD_PLATFORM_URL'),
                                             ('apig_app_quota_info', 'HW_APIG_ENDPOINT'),
                                             ('apig_app_quota_info', 'HW_IAM_ENDPOINT')])
def test_endpoint_userinfo_never_shows(emulator_server, module, variable):
    changes = {variable: 'http://admin:Hunter2-userinfo@127.0.0.1:9', 'HW_PROJECT_ID': None}
    result, output = adhoc(emulator_server.url, module, 'retries=0', '-vvvv', **changes)
    assert result['failed'] and 'cannot connect to http://***@127.0.0.1:9' in result['msg'], result
    assert 'Hunter2-userinfo' not in output


# -- the diffs say what the results say ------------------------------------------------------------
def with_diff(url, tmp_path, module, args):
    """The registered result (diff included) of one task run with ``--diff``."""
    out = tmp_path / 'result.json'
    play = [{'hosts': 'localhost', 'gather_facts': False, 'vars': {'ansible_python_interpreter': sys.executable},
             'tasks': [{'apiops.provisioning.' + module: args, 'register': 'outcome', 'diff': True},
                       {'ansible.builtin.copy': {'content': '{{ outcome | to_json }}', 'dest': str(out)}}]}]
    playbook = tmp_path / 'play.yml'
    playbook.write_text(json.dumps(play), encoding='utf-8')
    binary = os.path.join(os.path.dirname(sys.executable), 'ansible-playbook')
    proc = subprocess.run([binary, '-i', 'localhost,', '-c', 'local', str(playbook)], env=user_environment(url),
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return json.loads(out.read_text(encoding='utf-8'))


def test_application_diff_shows_null_as_the_result_does(emulator_server, tmp_path):
    result = with_diff(emulator_server.url, tmp_path, 'acedata_application', {'service': 'suno'})
    assert result['changed'] and result['application']['tags'] is None and result['application']['metadata'] is None
    assert result['diff']['after']['tags'] is None and result['diff']['after']['metadata'] is None, result['diff']
    again = with_diff(emulator_server.url, tmp_path, 'acedata_application', {'service': 'suno', 'tags': [], 'metadata': {}})
    assert again['changed'] is False, again  # an empty list or dict asks for what null is


def test_delete_diff_shows_the_bound_apps(emulator_server, tmp_path):
    adhoc(emulator_server.url, 'apig_app_quota', 'name=diff_quota call_limits=5 time_unit=DAY time_interval=1 '
                                                 'apps=consumer_app_c')
    result = with_diff(emulator_server.url, tmp_path, 'apig_app_quota', {'name': 'diff_quota', 'state': 'absent'})
    assert result['changed'] and result['diff']['before']['apps'] == ['consumer_app_c'], result
    assert result['diff']['after'] == {}


# -- make emulator prints the exports; make demo installs only what it runs ------------------------
def test_make_emulator_prints_ready_to_paste_exports(tmp_path):
    env_file = tmp_path / 'emulator.env'
    proc = subprocess.Popen([sys.executable, os.path.join(TESTS, 'demo', 'serve.py'), '--env-file', str(env_file)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        deadline = time.time() + 60
        while not env_file.exists():
            assert proc.poll() is None and time.time() < deadline, proc.stdout.read()
            time.sleep(0.1)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        output = proc.communicate(timeout=30)[0]
    lines = env_file.read_text(encoding='utf-8').splitlines()
    names = [re.match(r'export (\w+)=', line).group(1) for line in lines]
    for name in ('ACEDATACLOUD_PLATFORM_TOKEN', 'ACEDATACLOUD_PLATFORM_URL', 'HUAWEICLOUD_SDK_AK', 'HUAWEICLOUD_SDK_SK',
                 'HW_REGION_NAME', 'HW_PROJECT_ID', 'HW_APIG_ENDPOINT', 'HW_IAM_ENDPOINT', 'HW_APIG_INSTANCE_ID',
                 'ANSIBLE_COLLECTIONS_PATH', 'PATH'):
        assert name in names
    for line in lines:
        assert line in output  # printed as well as written
    check = subprocess.run(['bash', '-c', '. %s && echo "$HW_APIG_INSTANCE_ID" && command -v python' % env_file],
                           capture_output=True, text=True, check=True)
    assert check.stdout.splitlines()[0] == S.INSTANCE_ID


def pins(path):
    with open(os.path.join(ROOT, path), encoding='utf-8') as handle:
        return dict(line.split('==') for line in (raw.split('#')[0].strip() for raw in handle) if '==' in line)


def test_demo_requirements_are_pinned_as_for_the_tests():
    demo, tests = pins('tests/requirements-demo.txt'), pins('tests/requirements-test.txt')
    assert sorted(demo) == ['ansible-core', 'requests']
    assert all(tests[name] == version for name, version in demo.items()), (demo, tests)


def test_role_page_has_an_example_and_the_environment_variables():
    binary = os.path.join(os.path.dirname(sys.executable), 'ansible-doc')
    proc = subprocess.run([binary, '-t', 'role', 'apiops.provisioning.api_access'], capture_output=True, text=True,
                          env=dict(os.environ, ANSIBLE_NOCOLOR='1'), timeout=120, check=True)
    page = proc.stdout
    assert 'EXAMPLES:' in page and 'role: apiops.provisioning.api_access' in page
    for name in ('ACEDATACLOUD_PLATFORM_TOKEN', 'HUAWEICLOUD_SDK_AK', 'HW_APIG_INSTANCE_ID', 'HW_APIG_ENDPOINT'):
        assert name in page, name


def test_role_example_runs_against_the_emulator(tmp_path):
    import yaml
    with open(os.path.join(ROOT, 'roles', 'api_access', 'meta', 'argument_specs.yml'), encoding='utf-8') as handle:
        example = yaml.safe_load(handle)['argument_specs']['main']['examples']
    playbook = tmp_path / 'example.yml'
    playbook.write_text(example, encoding='utf-8')
    binary = os.path.join(os.path.dirname(sys.executable), 'ansible-playbook')
    with BackgroundServer() as emulator:  # an emulator of its own: the seed's apps are all free
        env = user_environment(emulator.url, ANSIBLE_PYTHON_INTERPRETER=sys.executable)
        proc = subprocess.run([binary, '-i', 'localhost,', '-c', 'local', str(playbook)], env=env, capture_output=True,
                              text=True, timeout=300, check=False)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    # 2.0: the example's consumers are authorized to the service's APIs, and the service has its API key.
    assert re.search(r'"app_quota_id": "[0-9a-f]{32}",\s*"application_id": "[0-9a-f-]{36}",\s*"authorized_apis": '
                     r'\[.*?"name": "mj_imagine".*?\],\s*"bound_apps": \[\s*\{\s*"app_id": "%s"'
                     % APP_ID['consumer_app_a'], output, re.S), output
    assert re.search(r'"credential_id": "[0-9a-f-]{36}"', output), output


def test_environment_variables_page_lists_every_fallback():
    from ansible_collections.apiops.provisioning.plugins.module_utils import acedata, huaweicloud
    page = '\n'.join(build_docs.environment_lines(COLLECTIONS_ROOT))
    for spec in (acedata.CONNECTION_ARGSPEC, huaweicloud.CONNECTION_ARGSPEC):
        for option, settings in spec.items():
            for variable in (settings['fallback'][1] if settings.get('fallback') else []):
                assert '* ``%s``: option ``%s`` of' % (variable, option) in page
