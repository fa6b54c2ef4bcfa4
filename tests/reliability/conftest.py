# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reliability and security suite: faults, ambiguous writes, races, hostile input, secrets, TLS, tokens.

Run it with ``python -m pytest tests/reliability``. The tests import the emulator
(``tests/emulator``) and the collection itself, and run ``ansible-playbook`` against an emulator
served from this process. Every test records what it tried in the session's ledger; when the whole
folder ran, the session ends by writing the ledger to ``docs/reliability.md``.
"""

from __future__ import annotations

import glob
import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(HERE)
ROOT = os.path.dirname(TESTS)
# Where the ledger is written: tests/output/reliability.md, unless RELIABILITY_REPORT names another
# file (`make reliability-report` names docs/reliability.md, to be committed with the change).
REPORT = os.environ.get('RELIABILITY_REPORT') or os.path.join(ROOT, 'tests', 'output', 'reliability.md')


if TESTS not in sys.path:
    sys.path.insert(0, TESTS)

# pylint: disable=wrong-import-position
from collection_root import use_collections_root  # noqa: E402

COLLECTIONS_ROOT = use_collections_root()
for path in (os.path.join(HERE, 'callback_plugins'), HERE):
    if path not in sys.path:
        sys.path.insert(0, path)

from reliability_support import FOREIGN_ENV, OPEN_BUGS, PlaybookRunner, duplicate_count  # noqa: E402

# ``emulator_server`` (one per test module) and ``emulator`` (its client, reset before each test).
pytest_plugins = ['emulator.fixtures']

# ---------------------------------------------------------------------------------------------
# The ledger behind docs/reliability.md
# ---------------------------------------------------------------------------------------------
SECTIONS = {
    1: 'Transient and permanent faults',
    2: 'Ambiguous writes',
    3: 'Races',
    4: 'Hostile and malformed input',
    5: 'Secrets',
    6: 'TLS',
    7: 'Expired tokens',
    8: 'List forms',
}


class Row:
    def __init__(self, section, case, api):
        self.section, self.case, self.api = section, case, api
        self.tried = self.survived = self.duplicates = self.leaks = 0


class Attempt:
    """One try of a case: counted as tried at once, as survived when its block ends without error."""

    def __init__(self, row):
        self.row = row
        self.spoilt = False

    def known_failure(self):
        """The try failed in a way an open bug explains: tried, not survived, and the test goes on."""
        self.spoilt = True

    def __enter__(self):
        self.row.tried += 1
        return self

    def duplicates(self, state):
        """Count (before any assertion) the duplicates in an emulator state; returns the count."""
        count = duplicate_count(state)
        self.row.duplicates += count
        return count

    def leaks(self, found):
        """Count the leaks found (a list of ``(secret, place)``); returns the list."""
        self.row.leaks += len(found)
        return found

    def __exit__(self, kind, value, trace):
        if kind is None and not self.spoilt:
            self.row.survived += 1
        return False


class Ledger:
    def __init__(self):
        self.rows = {}

    def row(self, section, case, api):
        key = (section, case, api)
        if key not in self.rows:
            self.rows[key] = Row(section, case, api)
        return self.rows[key]

    def attempt(self, section, case, api):
        return Attempt(self.row(section, case, api))

    def markdown(self, xfailed):
        rows = sorted(self.rows.values(), key=lambda row: row.section)
        lines = [
            '# Reliability and security',
            '',
            'This page is written by the reliability suite, `tests/reliability/`, at the end of every run of',
            'the whole folder (`make reliability-report`; `nox -s reliability` writes it to tests/output/ instead);',
            'do not edit it by hand. Each row is a fault or hostile case the suite inflicted on the',
            'modules, through real `ansible-playbook` runs against the emulator (hostile input runs the modules',
            'in-process, with `hypothesis`, drawing the same values on every run; the list forms run the module',
            'in processes of its own, two at once where they race). *Tried* counts module runs (or',
            'generated values); *survived* counts those that ended as the collection promises: the run succeeded',
            'with the right final state, or failed cleanly with the HTTP status, the API\'s code and message and',
            'the request id, or refused the input before any request, naming the option. *Duplicates* counts',
            'quotas or applications created twice for one identity; *secrets leaked* counts secret values found',
            'in output, results, diffs, warnings or errors. Both must be 0. The rows of concurrent runs may vary',
            'from run to run: those runs meet the open race bugs below only sometimes.',
            '',
            '| section | case | API | tried | survived | duplicates | secrets leaked |',
            '|---|---|---|---:|---:|---:|---:|',
        ]
        for row in rows:
            lines.append('| %d. %s | %s | %s | %d | %d | %d | %d |' % (
                row.section, SECTIONS[row.section], row.case, row.api, row.tried, row.survived, row.duplicates,
                row.leaks))
        lines += ['| | **total** | | **%d** | **%d** | **%d** | **%d** |' % tuple(
            sum(getattr(row, key) for row in rows) for key in ('tried', 'survived', 'duplicates', 'leaks')), '']
        lines += ['## Open bugs', '']
        if not OPEN_BUGS:
            lines.append('None: every case survived.')
        for bug_id, text in OPEN_BUGS.items():
            tests = sorted(nodeid for nodeid, reason in xfailed.items() if reason.startswith('BUG %s:' % bug_id))
            lines.append('- **%s** %s.' % (bug_id, text))
            lines.append('  Shown by %s.' % (', '.join('`%s`' % nodeid.split('::', 1)[1] for nodeid in tests)
                                             if tests else 'generated input only (tolerated there, no xfail test)'))
        if OPEN_BUGS:
            lines += ['', 'The tests that show a bug are marked `xfail(strict=True)`: the suite fails as soon as the bug',
                      'is fixed, as a reminder to delete its entry from `OPEN_BUGS` in',
                      '`tests/reliability/reliability_support.py`. Until then the generated-input and race tests',
                      'tolerate exactly that failure, and count it above as tried but not survived.']
        return '\n'.join(lines) + '\n'


LEDGER = Ledger()
RUN = {'items': set(), 'reported': set(), 'files': set(), 'partial': False, 'xfailed': {}}


def pytest_collection_modifyitems(session, config, items):  # pylint: disable=unused-argument
    for item in items:
        if str(item.path).startswith(HERE + os.sep):
            RUN['items'].add(item.nodeid)
            RUN['files'].add(os.path.basename(str(item.path)))


def pytest_deselected(items):
    if any(str(item.path).startswith(HERE + os.sep) for item in items):
        RUN['partial'] = True


def pytest_runtest_logreport(report):
    if report.nodeid not in RUN['items']:
        return
    if report.when == 'call' or report.skipped:
        RUN['reported'].add(report.nodeid)
    if getattr(report, 'wasxfail', None) and report.skipped:
        RUN['xfailed'][report.nodeid] = report.wasxfail


def pytest_sessionfinish(session, exitstatus):  # pylint: disable=unused-argument
    """Write the ledger (REPORT) when every test of this folder ran (not a -k/-x/--lf subset)."""
    expected = set(os.path.basename(path) for path in glob.glob(os.path.join(HERE, 'test_*.py')))
    complete = (not RUN['partial'] and RUN['items'] and RUN['files'] == expected
                and RUN['reported'] >= RUN['items'] and not hasattr(session.config, 'workerinput')
                and not session.shouldstop)
    if complete:
        os.makedirs(os.path.dirname(REPORT), exist_ok=True)
        with open(REPORT, 'w', encoding='utf-8') as handle:
            handle.write(LEDGER.markdown(RUN['xfailed']))


# ---------------------------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------------------------
@pytest.fixture(scope='session')
def ledger():
    return LEDGER


@pytest.fixture(scope='session')
def runner(tmp_path_factory):
    return PlaybookRunner(str(tmp_path_factory.mktemp('reliability')), COLLECTIONS_ROOT)


@pytest.fixture
def in_process(monkeypatch):
    """The environment of a module run in this process: no credentials from outside, no proxy."""
    for key in list(os.environ):
        if key.startswith(FOREIGN_ENV):
            monkeypatch.delenv(key)
    monkeypatch.setenv('NO_PROXY', '127.0.0.1,localhost')


@pytest.fixture
def interleave(monkeypatch, in_process):  # pylint: disable=unused-argument,redefined-outer-name
    """``interleave(method, path_part, action)``: run ``action()`` once, just before a module run in
    this process sends its first request whose method and path match (a scripted interleaving)."""
    from ansible_collections.apiops.provisioning.plugins.module_utils import transport

    original = transport.Transport._attempt
    pending = []

    def attempt(self, method, path, *args, **kwargs):
        for item in list(pending):
            if item[0] == method and item[1] in path:
                pending.remove(item)
                item[2]()
        return original(self, method, path, *args, **kwargs)

    monkeypatch.setattr(transport.Transport, '_attempt', attempt)
    return lambda method, path, action: pending.append((method, path, action))
