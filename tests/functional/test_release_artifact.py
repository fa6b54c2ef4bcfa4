# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The release artifact: build it, look inside, install it, use it.

Run with ``cd <repo> && PYTHONPATH=tests python -m pytest tests/functional/test_release_artifact.py``.
``ansible-galaxy collection build`` makes the tarball a user gets; it must hold the collection
(plugins, roles, meta, docs, the execution environment's dependencies) and none of the test and
build machinery (tests, the emulator, venvs, the staging area, caches, CI, the Makefile, byte
code). The tarball is then installed offline into an empty folder, and a module run from that
installed copy alone (``ANSIBLE_COLLECTIONS_PATH`` = that folder, no ``PYTHONPATH``, no scan of
``sys.path``) changes an in-process emulator's state as it says.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile

import pytest
import yaml

from emulator import seed as S

TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(TESTS)
COLLECTION = 'apiops.provisioning'
QUOTAS_PATH = '/v2/%s/apigw/instances/%s/app-quotas' % (S.PROJECT_ID, S.INSTANCE_ID)
APP_ID = dict((app['name'], app['id']) for app in S.DEFAULT_SEED['apig']['apps'])
QUOTA = {'name': 'release_artifact_quota', 'call_limits': 120, 'time_unit': 'MINUTE', 'time_interval': 1,
         'remark': 'Made by the installed artifact', 'apps': ['consumer_app_a']}

# Nothing in the artifact may start with these (top-level folders and files of the repository).
FORBIDDEN_TOP = ('tests', '.build', '.venv', '.ci', '.github', '.git', 'Makefile', 'noxfile.py', 'pyproject.toml', '.nox',
                 'dist', '.benchmarks', '.hypothesis', '.pytest_cache', '.mypy_cache', '.tox', '.cache', '.ansible-lint', '.gitignore')
# ... and no path component may match these.
FORBIDDEN_PARTS = ('__pycache__', '*.pyc', '*.pyo', 'emulator', 'emulator.py', '*.tar.gz', '.DS_Store',
                   '.plugin-cache.yaml')
# Source folders whose every file must ship.
SHIPPED_TREES = ('plugins', 'roles', 'meta')
# Single files that must ship.
SHIPPED_FILES = ('README.md', 'LICENSE', 'requirements.txt', 'meta/runtime.yml', 'meta/execution-environment.yml')


def binary(name):
    """A command of the Python running the tests (its venv), else of PATH."""
    here = os.path.join(os.path.dirname(sys.executable), name)
    found = here if os.access(here, os.X_OK) else shutil.which(name)
    if not found:
        pytest.skip('%s is not installed' % name)
    return found


def galaxy_yml():
    with open(os.path.join(ROOT, 'galaxy.yml'), encoding='utf-8') as handle:
        return yaml.safe_load(handle)


def isolated_env(collections_path, home):
    """The environment of a user who has only the installed collection (and the Python that runs the tests)."""
    env = dict((key, value) for key, value in os.environ.items()
               if not key.startswith(('ANSIBLE_', 'HW_', 'HUAWEICLOUD_', 'ACEDATACLOUD_'))
               and key not in ('PYTHONPATH', 'PYTHONHOME'))
    env.update(ANSIBLE_COLLECTIONS_PATH=collections_path, ANSIBLE_COLLECTIONS_SCAN_SYS_PATH='False',
               ANSIBLE_HOME=os.path.join(home, '.ansible'), ANSIBLE_LOCAL_TEMP=os.path.join(home, 'tmp'),
               ANSIBLE_NOCOLOR='1', ANSIBLE_FORCE_COLOR='0', ANSIBLE_RETRY_FILES_ENABLED='0',
               ANSIBLE_LOCALHOST_WARNING='0', ANSIBLE_INVENTORY_UNPARSED_WARNING='0')
    env['PATH'] = os.path.dirname(sys.executable) + os.pathsep + env.get('PATH', '')
    return env


def run(command, cwd, env, timeout=600):
    process = subprocess.run(command, cwd=str(cwd), env=env, stdin=subprocess.DEVNULL, capture_output=True,
                             text=True, timeout=timeout, check=False)
    output = process.stdout + process.stderr
    assert process.returncode == 0, '%s failed (exit code %d):\n%s' % (' '.join(command), process.returncode, output)
    return process.stdout


@pytest.fixture(name='workdir', scope='module')
def workdir_fixture(tmp_path_factory):
    """A folder outside the repository: the artifact, the install target and the plays live here."""
    return tmp_path_factory.mktemp('release-artifact')


@pytest.fixture(name='tarball', scope='module')
def tarball_fixture(workdir):
    out = workdir / 'dist'
    out.mkdir()
    run([binary('ansible-galaxy'), 'collection', 'build', '--output-path', str(out), ROOT], workdir,
        isolated_env(str(workdir / 'none'), str(workdir)))
    built = sorted(out.glob('*.tar.gz'))
    assert len(built) == 1, built
    meta = galaxy_yml()
    assert built[0].name == '%s-%s-%s.tar.gz' % (meta['namespace'], meta['name'], meta['version'])
    return built[0]


@pytest.fixture(name='members', scope='module')
def members_fixture(tarball):
    """``{path: bytes or None}`` of the tarball's regular files (None for folders)."""
    found = {}
    with tarfile.open(str(tarball), 'r:gz') as archive:
        for member in archive.getmembers():
            name = member.name[2:] if member.name.startswith('./') else member.name
            assert not member.issym() and not member.islnk(), 'the artifact holds a link: %s' % name
            found[name] = archive.extractfile(member).read() if member.isfile() else None
    return found


@pytest.fixture(name='installed', scope='module')
def installed_fixture(tarball, workdir):
    """The tarball installed offline into an empty folder; returns that folder (a collections path)."""
    target = workdir / 'installed'
    target.mkdir()
    run([binary('ansible-galaxy'), 'collection', 'install', '--offline', '-p', str(target), str(tarball)], workdir,
        isolated_env(str(target), str(workdir)))
    return target


# -- what the tarball holds ------------------------------------------------------------------------


def test_artifact_holds_no_test_or_build_machinery(members):
    bad = []
    for name in members:
        parts = name.split('/')
        if parts[0] in FORBIDDEN_TOP or parts[0].startswith('.venv'):
            bad.append(name)
        elif any(fnmatch.fnmatch(part, pattern) for part in parts for pattern in FORBIDDEN_PARTS):
            bad.append(name)
    assert not bad, 'the artifact holds files it must not ship:\n  %s' % '\n  '.join(sorted(bad))


def test_artifact_holds_the_collection(members):
    expected = set(SHIPPED_FILES)
    for tree in SHIPPED_TREES:
        for dirpath, dirnames, filenames in os.walk(os.path.join(ROOT, tree)):
            dirnames[:] = [d for d in dirnames if d != '__pycache__']
            for filename in filenames:
                if not filename.endswith(('.pyc', '.pyo')):
                    expected.add(os.path.relpath(os.path.join(dirpath, filename), ROOT))
    assert any(name.startswith('plugins/modules/') for name in expected), 'no module found in %s' % ROOT
    missing = sorted(name for name in expected if members.get(name) is None)
    assert not missing, 'the artifact lacks:\n  %s' % '\n  '.join(missing)
    for name in sorted(expected):
        with open(os.path.join(ROOT, name), 'rb') as handle:
            assert members[name] == handle.read(), '%s differs from the repository' % name


def test_manifest_and_files_list(members):
    meta = galaxy_yml()
    manifest = json.loads(members['MANIFEST.json'])
    info = manifest['collection_info']
    assert (info['namespace'], info['name'], info['version']) == (meta['namespace'], meta['name'], meta['version'])
    assert info['dependencies'] == (meta.get('dependencies') or {})
    files = json.loads(members['FILES.json'])['files']
    listed = dict((entry['name'], entry) for entry in files if entry['ftype'] == 'file')
    shipped = set(name for name, data in members.items() if data is not None) - {'MANIFEST.json', 'FILES.json'}
    assert set(listed) == shipped
    for name, entry in listed.items():
        assert entry['chksum_sha256'] == hashlib.sha256(members[name]).hexdigest(), name


# -- the installed copy ------------------------------------------------------------------------------


def test_installed_copy_is_the_one_ansible_uses(installed, workdir):
    home = str(workdir)
    env = isolated_env(str(installed), home)
    meta = galaxy_yml()
    root = installed / 'ansible_collections' / meta['namespace'] / meta['name']
    assert (root / 'MANIFEST.json').is_file()
    assert not (root / 'tests').exists()
    listing = json.loads(run([binary('ansible-galaxy'), 'collection', 'list', COLLECTION, '--format', 'json'], workdir, env))
    assert listing == {str(installed / 'ansible_collections'): {COLLECTION: {'version': meta['version']}}}
    for module in sorted(os.listdir(os.path.join(ROOT, 'plugins', 'modules'))):
        if not module.endswith('.py') or module.startswith('_'):
            continue
        name = '%s.%s' % (COLLECTION, module[:-3])
        doc = json.loads(run([binary('ansible-doc'), '--json', name], workdir, env))[name]['doc']
        assert os.path.realpath(doc['filename']).startswith(os.path.realpath(str(root)) + os.sep), doc['filename']


def test_module_from_installed_copy_changes_the_emulator(installed, emulator, workdir):
    results = workdir / 'results.json'
    connection = {'region': S.REGION, 'project_id': S.PROJECT_ID, 'instance_id': S.INSTANCE_ID,
                  'access_key': S.ACCESS_KEY, 'secret_key': S.SECRET_KEY,
                  'apig_endpoint': emulator.url, 'iam_endpoint': emulator.url}
    task_args = dict(connection, **QUOTA)
    play = [{
        'name': 'The installed artifact manages a credential quota',
        'hosts': 'localhost',
        'connection': 'local',
        'gather_facts': False,
        'vars': {'ansible_python_interpreter': sys.executable},
        'tasks': [
            {'name': 'Create the quota', 'apiops.provisioning.apig_app_quota': task_args, 'register': 'created'},
            {'name': 'Create it again', 'apiops.provisioning.apig_app_quota': task_args, 'register': 'again'},
            {'name': 'Keep the results', 'ansible.builtin.copy': {
                'content': '{{ {"created": created, "again": again} | to_json }}', 'dest': str(results),
                'mode': '0600'}},
        ],
    }]
    playbook = workdir / 'play.yml'
    playbook.write_text(yaml.safe_dump(play, sort_keys=False), encoding='utf-8')
    output = run([binary('ansible-playbook'), '-i', 'localhost,', str(playbook)], workdir,
                 isolated_env(str(installed), str(workdir)))
    assert S.SECRET_KEY not in output
    outcome = json.loads(results.read_text(encoding='utf-8'))

    created, again = outcome['created'], outcome['again']
    assert created['changed'] is True, created
    assert created['app_quota']['name'] == QUOTA['name']
    assert [app['name'] for app in created['app_quota']['bound_apps']] == ['consumer_app_a']
    assert again['changed'] is False, again
    assert again['app_quota']['app_quota_id'] == created['app_quota']['app_quota_id']

    state = emulator.state()['apig']
    quotas = [q for q in state['quotas'] if q['name'] == QUOTA['name']]
    assert len(quotas) == 1, state['quotas']
    quota = quotas[0]
    assert (quota['call_limits'], quota['time_unit'], quota['time_interval'], quota['remark']) == \
        (QUOTA['call_limits'], QUOTA['time_unit'], QUOTA['time_interval'], QUOTA['remark'])
    assert quota['app_quota_id'] == created['app_quota']['app_quota_id']
    assert [b['app_id'] for b in state['bindings'] if b['app_quota_id'] == quota['app_quota_id']] == \
        [APP_ID['consumer_app_a']]
    writes = [entry for entry in emulator.requests() if entry['method'] != 'GET']
    assert [(w['method'], w['path']) for w in writes] == [
        ('POST', QUOTAS_PATH), ('POST', '%s/%s/binding-apps' % (QUOTAS_PATH, quota['app_quota_id']))], writes
