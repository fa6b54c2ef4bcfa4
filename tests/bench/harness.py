# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the benchmark stands on: the emulator, ansible-playbook runs, process measurements, tables.

``Emulator`` runs the emulator in this process (a thread, steered by the shared ``EmulatorClient``), so
that the ansible-playbook process tree measured is Ansible alone. ``Ansible`` runs playbooks with the ``bench_marks`` callback, which tells
which emulator requests and how much wall time belong to each task. ``measure`` runs a command and
reports its wall time, CPU time and memory.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(BENCH)
ROOT = os.path.dirname(TESTS)
if TESTS not in sys.path:
    sys.path.insert(0, TESTS)

from emulator import seed as S  # noqa: E402 pylint: disable=wrong-import-position
from collection_root import collections_root  # noqa: E402 pylint: disable=wrong-import-position
from emulator.client import EmulatorClient, acedata_connection, apig_connection  # noqa: E402,F401 pylint: disable=wrong-import-position,unused-import
from emulator.core import BackgroundServer  # noqa: E402 pylint: disable=wrong-import-position

APIG_PREFIX = '/v2/%s/apigw/instances/%s' % (S.PROJECT_ID, S.INSTANCE_ID)
ACEDATA_PREFIX = '/api/v1'
# Path segments that are ids, replaced by a placeholder in request templates.
ID_SEGMENTS = ((re.compile(r'/app-quotas/[^/]+'), '/app-quotas/{id}'),
               (re.compile(r'/bound-apps/[^/]+'), '/bound-apps/{app_id}'),
               (re.compile(r'/apps/[^/]+'), '/apps/{app_id}'),
               (re.compile(r'/applications/[0-9a-f-]{36}'), '/applications/{id}'),
               (re.compile(r'/services/[^/]+'), '/services/{ref}'))
QUERY_VALUES_SHOWN = ('limit', 'offset', 'precise_search')
OFFSET = re.compile(r'offset=(\d+)')
LEGEND = ('`{I}` = `/v2/{project_id}/apigw/instances/{instance_id}` (APIG), `{A}` = `/api/v1` (Ace Data Cloud); '
          'query filters are shown without their values, `limit`, `offset` and `precise_search` with theirs.')


def template(entry):
    """A logged request as ``METHOD path-template?query-keys`` (ids and filter values left out)."""
    path = entry['path']
    for prefix, short in ((APIG_PREFIX, '{I}'), (ACEDATA_PREFIX, '{A}')):
        if path.startswith(prefix):
            path = short + path[len(prefix):]
    for pattern, placeholder in ID_SEGMENTS:
        path = pattern.sub(placeholder, path)
    keys = []
    for item in (entry.get('query') or '').split('&'):
        key, _sep, value = item.partition('=')
        if key:
            keys.append('%s=%s' % (key, value) if key in QUERY_VALUES_SHOWN else key)
    return '%s %s%s' % (entry['method'], path, '?' + '&'.join(keys) if keys else '')


def is_write(entry):
    """True for a request that changes something (an IAM token exchange changes nothing)."""
    return entry['method'] != 'GET' and entry['path'] != '/v3/auth/tokens'


def summarise_requests(entries):
    """Request templates in order; a run of requests that differ only in their offset (the pages of
    one listing) or not at all is folded: ``3x GET {I}/app-quotas?limit=500&name&offset=0..1000``."""
    folded = []  # [key, first text, count, offsets]
    for text in (template(entry) for entry in entries):
        match = OFFSET.search(text)
        key = OFFSET.sub('offset=*', text)
        if folded and folded[-1][0] == key:
            folded[-1][2] += 1
        else:
            folded.append([key, text, 1, []])
        if match:
            folded[-1][3].append(match.group(1))
    lines = []
    for key, text, count, offsets in folded:
        if count > 1 and len(set(offsets)) > 1:
            text = key.replace('offset=*', 'offset=%s..%s' % (offsets[0], offsets[-1]))
        lines.append(text if count == 1 else '%dx %s' % (count, text))
    return lines


