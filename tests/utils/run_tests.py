# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``make test``: stage the collection, run every test stage, print one summary line.

    .venv/bin/python tests/utils/run_tests.py [STAGE ...]     # no STAGE: all of them, in order
    .venv/bin/python tests/utils/run_tests.py --list

Run it with the project venv's interpreter (``make venv`` makes it). Stages, in this order:

  sanity          ansible-test sanity --venv (offline get-pip shim); one test per sanity test
  units           ansible-test units --local on tests/unit; pytest's junit counts
  functional      pytest tests/functional (PYTHONPATH=tests); pytest's junit counts
  reliability     pytest tests/reliability: faults, races, hostile input, secrets, TLS; it
                  rewrites docs/reliability.md
  integration     the emulator in its own process, ansible-test integration --local; one test
                  per target
  ansible-lint    } lint stages: each runs once its configuration exists and its tool is
  docs-lint       } installed in the venv (pin it in tests/requirements-test.txt); until then
  changelog-lint  } it is shown as "off" and counts nothing
  docs-current    the reference in docs/collection/ is what antsibull-docs renders from the
                  plugins' and roles' own documentation now (tests/utils/build_docs.py --check;
                  `make docs` regenerates it); one test
  matrix-<line>-sanity, matrix-<line>-units
                  the version matrix: sanity and/or unit tests with another ansible-core release
                  line (MATRIX below), each from its own venv .venv-<line>/, made or updated by
                  tests/utils/make_venv.py from tests/requirements-matrix-<line>.txt and a real
                  Python of the version that line needs; counted like the main stages. A line
                  whose Python this machine lacks is skipped (one skipped test per stage).

``matrix`` as a STAGE means every matrix stage (``make matrix``).

Every stage runs even when an earlier one failed. The output ends with a table and the line
``N passed, N failed`` (``, N skipped`` when something was skipped). The exit code is non-zero when
a test failed or a stage could not run. Each stage's output is also kept in ``.build/logs/``.

The main stages run with the interpreter and tools of the venv that runs this script (ansible-core
from tests/requirements-test.txt); the matrix stages run the same ansible-test commands with the
tools of their own venv (``Toolchain``).

ansible-test needs the collection in a real ``.../ansible_collections/apiops/provisioning``
folder, so the files git knows (tracked, and untracked but not ignored) are copied to
``.build/collections/ansible_collections/apiops/provisioning`` on every run; files that are gone
from the repository are removed from the copy. That copy gets its own (empty) git repository:
``.build`` lies inside this repository's work tree, and without it ansible-test would take this
repository's git for the copy's and, ``.build`` being ignored, find no files at all.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.join(ROOT, '.build')
COLLECTIONS = os.path.join(BUILD, 'collections')
STAGE = os.path.join(COLLECTIONS, 'ansible_collections', 'apiops', 'provisioning')
LOGS = os.path.join(BUILD, 'logs')
SHIM = os.path.join(ROOT, 'tests', 'utils', 'get_pip_offline.py')

PYTHON_VERSION = '%d.%d' % sys.version_info[:2]
VENV_BIN = os.path.dirname(os.path.abspath(sys.executable))

# The version matrix: (ansible-core release line, the Python it runs on here, the stages it gets).
# The main stages cover the line pinned in tests/requirements-test.txt (2.19 on Python 3.11).
# ansible-core 2.20 and later need Python 3.12 or later; 2.18 is the oldest line tested, so
# meta/runtime.yml says requires_ansible ">=2.18.0".
MATRIX = (
    ('2.21', '3.12', ('sanity', 'units')),
    ('2.20', '3.12', ('units',)),
    ('2.18', '3.11', ('units',)),
)

# Never copied into the staged collection, whatever git says.
STAGE_EXCLUDED_PREFIXES = ('.git/', '.build/', '.venv', 'tests/output/', 'dist/')
# Kept in the staged collection between runs: ansible-test's output and the copy's own git.
STAGE_PRESERVED = ('.git', 'tests/output')

# Console noise left out of the echo (still in .build/logs/): pip's notes on this machine's extra
# local package indexes, which hold only some packages.
NOISE = re.compile(r"^WARNING: Location 'file:///.*' is ignored: it is neither a file nor a directory\.$")

# Per-stage time limits, in seconds (CI allows 90 minutes for everything).
TIMEOUTS = {
    'sanity': 30 * 60,
    'units': 10 * 60,
    'functional': 15 * 60,
    'reliability': 20 * 60,
    'integration': 25 * 60,      # one run of ansible-test integration (integration-readings: each reading)
    'ansible-lint': 10 * 60,
    'docs-lint': 10 * 60,
    'changelog-lint': 5 * 60,
    'docs-current': 10 * 60,
    'matrix-venv': 20 * 60,      # creating or updating one matrix venv
    'matrix-sanity': 30 * 60,
    'matrix-units': 10 * 60,
}


