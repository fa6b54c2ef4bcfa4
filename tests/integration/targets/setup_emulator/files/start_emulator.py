# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Start the project's emulator (tests/emulator) for the ansible-playbook run this script runs under.

    python start_emulator.py

The emulator starts in the background on a free port with ``--parent-pid`` the pid of that
ansible-playbook process: it stops once the run has ended. Its output goes to ``emulator.log`` in
``$OUTPUT_DIR`` (ansible-test's output directory of the target; a new temporary directory without
it). Once ``GET /_emulator/health`` answers, the script prints the integration tests' variables as
JSON: those the nox sessions write to integration_config.yml (``integration_config`` in
tests/emulator/seed.py), on the default reading.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

# files/ of the setup target, in tests/integration/targets/: the emulator is tests/emulator.
TESTS = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', '..'))
WAIT_SECONDS = 30


def playbook_pid():
    """The ansible-playbook process: the topmost of the ancestors whose command line names it (its
    workers, forked from it, have the same command line)."""
    found = None
    pid = os.getppid()
    while pid > 1:
        out = subprocess.check_output(['ps', '-o', 'ppid=', '-o', 'args=', '-p', str(pid)]).decode('utf-8', 'replace')
        ppid, _sep, args = out.strip().partition(' ')
        if 'ansible-playbook' in args:
            found = pid
        elif found:
            break
        pid = int(ppid)
    if not found:
        sys.exit('start_emulator.py: no ansible-playbook process among the ancestors of pid %d' % os.getpid())
    return found


def start(workdir, parent_pid):
    """Start the emulator; return its URL once it answers."""
    port_file = os.path.join(workdir, 'emulator.port')
    log_path = os.path.join(workdir, 'emulator.log')
    env = dict(os.environ, PYTHONPATH=TESTS)
    env.pop('EMULATOR_READINGS', None)
    command = [sys.executable, '-m', 'emulator', '--port', '0', '--port-file', port_file, '--readings', '',
               '--parent-pid', str(parent_pid)]
    with open(log_path, 'ab') as log:
        proc = subprocess.Popen(command, cwd=TESTS, env=env, stdin=subprocess.DEVNULL,  # pylint: disable=consider-using-with
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + WAIT_SECONDS
    url = None
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit('the emulator exited with %d (see %s)' % (proc.returncode, log_path))
        if url is None and os.path.exists(port_file):
            with open(port_file, encoding='utf-8') as handle:
                url = 'http://127.0.0.1:%d' % int(handle.read().strip())
        if url:
            try:
                with urllib.request.urlopen(url + '/_emulator/health', timeout=2) as response:
                    if response.status == 200:
                        return url
            except (urllib.error.URLError, OSError):
                pass
        time.sleep(0.1)
    proc.terminate()
    sys.exit('the emulator did not answer within %d s (see %s)' % (WAIT_SECONDS, log_path))


def main():
    sys.path.insert(0, TESTS)
    from emulator.seed import integration_config  # pylint: disable=import-outside-toplevel

    workdir = os.environ.get('OUTPUT_DIR') or tempfile.mkdtemp(prefix='emulator-')
    url = start(workdir, playbook_pid())
    print(json.dumps(integration_config(url, '')))


if __name__ == '__main__':
    main()