class Emulator(EmulatorClient):
    """The emulator in a background thread, with the benchmark's fixed latency per API request."""

    def __init__(self, latency_ms):
        self.latency_ms = latency_ms
        server = BackgroundServer().__enter__()
        super().__init__(server.url, server)
        self.reset()

    def reset(self, seed=None):
        """Back to the default seed plus ``seed`` (a ``POST /_emulator/seed`` document), latency set."""
        super().reset()
        if seed:
            self.seed(seed)
        self.config(latency_ms=self.latency_ms)

    def close(self):
        self.server.__exit__(None, None, None)


# ---------------------------------------------------------------------------------------------
# Processes
# ---------------------------------------------------------------------------------------------
def _children(pid):
    """The child processes of ``pid`` (those of each of its threads), from /proc."""
    found = []
    try:
        threads = os.listdir('/proc/%d/task' % pid)
    except OSError:
        return found
    for tid in threads:
        try:
            with open('/proc/%d/task/%s/children' % (pid, tid), encoding='ascii') as handle:
                found.extend(int(child) for child in handle.read().split())
        except OSError:
            continue
    return found


def tree_rss_kb(root):
    """The summed resident memory of ``root`` and all its descendants, in KiB."""
    page_kb = os.sysconf('SC_PAGE_SIZE') // 1024
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        try:
            with open('/proc/%d/statm' % pid, encoding='ascii') as handle:
                total += int(handle.read().split()[1]) * page_kb
        except (OSError, ValueError, IndexError):
            continue
        todo.extend(_children(pid))
    return total


def measure(command, env, log_path, interval=0.05):
    """Run ``command``; its exit status, wall and CPU time and memory.

    ``max_rss_mb`` is the ``ru_maxrss`` that ``wait4`` reports for the child: on Linux the largest
    resident set of any single process of its tree. ``peak_tree_mb`` is the largest sum of the
    resident sets of the whole tree at one moment (sampled every ``interval`` seconds; shared pages
    of forked workers count once per process, so it is an upper bound).
    """
    with open(log_path, 'w', encoding='utf-8') as log:
        epoch = time.time()
        started = time.perf_counter()
        proc = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
        peak = [0]
        done = threading.Event()

        def sample():
            while not done.is_set():
                peak[0] = max(peak[0], tree_rss_kb(proc.pid))
                done.wait(interval)
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
    return dict(rc=proc.returncode, started=epoch, wall=wall, cpu=usage.ru_utime + usage.ru_stime,
                max_rss_mb=usage.ru_maxrss / 1024.0, peak_tree_mb=peak[0] / 1024.0)


class PlaybookRun:
    """One ansible-playbook run: measurements, output, and the task marks of ``bench_marks``."""

    def __init__(self, figures, output, marks):
        self.__dict__.update(figures)
        self.output = output
        self.marks = marks

    def task(self, name):
        for mark in self.marks:
            if mark['name'] == name:
                return mark
        raise KeyError('no task %r in the playbook run (did it fail to start?):\n%s' % (name, self.output[-3000:]))

    def tasks(self, prefix):
        return [mark for mark in self.marks if mark['name'].startswith(prefix)]