class StageError(Exception):
    """A stage could not run (as opposed to a test that ran and failed)."""


class StageSkipped(Exception):
    """A stage cannot apply on this machine (for example: no Python of the version it needs)."""


class Toolchain:
    """The venv whose ansible-test, interpreter and tools a stage uses."""

    def __init__(self, bin_dir, python_version, label='main'):
        self.bin = bin_dir
        self.python_version = python_version
        self.label = label
        self.core_version = None

    @property
    def python(self):
        return os.path.join(self.bin, 'python')

    @property
    def venv(self):
        return os.path.dirname(self.bin)


MAIN = Toolchain(VENV_BIN, PYTHON_VERSION)


class Result:
    """What one stage counted."""

    def __init__(self, name):
        self.name = name
        self.passed = 0
        self.failed = 0
        self.skipped = 0
        self.status = 'ok'
        self.note = ''
        self.seconds = 0.0
        self.failures = []

    def fail(self, what):
        self.failed += 1
        self.failures.append(what)

    def error(self, message):
        """The stage could not run, or its outcome could not be read: one failure."""
        self.status = 'error'
        self.fail('%s: %s' % (self.name, message))
        self.note = message


# -- helpers -------------------------------------------------------------------------------------


def say(message=''):
    sys.stdout.write(message + '\n')
    sys.stdout.flush()


def banner(title):
    say('')
    say('=' * 100)
    say('== %s' % title)
    say('=' * 100)


def base_env(toolchain=MAIN):
    """The environment for every tool: the venv first on PATH, no inherited PYTHONPATH or git overrides."""
    env = dict(os.environ)
    for name in ('PYTHONPATH', 'PYTHONHOME', 'GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'ANSIBLE_COLLECTIONS_PATH',
                 'ANSIBLE_COLLECTIONS_PATHS', 'ANSIBLE_CONFIG', 'VIRTUAL_ENV'):
        env.pop(name, None)
    env['PATH'] = toolchain.bin + os.pathsep + env.get('PATH', '')
    env['VIRTUAL_ENV'] = toolchain.venv
    env['PYTHONUNBUFFERED'] = '1'
    return env


