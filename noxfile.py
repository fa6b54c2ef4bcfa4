# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The test sessions of apiops.provisioning: ``nox -l`` lists them, ``nox -s units`` runs one.

``make test`` runs every session (two at a time, cheap ones first) and ends with ``nox -s
summary``: a table of what each counted and the line ``N passed, N failed``. The main sessions run
in the venv nox itself runs from (``make venv`` makes ``.venv/`` with the pinned tools:
``.venv/bin/nox -s units``); the matrix sessions make their own venvs with the ansible-core line
they test, from the ``pythonX.Y`` nox finds on PATH (a session whose Python is missing is skipped).
Each session that runs ansible-test copies the collection to its own folder under ``.build/``
(tests/utils/shims.py says why), so sessions can run side by side.
"""

from __future__ import annotations

import glob
import json
import os
import re
import signal
import subprocess
import sys
import threading

import nox

ROOT = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'utils'))
sys.path.insert(0, os.path.join(ROOT, 'tests'))

import shims  # noqa: E402 pylint: disable=wrong-import-position
from tally import Tally, junit_cases, summary as print_summary  # noqa: E402 pylint: disable=wrong-import-position

BUILD = os.path.join(ROOT, '.build')
LOGS = os.path.join(BUILD, 'logs')

nox.options.default_venv_backend = 'none'
nox.options.error_on_missing_interpreters = False
nox.options.reuse_venv = 'yes'

# The version matrix: (ansible-core release line, its Python, what it runs). The main sessions
# cover the line pinned in tests/requirements-test.txt (2.19 on Python 3.11); ansible-core 2.20
# and later need Python 3.12; 2.18 is the oldest line meta/runtime.yml admits.
MATRIX = (('2.21', '3.12', ('units', 'sanity')), ('2.20', '3.12', ('units',)), ('2.18', '3.11', ('units',)))
MATRIX_SESSIONS = ['matrix-%s' % line for line, _python, _kinds in MATRIX]
# What `make test` runs, in this order (cheap first), and what `nox -s summary` expects to find.
SESSIONS = ['units', 'docs-check', 'lint', 'changelog', 'functional', 'reliability', 'integration', 'readings',
            'sanity'] + MATRIX_SESSIONS
nox.options.sessions = SESSIONS


# No command of a session may run longer than this (CI allows 90 minutes for everything).
TIME_LIMIT = 25 * 60


def call(session, command, log, cwd=ROOT, env=None, limit=TIME_LIMIT):
    """Run ``command`` with its output shown and kept in ``.build/logs/<log>``; return (code, output).

    The session's venv comes first on PATH, as if it were activated. A command still running after
    ``limit`` seconds is stopped, with its process group, and reported as an error.
    """
    session.log(' '.join(command))
    os.makedirs(LOGS, exist_ok=True)
    env = dict(os.environ, **(env or {}))
    env['PATH'] = os.pathsep.join([os.path.dirname(python_of(session)), env.get('PATH', '')])  # its ansible-* first
    proc = subprocess.Popen(command, cwd=cwd, env=env, stdin=subprocess.DEVNULL,  # pylint: disable=consider-using-with
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    timer = threading.Timer(limit, os.killpg, (proc.pid, signal.SIGKILL))
    timer.start()
    lines = []
    try:
        with open(os.path.join(LOGS, log), 'w', encoding='utf-8') as handle:
            for raw in proc.stdout:
                line = raw.decode('utf-8', 'replace')
                lines.append(line)
                handle.write(line)
                sys.stdout.write(line)
                sys.stdout.flush()
        code = proc.wait()
    except BaseException:  # Ctrl-C reaches nox only: the command's own process group goes with it
        os.killpg(proc.pid, signal.SIGKILL)
        raise
    finally:
        timer.cancel()
    if code == -signal.SIGKILL:
        raise shims.ShimError('%s was stopped after %d s (the time limit)' % (os.path.basename(command[0]), limit))
    return code, ''.join(lines)


def done(session, tally):
    """Fail the nox session when its tally holds a failure."""
    if tally.failed:
        session.error('%d failed: %s' % (tally.failed, '; '.join(tally.failures[:5])))


def python_of(session):
    """The interpreter of the session's venv, or this one (sessions without their own venv)."""
    return os.path.join(session.bin, 'python') if session.venv_backend != 'none' else sys.executable


def pytest(session, name, folder, *args, env=None, note=None):
    """pytest on ``tests/<folder>`` of this checkout, counted from its junit file; ``note()`` adds a remark."""
    junit = os.path.join(BUILD, 'junit', '%s.xml' % name)
    if os.path.exists(junit):
        os.remove(junit)
    with Tally(name) as tally:
        # pyproject.toml holds pytest's other options.
        code, _output = call(session, [python_of(session), '-m', 'pytest', 'tests/%s' % folder, '-q', '--junitxml', junit]
                             + list(args) + session.posargs, '%s.log' % name, env=env)
        if os.path.exists(junit):
            tally.add_junit([junit])
        tally.expect(code, 'pytest')
        tally.note = note() if note else tally.note
    done(session, tally)