class Ansible:
    """ansible-playbook against the emulator, with this repository as apiops.provisioning."""

    def __init__(self, workdir, emulator):
        self.workdir = workdir
        self.emulator = emulator
        self.runs = 0
        env = dict((key, value) for key, value in os.environ.items()
                   if not key.startswith(('HW_', 'HUAWEICLOUD_', 'ACEDATACLOUD_', 'ANSIBLE_')))
        env.update(ANSIBLE_COLLECTIONS_PATH=collections_root(workdir),
                   ANSIBLE_CALLBACK_PLUGINS=os.path.join(BENCH, 'callback_plugins'),
                   ANSIBLE_CALLBACKS_ENABLED='bench_marks', ANSIBLE_NOCOLOR='1', ANSIBLE_RETRY_FILES_ENABLED='0',
                   ANSIBLE_LOCAL_TEMP=os.path.join(workdir, 'ansible-tmp'), BENCH_EMULATOR_URL=emulator.url)
        self.env = env

    def write_playbook(self, name, tasks, play_vars=None):
        """A one-play playbook for the inventory's ``provisioner`` host (JSON is YAML)."""
        play = {'name': name, 'hosts': 'provisioner', 'gather_facts': False, 'vars': play_vars or {}, 'tasks': tasks}
        path = os.path.join(self.workdir, '%s.yml' % re.sub(r'\W+', '-', name))
        with open(path, 'w', encoding='utf-8') as handle:
            json.dump([play], handle, indent=1)
        return path

    def run(self, playbook, extra_vars=None, check=True):
        """Run a playbook; a failure of the run itself (not of an ignored task) raises with its output."""
        self.runs += 1
        stem = os.path.join(self.workdir, 'run-%03d' % self.runs)
        command = [sys.executable, os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'),
                   '-i', os.path.join(ROOT, 'playbooks', 'inventory.yml'), playbook]
        if extra_vars is not None:
            with open(stem + '-vars.json', 'w', encoding='utf-8') as handle:
                json.dump(extra_vars, handle)
            command += ['-e', '@' + stem + '-vars.json']
        env = dict(self.env, BENCH_MARKS_FILE=stem + '-marks.json')
        figures = measure(command, env, stem + '.log')
        with open(stem + '.log', encoding='utf-8') as handle:
            output = handle.read()
        marks = []
        if os.path.exists(stem + '-marks.json'):
            with open(stem + '-marks.json', encoding='utf-8') as handle:
                marks = json.load(handle)
        if check and figures['rc'] != 0:
            raise RuntimeError('%s failed (exit %d):\n%s' % (playbook, figures['rc'], output[-5000:]))
        return PlaybookRun(figures, output, marks)

    def requests_of(self, mark):
        """The emulator requests sent during one task."""
        return self.emulator.requests(mark['seq_start'], mark['seq_end'])


def task(name, module, args, **extra):
    """A task that is measured: its failure is recorded, not fatal to the playbook."""
    entry = {'name': name, module: args, 'ignore_errors': True}
    entry.update(extra)
    return entry


# ---------------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------------
class Table:
    """A titled table, printed as text and written as Markdown; a cell may hold several lines."""

    def __init__(self, title, header, intro='', notes=''):
        self.title = title
        self.header = list(header)
        self.rows = []
        self.intro = intro
        self.notes = notes

    def add(self, *cells):
        self.rows.append([cell if isinstance(cell, list) else [str(cell)] for cell in cells])

    def text(self):
        widths = [len(head) for head in self.header]
        for row in self.rows:
            for index, cell in enumerate(row):
                widths[index] = max([widths[index]] + [len(line) for line in cell])
        widths[-1] = len(self.header[-1])  # the last column is not padded

        def line(cells):
            return '  '.join(cell.ljust(widths[index]) for index, cell in enumerate(cells)).rstrip()
        out = ['', '== %s ==' % self.title]
        if self.intro:
            out.append(self.intro)
        out += [line(self.header), line(['-' * width for width in widths[:-1]] + ['-' * len(self.header[-1])])]
        for row in self.rows:
            height = max(len(cell) for cell in row)
            for index in range(height):
                out.append(line([cell[index] if index < len(cell) else '' for cell in row]))
        if self.notes:
            out.append(self.notes)
        return '\n'.join(out)

    def markdown(self):
        out = ['## %s' % self.title, '']
        if self.intro:
            out += [self.intro, '']
        out.append('| %s |' % ' | '.join(self.header))
        out.append('|%s|' % '|'.join('---' for _head in self.header))
        for row in self.rows:
            out.append('| %s |' % ' | '.join('<br>'.join(_md(line) for line in cell) for cell in row))
        if self.notes:
            out += ['', self.notes]
        return '\n'.join(out) + '\n'


def _md(text):
    """A table cell: pipes escaped, request templates and code-like text in backticks."""
    text = text.replace('|', '\\|')
    if re.match(r'^(\d+x )?(GET|POST|PUT|DELETE|PATCH) ', text):
        count, _sep, rest = text.partition(' ') if re.match(r'^\d+x ', text) else ('', '', text)
        return ('%s `%s`' % (count, rest)).strip()
    return text