def run(command, log_name, cwd=STAGE, env=None, timeout=None, echo=True):
    """Run ``command``, streaming its output to the console and to ``.build/logs/<log_name>``.

    Returns ``(exit code, output)``; the exit code is None when the time limit ran out.
    """
    os.makedirs(LOGS, exist_ok=True)
    log_path = os.path.join(LOGS, log_name)
    say('$ %s' % ' '.join(command))
    chunks = []
    with open(log_path, 'w', encoding='utf-8', errors='replace') as log:
        try:
            proc = subprocess.Popen(command, cwd=cwd, env=env or base_env(), stdin=subprocess.DEVNULL,
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
        except OSError as ex:
            raise StageError('cannot run %s: %s' % (command[0], ex)) from ex

        def pump():
            for raw in iter(proc.stdout.readline, b''):
                line = raw.decode('utf-8', errors='replace')
                chunks.append(line)
                log.write(line)
                if echo and not NOISE.match(line.rstrip('\n')):
                    sys.stdout.write(line)
                    sys.stdout.flush()

        reader = threading.Thread(target=pump, daemon=True)
        reader.start()
        try:
            code = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            say('!! time limit of %d s reached: stopping %s (process group %d)' % (timeout, command[0], proc.pid))
            stop_group(proc)
            code = None
        reader.join(timeout=30)
        proc.stdout.close()
    return code, ''.join(chunks)


def stop_group(proc, grace=10):
    """Stop a process started with start_new_session=True, and its children."""
    if proc.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def tool(name, toolchain=MAIN):
    """Path of a command installed in the venv, or None."""
    path = os.path.join(toolchain.bin, name)
    return path if os.path.exists(path) else None


def need_tool(name, toolchain=MAIN):
    path = tool(name, toolchain)
    if not path:
        raise StageError('%s is not installed in %s (run `make venv`)' % (name, toolchain.venv))
    return path


def output_dir(*parts):
    return os.path.join(STAGE, 'tests', 'output', *parts)


def clear_results():
    """Forget the previous stage's results (junit files, bot and data json)."""
    for name in ('junit', 'bot', 'data'):
        shutil.rmtree(output_dir(name), ignore_errors=True)


def keep_results(stage):
    """Copy the stage's junit files to .build/junit/<stage>/ (the next stage clears tests/output/junit)."""
    target = os.path.join(BUILD, 'junit', stage)
    shutil.rmtree(target, ignore_errors=True)
    if os.path.isdir(output_dir('junit')):
        shutil.copytree(output_dir('junit'), target)


def parse_junit_cases(paths):
    """Yield ``(name, outcome)`` for every <testcase> in the junit files; outcome is passed/failed/skipped."""
    for path in paths:
        try:
            tree = ET.parse(path)
        except (ET.ParseError, OSError) as ex:
            raise StageError('cannot read %s: %s' % (path, ex)) from ex
        for case in tree.iter('testcase'):
            name = case.get('name') or '?'
            if case.get('classname'):
                name = '%s::%s' % (case.get('classname'), name)
            tags = {child.tag for child in case}
            if tags & {'failure', 'error'}:
                yield name, 'failed'
            elif 'skipped' in tags:
                yield name, 'skipped'
            else:
                yield name, 'passed'


def count_pytest_junit(result, paths):
    """Add pytest's counts from its junit files: passed = tests - failures - errors - skipped."""
    for path in paths:
        try:
            root = ET.parse(path).getroot()
        except (ET.ParseError, OSError) as ex:
            raise StageError('cannot read %s: %s' % (path, ex)) from ex
        suites = [root] if root.tag == 'testsuite' else list(root.iter('testsuite'))
        for suite in suites:
            tests, failures, errors, skipped = (int(suite.get(key, 0) or 0) for key in ('tests', 'failures', 'errors', 'skipped'))
            result.passed += tests - failures - errors - skipped
            result.skipped += skipped
            result.failed += failures + errors
        for name, outcome in parse_junit_cases([path]):
            if outcome == 'failed':
                result.failures.append(name)


# -- staging -------------------------------------------------------------------------------------


def repository_files():
    """Relative paths of the files git tracks plus the untracked ones it does not ignore."""
    try:
        output = subprocess.run(['git', 'ls-files', '-z', '--cached', '--others', '--exclude-standard'], cwd=ROOT,
                                env=base_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=True).stdout
        paths = [p for p in output.decode('utf-8', 'surrogateescape').split('\0') if p]
    except (OSError, subprocess.CalledProcessError):
        say('!! git ls-files failed: copying every file of the tree instead')
        paths = []
        for dirpath, dirnames, filenames in os.walk(ROOT):
            rel_dir = os.path.relpath(dirpath, ROOT)
            dirnames[:] = [d for d in dirnames if d not in ('__pycache__', '.pytest_cache', '.hypothesis')]
            for filename in filenames:
                paths.append(os.path.normpath(os.path.join(rel_dir, filename)))
    return sorted({p for p in paths if not p.startswith(STAGE_EXCLUDED_PREFIXES) and os.path.lexists(os.path.join(ROOT, p))})


def same_file(src, dst):
    try:
        a, b = os.lstat(src), os.lstat(dst)
    except OSError:
        return False
    if os.path.islink(src) or os.path.islink(dst):
        return os.path.islink(src) and os.path.islink(dst) and os.readlink(src) == os.readlink(dst)
    return a.st_size == b.st_size and a.st_mtime_ns == b.st_mtime_ns and a.st_mode == b.st_mode


def preserved(rel):
    return any(rel == keep or rel.startswith(keep + '/') for keep in STAGE_PRESERVED)


def stage_collection():
    """Refresh the staged copy of the collection; return how many files it holds."""
    files = repository_files()
    wanted = set(files)
    os.makedirs(STAGE, exist_ok=True)
    copied = removed = 0
    for rel in files:
        src, dst = os.path.join(ROOT, rel), os.path.join(STAGE, rel)
        if same_file(src, dst):
            continue
        if os.path.isdir(dst) and not os.path.islink(dst):
            shutil.rmtree(dst)
        elif os.path.lexists(dst):
            os.remove(dst)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        if os.path.islink(src):
            os.symlink(os.readlink(src), dst)
        else:
            shutil.copy2(src, dst)
        copied += 1
    for dirpath, dirnames, filenames in os.walk(STAGE, topdown=True):
        rel_dir = os.path.relpath(dirpath, STAGE)
        rel_dir = '' if rel_dir == '.' else rel_dir + '/'
        dirnames[:] = [d for d in dirnames if not preserved(rel_dir + d)]
        for name in filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]:
            rel = rel_dir + name
            if rel not in wanted and not preserved(rel):
                os.remove(os.path.join(dirpath, name))
                removed += 1
    for dirpath, dirnames, filenames in os.walk(STAGE, topdown=False):
        rel = os.path.relpath(dirpath, STAGE)
        if rel != '.' and not preserved(rel) and not os.listdir(dirpath):
            os.rmdir(dirpath)
    if not os.path.isdir(os.path.join(STAGE, '.git')):
        subprocess.run(['git', '-c', 'init.defaultBranch=main', 'init', '-q', STAGE], env=base_env(), check=True)
    say('staged %d files in %s (%d copied, %d removed)' % (len(files), os.path.relpath(STAGE, ROOT), copied, removed))
    return len(files)


# -- stages --------------------------------------------------------------------------------------