COVERAGE = os.path.join(BUILD, 'coverage-module_utils.json')


@nox.session
def units(session):
    """Unit tests (tests/unit), on two workers, with the coverage of plugins/module_utils."""
    if os.path.exists(COVERAGE):
        os.remove(COVERAGE)
    pytest(session, 'units', 'unit', '-n', '2', '--cov=ansible_collections.apiops.provisioning.plugins.module_utils',
           '--cov-report=term', '--cov-report=json:%s' % COVERAGE, note=coverage_note)


def coverage_note():
    if not os.path.exists(COVERAGE):
        return ''
    with open(COVERAGE, encoding='utf-8') as handle:
        totals = json.load(handle)['totals']
    return 'module_utils coverage %.1f%% (%d of %d lines, %d of %d branches)' % (
        totals['percent_covered'], totals['covered_lines'], totals['num_statements'],
        totals.get('covered_branches', 0), totals.get('num_branches', 0))


@nox.session
def functional(session):
    """Functional tests (tests/functional): modules, role and emulator, in process and through ansible."""
    pytest(session, 'functional', 'functional')


@nox.session
def reliability(session):
    """The reliability suite (tests/reliability); its ledger goes to tests/output/reliability.md
    (``make reliability-report`` writes docs/reliability.md)."""
    report = os.environ.get('RELIABILITY_REPORT') or os.path.join(ROOT, 'tests', 'output', 'reliability.md')
    os.makedirs(os.path.dirname(report), exist_ok=True)
    pytest(session, 'reliability', 'reliability', env={'RELIABILITY_REPORT': report})


# -- ansible-test ----------------------------------------------------------------------------------


def tool(session, name):
    """A command of the session's venv (the main sessions: the venv nox runs from, not activated)."""
    return os.path.join(os.path.dirname(python_of(session)), name)


def ansible_test(session):
    return tool(session, 'ansible-test')


def python_version(session):
    probe = [python_of(session), '-c', 'import sys; print("%d.%d" % sys.version_info[:2])']
    return subprocess.run(probe, stdout=subprocess.PIPE, check=True).stdout.decode().strip()


def sanity_run(session, name):
    """ansible-test sanity in a staged copy: one test per sanity test, counted from its junit."""
    with Tally(name) as tally:
        staged = shims.stage(name)
        shims.clear_output(staged)
        shims.install_get_pip_shim(python_of(session))
        if glob.glob(os.path.join(staged, 'tests', 'sanity', 'ignore-*.txt')):
            tally.fail('tests/sanity/ignore-*.txt exists; this project keeps zero ignore entries')
        version = python_version(session)
        listed = subprocess.run([ansible_test(session), 'sanity', '--list-tests', '--python', version], cwd=staged,
                                stdout=subprocess.PIPE, check=True).stdout.decode().split()
        code, output = call(session, [ansible_test(session), 'sanity', '--venv', '--python', version, '--junit',
                                      '--color', 'no'], '%s.log' % name, cwd=staged)
        outcomes = {}
        for case, outcome in junit_cases(sorted(glob.glob(os.path.join(staged, 'tests', 'output', 'junit', '*.xml')))):
            case = re.sub(r'-(python-)?\d+\.\d+$', '', case.split('::')[-1])  # compile-python-3.11 -> compile
            if outcomes.get(case) != 'failed':
                outcomes[case] = outcome
        started = set(re.findall(r'^Running sanity test [\'"]([^\'"]+)[\'"]', output, re.M))
        for test in sorted(set(listed) | set(outcomes)):
            outcome = outcomes.get(test) or ('skipped' if code == 0 else 'failed')  # no junit when not applicable
            tally.add(outcome, test if outcome != 'failed' or test in outcomes or test in started
                      else '%s (not run: ansible-test stopped before it)' % test)
        tally.expect(code, 'ansible-test sanity')
    done(session, tally)


@nox.session
def sanity(session):
    """ansible-test sanity (--venv: each test in the venv ansible-test makes for it); no ignore entries."""
    sanity_run(session, 'sanity')


def integration_run(session, tally, targets, readings=(), label='integration'):
    """``ansible-test integration`` of ``targets`` against a fresh emulator playing ``readings``."""
    staged = shims.stage(label)
    shims.clear_output(staged)
    with shims.Emulator(readings, log=os.path.join(LOGS, '%s-emulator.log' % label)) as url:
        config = shims.write_integration_config(staged, url, readings)
        try:
            code, _output = call(session, [ansible_test(session), 'integration', '--local', '--python',
                                           python_version(session), '--color', 'no', '--continue-on-error'] + list(targets),
                                 '%s.log' % label, cwd=staged)
        finally:
            os.remove(config)  # a later plain ansible-test run in this copy starts an emulator of its own
    passed = set()
    for path in glob.glob(os.path.join(staged, 'tests', 'output', 'data', 'integration-*.json')):
        with open(path, encoding='utf-8') as handle:
            passed.update(json.load(handle).get('targets', {}))
    suffix = ' (readings %s)' % ','.join(readings) if readings else ''
    for target in targets:
        tally.add('passed' if target in passed else 'failed', target + suffix)
    tally.expect(code, 'ansible-test integration' + suffix)


