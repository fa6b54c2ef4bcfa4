# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Counting what the nox sessions ran, so that ``make test`` can end with ``N passed, N failed``.

Each session that runs tests records what it counted in ``.build/results/<session>.json``
(``Tally``); ``nox -s summary`` (the last step of ``make test``) prints them as a table and the
line. nox itself only says which sessions succeeded.
"""

from __future__ import annotations

import glob
import json
import os
import re
import time
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RESULTS = os.path.join(ROOT, '.build', 'results')


def junit_cases(paths):
    """``(name, outcome)`` of every <testcase> of the junit files; outcome: passed, failed or skipped."""
    for path in paths:
        for case in ET.parse(path).iter('testcase'):
            name = '::'.join(part for part in (case.get('classname'), case.get('name') or '?') if part)
            tags = {child.tag for child in case}
            yield name, 'failed' if tags & {'failure', 'error'} else 'skipped' if 'skipped' in tags else 'passed'


class Tally:
    """What one session counted; ``with Tally(name) as tally`` records it, whatever happens inside."""

    def __init__(self, name, note=''):
        self.name = name
        self.note = note
        self.passed = self.failed = self.skipped = 0
        self.failures = []
        self.error = None
        self.started = None

    def __enter__(self):
        self.started = time.monotonic()
        return self

    def __exit__(self, kind, value, _traceback):
        if value is not None and not isinstance(value, SystemExit):
            self.error = '%s: %s' % (kind.__name__, value)
            self.fail(self.error)
        self.save(time.monotonic() - self.started)
        return False

    def fail(self, what):
        self.failed += 1
        self.failures.append(what)

    def add(self, outcome, name):
        if outcome == 'failed':
            self.fail(name)
        elif outcome == 'skipped':
            self.skipped += 1
        else:
            self.passed += 1

    def add_junit(self, paths):
        """Every test case of pytest's junit files."""
        for name, outcome in junit_cases(paths):
            self.add(outcome, name)

    def expect(self, code, what):
        """A tool that exited non-zero must have reported a failure (else the run is one)."""
        if code and not self.failed:
            self.fail('%s exited with %s but reported no failed test' % (what, code))

    def save(self, seconds):
        os.makedirs(RESULTS, exist_ok=True)
        data = dict(name=self.name, passed=self.passed, failed=self.failed, skipped=self.skipped,
                    failures=self.failures, note=self.note, seconds=round(seconds, 1), error=self.error)
        with open(os.path.join(RESULTS, re.sub(r'[^\w.-]', '_', self.name) + '.json'), 'w', encoding='utf-8') as handle:
            json.dump(data, handle, indent=1)


def summary(expected=(), optional=()):
    """Print the table and the line; return the exit code (1 when a test failed or a session is missing).

    A session records one result, or several named ``<session>-<part>``. One of ``expected`` that
    recorded nothing counts as a failure, or, when ``optional``, as skipped.
    """
    results = []
    for path in sorted(glob.glob(os.path.join(RESULTS, '*.json')), key=os.path.getmtime):
        with open(path, encoding='utf-8') as handle:
            results.append(json.load(handle))
    names = [r['name'] for r in results]
    absent = [s for s in expected if not any(n == s or n.startswith(s + '-') for n in names)]
    missing = [s for s in absent if s not in optional]
    results += [dict(name=s, passed=0, failed=0, skipped=1, seconds=0.0, failures=[], note='skipped: its Python is missing')
                for s in absent if s in optional]
    print('%-24s %8s %8s %8s %9s  %s' % ('session', 'passed', 'failed', 'skipped', 'seconds', 'note'))
    for r in results:
        print('%-24s %8d %8d %8d %9.1f  %s' % (r['name'], r['passed'], r['failed'], r['skipped'], r['seconds'], r['note']))
    failures = ['%s: %s' % (r['name'], f) for r in results for f in r['failures']]
    failures += ['%s: the session recorded no result (it could not start; see its output above)' % m for m in missing]
    if failures:
        print('\nfailed:')
        for failure in failures:
            print('  %s' % failure)
    passed = sum(r['passed'] for r in results)
    failed = sum(r['failed'] for r in results) + len(missing)
    skipped = sum(r['skipped'] for r in results)
    print('\n%d passed, %d failed%s' % (passed, failed, ', %d skipped' % skipped if skipped else ''))
    return 1 if failed else 0
