# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""docs/getting-started.md runs as written: its shell blocks, in order, in one bash, from the root.

The guide starts its own emulator in the background (``make emulator``) and stops it at the end;
the test checks what each step must show, that the emulator is gone afterwards, and that no
secret reached the output. Run with
``cd <repo> && PYTHONPATH=tests python -m pytest tests/functional/test_getting_started.py``.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess

from emulator import seed as S

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GUIDE = os.path.join(ROOT, 'docs', 'getting-started.md')
ENV_FILE = os.path.join(ROOT, '.build', 'emulator.env')


def shell_blocks(text):
    return re.findall(r'^```sh\n(.*?)^```', text, re.S | re.M)


def clean_environment():
    """The environment of a new user: none of the variables the guide sets, no collection path."""
    return dict((key, value) for key, value in os.environ.items()
                if not key.startswith(('HW_', 'HUAWEICLOUD_', 'ACEDATACLOUD_', 'APIG_', 'ANSIBLE_', 'PYTHONPATH')))


def port_open(url):
    host, port = url.rsplit('/', 1)[-1].split(':')
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex((host, int(port))) == 0


def test_guide_has_the_steps():
    blocks = shell_blocks(open(GUIDE, encoding='utf-8').read())
    assert len(blocks) >= 6
    assert any('make emulator' in block for block in blocks)
    assert 'kill' in blocks[-1]


def test_guide_runs_as_written():
    script = '\n'.join(shell_blocks(open(GUIDE, encoding='utf-8').read()))
    proc = subprocess.Popen(['bash', '-euo', 'pipefail', '-c', script], cwd=ROOT, env=clean_environment(),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        output, dummy = proc.communicate(timeout=600)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)  # the guide's own process group: its emulator included
            proc.wait(timeout=30)
    assert proc.returncode == 0, output[-6000:]
    # 3: the service is found by its alias
    assert re.search(r'"aliases": \[\s*"midjourney",\s*"midjourney-fast"\s*\]', output), output[:3000]
    # 4 and 5: the application and the quota were created; the diff shows the bound apps
    assert output.count('CHANGED =>') >= 2, output
    assert re.search(r'\+\s+"apps": \[\s*\+\s+"consumer_app_a",\s*\+\s+"consumer_app_b"', output), output
    # 6: the quota lists both consumers
    assert re.search(r'"bound_apps": \[\s*\{\s*"app_id": "%s",\s*"name": "consumer_app_a"' % re.escape(
        [a['id'] for a in S.DEFAULT_SEED['apig']['apps'] if a['name'] == 'consumer_app_a'][0]), output), output
    # 7: the check run and the real run of the role both succeed
    recaps = re.findall(r'provisioner\s*: ok=\d+\s+changed=(\d+)\s+unreachable=0\s+failed=(\d+)', output)
    assert len(recaps) == 2 and all(failed == '0' for dummy, failed in recaps), output[-4000:]
    # 8: the emulator is stopped
    with open(ENV_FILE, encoding='utf-8') as handle:
        url = re.search(r'HW_APIG_ENDPOINT=(\S+)', handle.read()).group(1)
    assert not port_open(url)
    for secret in (S.SECRET_KEY, S.ACEDATA_TOKEN, S.USER_PASSWORD):
        assert secret not in output