def integration_targets():
    """The targets ansible-test would run (not the hidden setup targets)."""
    found = []
    for aliases in sorted(glob.glob(os.path.join(ROOT, 'tests', 'integration', 'targets', '*', 'aliases'))):
        with open(aliases, encoding='utf-8') as handle:
            if 'hidden' not in handle.read().split():
                found.append(os.path.basename(os.path.dirname(aliases)))
    return found


@nox.session
def integration(session):
    """Every integration target (or those named: ``nox -s integration -- apig_app_quota``) on the emulator."""
    with Tally('integration') as tally:
        integration_run(session, tally, session.posargs or integration_targets())
    done(session, tally)


@nox.session
def readings(session):
    """The targets' write paths under the emulator's other readings of open behaviours (docs/fidelity.md).

    The readings are played in the groups of ``READING_GROUPS`` (tests/emulator/core.py), each
    group at once; ``nox -s readings -- status_200`` plays only that reading, alone.
    """
    from emulator.core import READING_GROUPS, READINGS  # pylint: disable=import-outside-toplevel
    groups = [(name,) for name in session.posargs] if session.posargs else READING_GROUPS
    targets = integration_targets()
    with Tally('readings') as tally:
        for index, group in enumerate(groups):
            apis = set(api for name in group for api in READINGS[name].apis)
            # A module's target is named after its API (apig_*, acedata_*); the role's calls both.
            wanted = [t for t in targets if t == 'api_access' or t.split('_')[0] in apis]
            label = 'readings-%s' % (group[0] if session.posargs else index + 1)
            integration_run(session, tally, wanted, group, label)
    done(session, tally)


# -- lint and docs ---------------------------------------------------------------------------------


def tool_run(session, name, checks):
    """One test per ``(command, what)`` of ``checks``, run in one staged copy (the linters need the
    collection on their path)."""
    with Tally(name) as tally:
        staged = shims.stage(name)
        for index, (command, what) in enumerate(checks):
            code, _output = call(session, command, '%s-%d.log' % (name, index + 1), cwd=staged,
                                 env={'ANSIBLE_COLLECTIONS_PATH': os.path.join(BUILD, name)})
            tally.add('failed' if code else 'passed', '%s (exit code %d)' % (what, code) if code else what)
    done(session, tally)


@nox.session
def lint(session):
    """ansible-lint (its profile in .ansible-lint) on the role, playbooks and targets; ruff (pyproject.toml) on the Python."""
    tool_run(session, 'lint', [([tool(session, 'ansible-lint')], 'ansible-lint'),
                               ([tool(session, 'ruff'), 'check', '--no-cache', '.'], 'ruff check')])


@nox.session(name='docs-check')
def docs_check(session):
    """The plugins' and role's documentation is valid and renders (antsibull-docs), into .build/docs/."""
    tool_run(session, 'docs-check', [
        ([tool(session, 'antsibull-docs'), 'lint-collection-docs', '--plugin-docs', '.'],
         'antsibull-docs lint-collection-docs'),
        ([python_of(session), 'tests/utils/build_docs.py', '--dest', os.path.join(BUILD, 'docs'), '--collections-root',
          os.path.join(BUILD, 'docs-check')], 'the reference renders (antsibull-docs collection, as make docs)'),
    ])


@nox.session
def changelog(session):
    """antsibull-changelog lint: every fragment is valid."""
    tool_run(session, 'changelog', [([tool(session, 'antsibull-changelog'), 'lint'], 'antsibull-changelog lint')])


# -- the version matrix ----------------------------------------------------------------------------


def matrix_session(line, python, kinds):
    @nox.session(name='matrix-%s' % line, python=python, venv_backend='venv')
    def matrix(session):
        with Tally('matrix-%s-install' % line, note='ansible-core %s, Python %s' % (line, python)) as tally:
            session.install('-q', '-r', 'requirements.txt', '-r', 'tests/requirements-matrix-%s.txt' % line)
            tally.passed += 1
        done(session, tally)
        if 'units' in kinds:
            pytest(session, 'matrix-%s-units' % line, 'unit', '-n', '2')
        if 'sanity' in kinds:
            sanity_run(session, 'matrix-%s-sanity' % line)
    matrix.__doc__ = 'ansible-core %s on Python %s: %s' % (line, python, ' and '.join(kinds))
    return matrix


for _line, _python, _kinds in MATRIX:
    matrix_session(_line, _python, _kinds)


@nox.session
def summary(session):
    """The table of what each session counted (.build/results/) and the line ``N passed, N failed``.

    ``nox -s summary -- SESSION ...`` names the sessions that should have recorded a result (all
    by default); a matrix session that recorded none was skipped for want of its Python.
    """
    if print_summary(session.posargs or SESSIONS, optional=MATRIX_SESSIONS):
        session.error('some tests failed')
