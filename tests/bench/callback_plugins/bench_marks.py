# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark callback: where each task starts and ends, in time and in the emulator's request log.

Enabled by ``tests/bench/run.py`` only (``ANSIBLE_CALLBACK_PLUGINS`` and ``ANSIBLE_CALLBACKS_ENABLED``).
At each task start and end it reads the emulator's last request number (``GET
/_emulator/requests``: control requests are not logged, so reading it changes nothing), and at the
end of the playbook it writes one JSON record per task to ``$BENCH_MARKS_FILE``:
``{name, start, end, seq_start, seq_end, status, changed, msg}``.
"""

from __future__ import annotations

DOCUMENTATION = '''
name: bench_marks
type: aggregate
short_description: Task boundaries for the benchmark
description:
  - Records the wall time and the emulator request numbers at the start and end of every task.
'''

import json
import os
import sys
import time

from ansible.plugins.callback import CallbackBase

TESTS = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if TESTS not in sys.path:
    sys.path.insert(0, TESTS)

from emulator.client import EmulatorClient  # noqa: E402 pylint: disable=wrong-import-position


def last_seq():
    """The number of the last request the emulator logged (``$BENCH_EMULATOR_URL``)."""
    return EmulatorClient(os.environ['BENCH_EMULATOR_URL'], timeout=30).last_seq()


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'bench_marks'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.marks = []
        self.current = None

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._close()
        self.current = {'name': task.get_name(), 'start': time.time(), 'seq_start': last_seq(),
                        'status': None, 'changed': None, 'msg': None}

    def _finish(self, result, status):
        if self.current is None:
            return
        # The raw result: from ansible-core 2.19 on, ``result.result`` converts the whole result to
        # native types, a cost (for a list task's hundred results) that no user's run pays.
        data = getattr(result, '_return_data', None)
        if data is None:
            data = result._result
        self.current.update(status=status, changed=bool(data.get('changed')), msg=data.get('msg'))
        self._close()

    def _close(self):
        if self.current is not None:
            self.current.update(end=time.time(), seq_end=last_seq())
            self.marks.append(self.current)
            self.current = None

    def v2_runner_on_ok(self, result):
        self._finish(result, 'ok')

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._finish(result, 'failed')

    def v2_runner_on_skipped(self, result):
        self._finish(result, 'skipped')

    def v2_runner_on_unreachable(self, result):
        self._finish(result, 'unreachable')

    def v2_playbook_on_stats(self, stats):
        self._close()
        with open(os.environ['BENCH_MARKS_FILE'], 'w', encoding='utf-8') as handle:
            json.dump(self.marks, handle, indent=1)
