# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test-only callback of the reliability suite: steer the emulator per task and record each result.

It is enabled by the suite (``ANSIBLE_CALLBACKS_ENABLED=reliability_steps``) and reads the JSON
script named by ``RELIABILITY_SCRIPT``::

    {"emulator": "http://127.0.0.1:PORT", "out": "/tmp/.../records.json", "snapshots": true,
     "steps": {"<task name>": [["POST", "faults", {...}], ["POST", "seed", {...}]]}}

Before a task starts, the control requests listed for its name are sent to the emulator (so a
playbook can inject a different fault before each task). After each task result it records the
result, the emulator requests the task caused, the faults (with their hit counts) and the state,
then clears the faults. The records are written to ``out`` when the playbook ends.
"""

from __future__ import annotations

import json
import os
import sys
import time

from ansible.plugins.callback import CallbackBase

TESTS = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if TESTS not in sys.path:
    sys.path.insert(0, TESTS)

from emulator.client import EmulatorClient  # noqa: E402 pylint: disable=wrong-import-position

DOCUMENTATION = r'''
name: reliability_steps
type: aggregate
short_description: Steer the emulator per task and record every result (reliability tests only)
description:
  - Test infrastructure of tests/reliability; not part of the collection.
requirements:
  - the RELIABILITY_SCRIPT environment variable names a JSON script
'''


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'reliability_steps'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        path = os.environ.get('RELIABILITY_SCRIPT')
        self.script = {}
        if path:
            with open(path, encoding='utf-8') as handle:
                self.script = json.load(handle)
        self.emulator = EmulatorClient(self.script['emulator'], timeout=30) if self.script.get('emulator') else None
        self.records = []
        self.since = 0

    def v2_playbook_on_task_start(self, task, is_conditional):
        if not self.emulator:
            return
        for method, name, body in self.script.get('steps', {}).get(task.get_name(), []):
            self.emulator.control(method, name, body)
        self.since = self.emulator.last_seq()

    def _record(self, result, status):
        data = getattr(result, 'result', None)
        if data is None:
            data = result._result  # ansible-core before 2.19
        task = getattr(result, 'task', None) or result._task
        record = {'task': task.get_name(), 'status': status,
                  'result': json.loads(json.dumps(data, default=repr))}
        if self.emulator:
            record['faults'] = self.emulator.faults()
            # A request the emulator holds (a timeout fault) is logged only when it drops it.
            time.sleep(max([float(spec.get('delay', 5)) for spec in record['faults']
                            if spec.get('action') == 'timeout' and spec.get('hits')] or [0]))
            record['requests'] = self.emulator.requests(self.since)
            if self.script.get('snapshots', True):
                record['state'] = self.emulator.state()
            self.emulator.clear_faults()
        self.records.append(record)

    def v2_runner_on_ok(self, result):
        self._record(result, 'ok')

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, 'failed')

    def v2_runner_on_skipped(self, result):
        self._record(result, 'skipped')

    def v2_runner_on_unreachable(self, result):
        self._record(result, 'unreachable')

    def v2_playbook_on_stats(self, stats):
        out = self.script.get('out')
        if out:
            with open(out, 'w', encoding='utf-8') as handle:
                json.dump(self.records, handle)