def ansible_test_version_dir(toolchain=MAIN):
    """The installed ansible_test package directory."""
    code = 'import ansible_test, os; print(os.path.dirname(ansible_test.__file__))'
    output = subprocess.run([toolchain.python, '-c', code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False,
                            env=base_env(toolchain))
    if output.returncode:
        raise StageError('ansible_test is not importable: %s' % output.stderr.decode(errors='replace').strip())
    return output.stdout.decode().strip()


def install_get_pip_shim(toolchain=MAIN):
    """Put the offline get-pip shim where ansible-test looks for its cached get-pip script."""
    requirements = os.path.join(ansible_test_version_dir(toolchain), '_internal', 'python_requirements.py')
    with open(requirements, encoding='utf-8') as handle:
        match = re.search(r"""\bpip\s*=\s*['"]([0-9][0-9.]*)['"]""", handle.read())
    if not match:
        raise StageError('cannot find the pip version ansible-test wants in %s' % requirements)
    version = match.group(1)
    cache = os.path.join(os.path.expanduser('~'), '.ansible', 'test', 'cache')
    target = os.path.join(cache, 'get_pip_%s.py' % version.replace('.', '_'))
    with open(SHIM, encoding='utf-8') as handle:
        shim = handle.read()
    current = None
    if os.path.exists(target):
        with open(target, encoding='utf-8', errors='replace') as handle:
            current = handle.read()
        if current == shim:
            return target
        if 'apiops.provisioning offline get-pip shim' not in current:
            say('using the existing get-pip script %s (not ours)' % target)
            return target
    os.makedirs(cache, exist_ok=True)
    with open(target + '.tmp', 'w', encoding='utf-8') as handle:
        handle.write(shim)
    os.replace(target + '.tmp', target)
    say('installed the offline get-pip shim for pip %s: %s' % (version, target))
    return target


def check_interpreter(toolchain=MAIN):
    """The first python3.X on PATH must be a working interpreter (pyenv shims exit 127)."""
    name = 'python%s' % toolchain.python_version
    found = shutil.which(name, path=base_env(toolchain)['PATH'])
    if not found:
        raise StageError('%s is not on PATH' % name)
    probe = subprocess.run([found, '-c', 'import sys; print(sys.version)'], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           check=False, env=base_env(toolchain))
    if probe.returncode:
        raise StageError('%s (%s) does not run (exit code %d)' % (name, found, probe.returncode))


def sanity_tests(toolchain=MAIN):
    """Names of the sanity tests ansible-test would run here."""
    command = [need_tool('ansible-test', toolchain), 'sanity', '--list-tests', '--python', toolchain.python_version,
               '--color', 'no']
    proc = subprocess.run(command, cwd=STAGE, env=base_env(toolchain), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          stdin=subprocess.DEVNULL, check=False, timeout=300)
    if proc.returncode:
        raise StageError('ansible-test sanity --list-tests failed: %s' % proc.stderr.decode(errors='replace').strip()[-2000:])
    return [line.strip() for line in proc.stdout.decode().splitlines() if line.strip()]


def stage_sanity(result, toolchain=MAIN, name='sanity', timeout=TIMEOUTS['sanity']):
    """One test per sanity test: its junit result; a test that never finished counts as failed."""
    install_get_pip_shim(toolchain)
    check_interpreter(toolchain)
    if glob.glob(os.path.join(STAGE, 'tests', 'sanity', 'ignore-*.txt')):
        result.fail('%s: tests/sanity/ignore-*.txt exists; this project keeps zero ignore entries' % name)
    expected = sanity_tests(toolchain)
    clear_results()
    command = [need_tool('ansible-test', toolchain), 'sanity', '--venv', '--python', toolchain.python_version, '--junit',
               '--color', 'no']
    code, output = run(command, '%s.log' % name, env=base_env(toolchain), timeout=timeout)
    keep_results(name)
    outcomes = {}
    for case, outcome in parse_junit_cases(sorted(glob.glob(output_dir('junit', '*.xml')))):
        # "sanity::compile-python-3.11" -> "compile"
        case = re.sub(r'-(python-)?\d+\.\d+$', '', case.split('::')[-1])
        if outcomes.get(case) != 'failed':
            outcomes[case] = outcome
    started = set(re.findall(r'^Running sanity test [\'"]([^\'"]+)[\'"]', output, re.M))
    for test in sorted(set(expected) | set(outcomes)):
        outcome = outcomes.get(test)
        if outcome == 'passed':
            result.passed += 1
        elif outcome == 'skipped':
            result.skipped += 1
        elif outcome == 'failed':
            result.fail('%s: %s' % (name, test))
        elif code == 0:
            result.skipped += 1  # finished without a junit result: not applicable here
        elif test in started:
            result.fail('%s: %s (crashed, see .build/logs/%s.log)' % (name, test, name))
        else:
            result.fail('%s: %s (not run: ansible-test stopped before it)' % (name, test))
    if code is None:
        raise StageError('time limit reached')
    if code and not result.failed:
        raise StageError('ansible-test sanity exited with %d but reported no failed test' % code)
    if not code and not result.passed:
        raise StageError('ansible-test sanity passed no test')


def stage_units(result, toolchain=MAIN, name='units', timeout=TIMEOUTS['units']):
    check_interpreter(toolchain)
    if not glob.glob(os.path.join(STAGE, 'tests', 'unit', '**', 'test_*.py'), recursive=True):
        result.note = 'no unit tests'
        return
    clear_results()
    command = [need_tool('ansible-test', toolchain), 'units', '--local', '--python', toolchain.python_version,
               '--color', 'no']
    code, output = run(command, '%s.log' % name, env=base_env(toolchain), timeout=timeout)
    keep_results(name)
    if code is None:
        raise StageError('time limit reached')
    files = sorted(glob.glob(output_dir('junit', '*.xml')))
    count_pytest_junit(result, files)
    if code and not result.failed:
        if re.search(r'^WARNING: (All targets skipped|No tests found)', output, re.M):
            result.note = 'no unit tests'
            return
        raise StageError('ansible-test units exited with %d but reported no failed test' % code)


def pytest_stage(folder, extra_env=None):
    """A stage that runs pytest on ``tests/<folder>`` in the staged copy and counts its junit file."""
    def stage(result):
        tests = os.path.join(STAGE, 'tests', folder)
        if not glob.glob(os.path.join(tests, '**', 'test_*.py'), recursive=True):
            result.note = 'no %s tests' % folder
            return
        junit = os.path.join(BUILD, 'junit', '%s.xml' % folder)
        if os.path.exists(junit):
            os.remove(junit)
        env = base_env()
        env['PYTHONPATH'] = os.pathsep.join([os.path.join(STAGE, 'tests'), COLLECTIONS])
        env.update(extra_env or {})
        command = [sys.executable, '-m', 'pytest', 'tests/%s' % folder, '-p', 'no:cacheprovider', '-ra', '-q',
                   '--junitxml', junit]
        code, _output = run(command, '%s.log' % folder, env=env, timeout=TIMEOUTS[folder])
        if code is None:
            raise StageError('time limit reached')
        if code == 5:
            result.note = 'no %s tests collected' % folder
            return
        if not os.path.exists(junit):
            raise StageError('pytest exited with %d and wrote no junit file' % code)
        count_pytest_junit(result, [junit])
        if code and not result.failed:
            raise StageError('pytest exited with %d but reported no failed test' % code)
    return stage


stage_functional = pytest_stage('functional')
# The reliability suite writes its table to docs/reliability.md of the repository, not of the copy.
stage_reliability = pytest_stage('reliability', {'RELIABILITY_REPORT': os.path.join(ROOT, 'docs', 'reliability.md')})


def import_from_tests(module, name):
    """``name`` from ``module`` of the staged collection's ``tests/`` (the emulator's seed and readings)."""
    sys.path.insert(0, os.path.join(STAGE, 'tests'))
    try:
        return getattr(__import__(module, fromlist=[name]), name)
    except (ImportError, AttributeError) as ex:
        raise StageError('cannot import %s from tests/%s.py: %s' % (name, module.replace('.', '/'), ex)) from ex
    finally:
        sys.path.pop(0)


def load_seed():
    return import_from_tests('emulator', 'seed')


def load_readings():
    """The emulator's readings of open behaviours: ``{name: Reading(apis, text)}``."""
    return import_from_tests('emulator.core', 'READINGS')


def start_emulator(reading=''):
    """Start the emulator in its own process, playing ``reading``; return ``(process, url)``."""
    port_file = os.path.join(BUILD, 'emulator.port')
    if os.path.exists(port_file):
        os.remove(port_file)
    env = base_env()
    env['PYTHONPATH'] = os.path.join(STAGE, 'tests')
    env['EMULATOR_READINGS'] = reading
    os.makedirs(LOGS, exist_ok=True)
    log = open(os.path.join(LOGS, 'emulator.log'), 'wb')  # pylint: disable=consider-using-with
    try:
        proc = subprocess.Popen([sys.executable, '-m', 'emulator', '--port', '0', '--port-file', port_file],
                                cwd=STAGE, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
    finally:
        log.close()
    deadline = time.monotonic() + 30
    url = None
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise StageError('the emulator exited with %d (see .build/logs/emulator.log)' % proc.returncode)
        if url is None and os.path.exists(port_file):
            with open(port_file, encoding='utf-8') as handle:
                url = 'http://127.0.0.1:%d' % int(handle.read().strip())
        if url:
            try:
                with urllib.request.urlopen(url + '/_emulator/health', timeout=2) as response:
                    if response.status == 200:
                        say('emulator running at %s (pid %d)' % (url, proc.pid))
                        return proc, url
            except (urllib.error.URLError, OSError):
                pass
        time.sleep(0.1)
    stop_group(proc)
    raise StageError('the emulator did not become healthy within 30 s (see .build/logs/emulator.log)')


def write_integration_config(url, seed, reading=''):
    values = seed.integration_config(url, reading).items()  # the names: INTEGRATION_VARS in tests/emulator/seed.py
    path = os.path.join(STAGE, 'tests', 'integration', 'integration_config.yml')
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w', encoding='utf-8') as handle:
        handle.write('---\n# Written by tests/utils/run_tests.py for this run: the emulator and its seed data.\n')
        for name, value in values:
            handle.write('%s: %s\n' % (name, json.dumps(str(value))))
    return path


def integration_targets():
    """The targets ansible-test would run (after its own alias filters)."""
    command = [need_tool('ansible-test'), 'integration', '--local', '--python', PYTHON_VERSION, '--color', 'no',
               '--list-targets']
    proc = subprocess.run(command, cwd=STAGE, env=base_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          stdin=subprocess.DEVNULL, check=False, timeout=300)
    err = proc.stderr.decode(errors='replace')
    if proc.returncode:
        raise StageError('ansible-test integration --list-targets failed: %s' % err.strip()[-2000:])
    return [line.strip() for line in proc.stdout.decode().splitlines() if line.strip()]


def stage_integration(result):
    """Every integration target on the default reading of the emulator."""
    targets = integration_targets_or_note(result)
    if targets:
        integration_run(result, targets, '', 'integration')


# The targets each API's readings concern: a reading of one API runs the targets that call it.
READING_TARGETS = {'apig': ('apig_app_quota', 'api_access'), 'acedata': ('acedata_application', 'api_access')}


def stage_integration_readings(result):
    """The targets again under each other reading of the emulator, one at a time (docs/fidelity.md).

    Under a reading, a target runs its ``readings.yml`` only: every write path, each twice, the
    second run unchanged and without writes. One test per (reading, target). ``INTEGRATION_READINGS``
    (names, comma-separated) runs only those.
    """
    targets = integration_targets_or_note(result)
    if not targets:
        return
    only = set(os.environ.get('INTEGRATION_READINGS', '').replace(',', ' ').split())  # e.g. binding_delay,no_body
    for reading, about in sorted(load_readings().items()):
        if only and reading not in only:
            continue
        wanted = sorted(set(t for api in about.apis for t in READING_TARGETS.get(api, ())) & set(targets))
        say('reading %s: %s' % (reading, ' '.join(wanted)))
        try:
            integration_run(result, wanted, reading, 'integration-%s' % reading)
        except StageError as exc:  # the next reading still runs
            result.fail('integration-readings: %s' % exc)


def integration_targets_or_note(result):
    check_interpreter()
    targets = integration_targets() if glob.glob(os.path.join(STAGE, 'tests', 'integration', 'targets', '*', '')) else []
    if not targets:
        result.note = 'no integration targets'
    return targets


def integration_run(result, targets, reading, label):
    """``ansible-test integration`` of ``targets`` against a fresh emulator playing ``reading``."""
    say('targets: %s' % ' '.join(targets))
    seed = load_seed()
    clear_results()
    proc, url = start_emulator(reading)
    try:
        write_integration_config(url, seed, reading)
        command = [need_tool('ansible-test'), 'integration', '--local', '--python', PYTHON_VERSION, '--color', 'no',
                   '--continue-on-error'] + list(targets)
        code, _output = run(command, label + '.log', timeout=TIMEOUTS['integration'])
        keep_results(label)
    finally:
        stop_group(proc)
        say('emulator stopped')
        # It names that emulator: without it, a later ansible-test run starts its own (setup_emulator).
        config = os.path.join(STAGE, 'tests', 'integration', 'integration_config.yml')
        if os.path.exists(config):
            os.remove(config)
    passed = set()
    for path in glob.glob(output_dir('data', 'integration-*.json')):
        with open(path, encoding='utf-8') as handle:
            passed.update(json.load(handle).get('targets', {}))
    suffix = ' (reading %s)' % reading if reading else ''
    failed_before = len(result.failures)
    for target in targets:
        if target in passed:
            result.passed += 1
        else:
            result.fail('integration: %s%s' % (target, suffix))
    if code is None:
        raise StageError('time limit reached%s' % suffix)
    if code and len(result.failures) == failed_before:
        raise StageError('ansible-test integration exited with %d but every target passed%s' % (code, suffix))
    if not code and len(result.failures) > failed_before:
        raise StageError('ansible-test integration ran, but its results list only some of %d targets%s'
                         % (len(targets), suffix))


def lint_stage(name, config, executable, command):
    """A lint stage that counts as one test; off until its configuration and tool are both there."""

    def stage(result):
        missing_config = config and not os.path.exists(os.path.join(STAGE, config))
        if missing_config or not tool(executable):
            result.status = 'off'
            result.note = ('no %s' % config) if missing_config else ('%s not in tests/requirements-test.txt' % executable)
            return
        env = base_env()
        env['ANSIBLE_COLLECTIONS_PATH'] = COLLECTIONS
        code, _output = run([tool(executable)] + command, '%s.log' % name, env=env, timeout=TIMEOUTS[name])
        if code is None:
            raise StageError('time limit reached')
        if code:
            result.fail('%s (exit code %d)' % (name, code))
        else:
            result.passed += 1

    return stage


def stage_docs_current(result):
    """docs/collection/ matches what antsibull-docs renders now (one test)."""
    if not tool('antsibull-docs'):
        result.status = 'off'
        result.note = 'antsibull-docs not in tests/requirements-test.txt'
        return
    script = os.path.join(STAGE, 'tests', 'utils', 'build_docs.py')
    command = [sys.executable, script, '--check', '--collections-root', COLLECTIONS]
    code, output = run(command, 'docs-current.log', timeout=TIMEOUTS['docs-current'])
    if code is None:
        raise StageError('time limit reached')
    if code == 0:
        result.passed += 1
    elif code == 1:
        first = next((line for line in output.splitlines() if ' is out of date: ' in line), 'docs/collection/ is out of date')
        result.fail('docs-current: %s; run `make docs` and commit docs/collection/ (diff in .build/logs/docs-current.log)'
                    % first.strip())
    else:
        raise StageError('tests/utils/build_docs.py --check could not render the docs (exit code %d)' % code)


# -- the version matrix ----------------------------------------------------------------------------


def python_version_of(path):
    """``X.Y`` of the interpreter at ``path``, or None when it does not run (pyenv shims exit 127)."""
    try:
        probe = subprocess.run([path, '-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=False, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    return probe.stdout.decode().strip() if probe.returncode == 0 else None


def find_python(version):
    """A real interpreter of Python ``version`` (``X.Y``), or None.

    Looked for: pyenv's installs (newest patch release first), then ``pythonX.Y`` on PATH outside
    pyenv's shims. The venv a matrix line gets is made from it.
    """
    def patch_level(path):
        release = os.path.basename(os.path.dirname(os.path.dirname(path)))
        return tuple(int(part) if part.isdigit() else -1 for part in release.split('.'))

    candidates = []
    for home in dict.fromkeys((os.path.expanduser('~'), '/root')):
        candidates += sorted(glob.glob(os.path.join(home, '.pyenv', 'versions', version + '.*', 'bin', 'python')),
                             key=patch_level, reverse=True)
    for directory in os.environ.get('PATH', '').split(os.pathsep):
        if directory and os.sep + 'shims' not in directory:
            candidates.append(os.path.join(directory, 'python' + version))
    for candidate in dict.fromkeys(candidates):
        if os.access(candidate, os.X_OK) and python_version_of(candidate) == version:
            return candidate
    return None


_MATRIX_TOOLCHAINS = {}


def matrix_toolchain(line, python_version):
    """Make or update ``.venv-<line>/``; return its Toolchain (once per run and line).

    Raises StageSkipped when this machine has no Python ``python_version``, StageError when the
    venv cannot be made or holds another ansible-core line.
    """
    if line not in _MATRIX_TOOLCHAINS:
        try:
            _MATRIX_TOOLCHAINS[line] = _make_matrix_toolchain(line, python_version)
        except (StageError, StageSkipped) as ex:
            _MATRIX_TOOLCHAINS[line] = ex
    found = _MATRIX_TOOLCHAINS[line]
    if isinstance(found, Exception):
        raise found
    return found


def _make_matrix_toolchain(line, python_version):
    pins = os.path.join(ROOT, 'tests', 'requirements-matrix-%s.txt' % line)
    if not os.path.exists(pins):
        raise StageError('%s is missing' % os.path.relpath(pins, ROOT))
    interpreter = find_python(python_version)
    if not interpreter:
        raise StageSkipped('no Python %s on this machine (ansible-core %s needs it)' % (python_version, line))
    venv_dir = os.path.join(ROOT, '.venv-%s' % line)
    command = [interpreter, os.path.join(ROOT, 'tests', 'utils', 'make_venv.py'), '--venv', venv_dir,
               os.path.join(ROOT, 'requirements.txt'), pins]
    env = base_env()
    env['PATH'] = env['PATH'].split(os.pathsep, 1)[1]  # not the main venv's tools
    env.pop('VIRTUAL_ENV', None)
    code, _output = run(command, 'matrix-%s-venv.log' % line, cwd=ROOT, env=env, timeout=TIMEOUTS['matrix-venv'])
    if code is None:
        raise StageError('making %s: time limit reached' % os.path.relpath(venv_dir, ROOT))
    if code:
        raise StageError('making %s failed (exit code %d, see .build/logs/matrix-%s-venv.log)'
                         % (os.path.relpath(venv_dir, ROOT), code, line))
    toolchain = Toolchain(os.path.join(venv_dir, 'bin'), python_version, line)
    probe = subprocess.run([toolchain.python, '-c', 'from ansible.release import __version__; print(__version__)'],
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False,
                           env=base_env(toolchain))
    version = probe.stdout.decode().strip()
    if probe.returncode or not version.startswith(line + '.'):
        raise StageError('%s holds ansible-core %r, not %s.x' % (os.path.relpath(venv_dir, ROOT), version or None, line))
    say('ansible-core %s on Python %s (%s)' % (version, python_version, interpreter))
    toolchain.core_version = version
    return toolchain


def matrix_stage(line, python_version, kind):
    """The sanity or units stage of one matrix line."""
    name = 'matrix-%s-%s' % (line, kind)

    def stage(result):
        try:
            toolchain = matrix_toolchain(line, python_version)
        except StageSkipped as ex:
            result.status = 'skipped'
            result.skipped += 1
            result.note = str(ex)
            say('skipped: %s' % ex)
            return
        result.note = 'ansible-core %s, Python %s' % (toolchain.core_version, python_version)
        if kind == 'sanity':
            stage_sanity(result, toolchain, name, TIMEOUTS['matrix-sanity'])
        else:
            stage_units(result, toolchain, name, TIMEOUTS['matrix-units'])

    return stage


MATRIX_STAGES = tuple(('matrix-%s-%s' % (line, kind), matrix_stage(line, python_version, kind))
                      for line, python_version, kinds in MATRIX for kind in kinds)

STAGES = (
    ('sanity', stage_sanity),
    ('units', stage_units),
    ('functional', stage_functional),
    ('reliability', stage_reliability),
    ('integration', stage_integration),
    ('integration-readings', stage_integration_readings),
    # Lint stages: each turns itself on once its tool is pinned in tests/requirements-test.txt.
    ('ansible-lint', lint_stage('ansible-lint', '.ansible-lint', 'ansible-lint', [])),
    ('docs-lint', lint_stage('docs-lint', None, 'antsibull-docs', ['lint-collection-docs', '--plugin-docs', '.'])),
    ('changelog-lint', lint_stage('changelog-lint', 'changelogs/config.yaml', 'antsibull-changelog', ['lint'])),
    ('docs-current', stage_docs_current),
) + MATRIX_STAGES

# Names that stand for several stages on the command line.
GROUPS = {
    'matrix': [name for name, _stage in MATRIX_STAGES],
}


# -- main ----------------------------------------------------------------------------------------


def summary(results):
    banner('summary')
    say('%-20s %8s %8s %8s %9s  %s' % ('stage', 'passed', 'failed', 'skipped', 'seconds', 'status'))
    for r in results:
        status = r.status if r.status != 'ok' or not r.failed else 'failed'
        say('%-20s %8d %8d %8d %9.1f  %s%s' % (r.name, r.passed, r.failed, r.skipped, r.seconds, status,
                                               (' (%s)' % r.note) if r.note else ''))
    failures = [f for r in results for f in r.failures]
    if failures:
        say('')
        say('failed:')
        for failure in failures:
            say('  %s' % failure)
    say('')
    passed = sum(r.passed for r in results)
    failed = sum(r.failed for r in results)
    skipped = sum(r.skipped for r in results)
    line = '%d passed, %d failed' % (passed, failed)
    if skipped:
        line += ', %d skipped' % skipped
    say(line)
    return 1 if failed or any(r.status == 'error' for r in results) else 0


def main(argv=None):
    names = [name for name, _stage in STAGES]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('stages', nargs='*', metavar='STAGE',
                        help='stages to run (default: all): %s; or %s' % (', '.join(names), ', '.join(sorted(GROUPS))))
    parser.add_argument('--list', action='store_true', help='list the stages and exit')
    args = parser.parse_args(argv)
    if args.list:
        say('\n'.join(names))
        return 0
    unknown = [s for s in args.stages if s not in names and s not in GROUPS]
    if unknown:
        parser.error('unknown stage(s): %s (choose from %s)' % (', '.join(unknown), ', '.join(names + sorted(GROUPS))))
    wanted = set()
    for name in args.stages:
        wanted.update(GROUPS.get(name, [name]))
    selected = [(name, stage) for name, stage in STAGES if not args.stages or name in wanted]

    results = []
    banner('staging the collection')
    try:
        stage_collection()
    except (OSError, subprocess.CalledProcessError) as ex:
        result = Result('staging')
        result.error(str(ex))
        results.append(result)
        return summary(results)

    for name, stage in selected:
        banner('stage: %s' % name)
        result = Result(name)
        start = time.monotonic()
        try:
            stage(result)
        except StageError as ex:
            result.error(str(ex))
            say('!! %s: %s' % (name, ex))
        except Exception as ex:  # pylint: disable=broad-exception-caught
            result.error('%s: %s' % (type(ex).__name__, ex))
            say('!! %s: %s: %s' % (name, type(ex).__name__, ex))
        result.seconds = time.monotonic() - start
        results.append(result)
    return summary(results)


if __name__ == '__main__':
    sys.exit(main())
