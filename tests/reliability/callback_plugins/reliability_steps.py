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
import ssl
import time
import urllib.request

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = r'''
name: reliability_steps
type: aggregate
short_description: Steer the emulator per task and record every result (reliability tests only)
description:
  - Test infrastructure of tests/reliability; not part of the collection.
requirements:
  - the RELIABILITY_SCRIPT environment variable names a JSON script
'''


def control(base, method, name, body=None):
    """One request to the emulator's control API; the decoded JSON answer (or None)."""
    data = None if body is None else json.dumps(body).encode('utf-8')
    request = urllib.request.Request(base + '/_emulator/' + name, data=data, method=method,
                                     headers={'Content-Type': 'application/json'})
    # The emulator may serve HTTPS with the suite's own self-signed certificate: not verified here.
    context = ssl._create_unverified_context() if base.startswith('https:') else None  # nosec - loopback test emulator
    with urllib.request.urlopen(request, timeout=30, context=context) as response:  # nosec - loopback test emulator
        text = response.read().decode('utf-8')
    return json.loads(text) if text.strip() else None


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
        self.base = self.script.get('emulator')
        self.records = []
        self.since = 0

    def v2_playbook_on_task_start(self, task, is_conditional):
        if not self.base:
            return
        for method, name, body in self.script.get('steps', {}).get(task.get_name(), []):
            control(self.base, method, name, body)
        self.since = control(self.base, 'GET', 'requests?since=0&api=none')['last_seq']

    def _record(self, result, status):
        data = getattr(result, 'result', None)
        if data is None:
            data = result._result  # ansible-core before 2.19
        task = getattr(result, 'task', None) or result._task
        record = {'task': task.get_name(), 'status': status,
                  'result': json.loads(json.dumps(data, default=repr))}
        if self.base:
            record['faults'] = control(self.base, 'GET', 'faults')['faults']
            # A request the emulator holds (a timeout fault) is logged only when it drops it.
            time.sleep(max([float(spec.get('delay', 5)) for spec in record['faults']
                            if spec.get('action') == 'timeout' and spec.get('hits')] or [0]))
            record['requests'] = control(self.base, 'GET', 'requests?since=%d' % self.since)['requests']
            if self.script.get('snapshots', True):
                record['state'] = control(self.base, 'GET', 'state')
            control(self.base, 'DELETE', 'faults')
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
