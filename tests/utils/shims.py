# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the nox sessions need beyond nox, pytest and ansible-test: each answers one limit.

- ``stage()``: ansible-test runs only from a folder at ``.../ansible_collections/NS/NAME`` that
  is not a symbolic link, so the sessions that run it copy the files git knows there.
- ``install_get_pip_shim()``: ``ansible-test sanity --venv`` downloads get-pip from a host this
  project's machines cannot reach; the shim bootstraps pip from ``ensurepip`` instead.
- ``Emulator``: the integration targets need the emulator (tests/emulator) running, with its
  address and seed in ``tests/integration/integration_config.yml``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys

TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if TESTS not in sys.path:
    sys.path.insert(0, TESTS)

from collection_root import NAME, NAMESPACE, ROOT  # noqa: E402 pylint: disable=wrong-import-position
from emulator.client import start_process  # noqa: E402 pylint: disable=wrong-import-position
from emulator.seed import integration_config  # noqa: E402 pylint: disable=wrong-import-position

BUILD = os.path.join(ROOT, '.build')

# Never copied into a staged collection, whatever git says.
EXCLUDED = ('.git/', '.build/', '.venv', '.nox/', 'tests/output/', 'dist/')


class ShimError(Exception):
    """A shim could not do its part (the session reports it and fails)."""


# -- staging ---------------------------------------------------------------------------------------


def repository_files():
    """The files git tracks, and the untracked ones it does not ignore (relative paths)."""
    output = subprocess.run(['git', 'ls-files', '-z', '--cached', '--others', '--exclude-standard'], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=True).stdout
    paths = [p for p in output.decode('utf-8', 'surrogateescape').split('\0') if p]
    return sorted(p for p in paths if not p.startswith(EXCLUDED) and os.path.lexists(os.path.join(ROOT, p)))


def stage(name):
    """Copy the repository to ``.build/<name>/ansible_collections/apiops/provisioning``; return that folder.

    A fresh copy each time (a second or so), but for ansible-test's ``tests/output`` of an earlier
    run, which ansible-test clears itself where it must. The copy gets its own empty git repository:
    it lies inside this repository's work tree, where ansible-test would otherwise take this
    repository's git and, ``.build`` being ignored, find no file at all.
    """
    collections = os.path.join(BUILD, name)
    dest = os.path.join(collections, 'ansible_collections', NAMESPACE, NAME)
    if os.path.isdir(dest):
        for entry in os.listdir(dest):
            if entry != 'tests':
                _remove(os.path.join(dest, entry))
        for entry in os.listdir(os.path.join(dest, 'tests')) if os.path.isdir(os.path.join(dest, 'tests')) else ():
            if entry != 'output':
                _remove(os.path.join(dest, 'tests', entry))
    for rel in repository_files():
        src, dst = os.path.join(ROOT, rel), os.path.join(dest, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        if os.path.islink(src):
            os.symlink(os.readlink(src), dst)
        else:
            shutil.copy2(src, dst)
    subprocess.run(['git', '-c', 'init.defaultBranch=main', 'init', '-q', dest], check=True)
    return dest


def _remove(path):
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path)
    else:
        os.remove(path)


def clear_output(staged):
    """Forget an earlier run's results in a staged collection (junit, bot and data files)."""
    for part in ('junit', 'bot', 'data'):
        shutil.rmtree(os.path.join(staged, 'tests', 'output', part), ignore_errors=True)


# -- ansible-test's get-pip ------------------------------------------------------------------------


def install_get_pip_shim(python):
    """Put tests/utils/get_pip_offline.py where ansible-test (of ``python``) looks for get-pip."""
    code = 'import ansible_test, os; print(os.path.dirname(ansible_test.__file__))'
    package = subprocess.run([python, '-c', code], stdout=subprocess.PIPE, check=True).stdout.decode().strip()
    with open(os.path.join(package, '_internal', 'python_requirements.py'), encoding='utf-8') as handle:
        match = re.search(r"""\bpip\s*=\s*['"]([0-9][0-9.]*)['"]""", handle.read())
    if not match:
        raise ShimError('cannot find the pip version ansible-test wants')
    target = os.path.join(os.path.expanduser('~'), '.ansible', 'test', 'cache',
                          'get_pip_%s.py' % match.group(1).replace('.', '_'))
    with open(os.path.join(ROOT, 'tests', 'utils', 'get_pip_offline.py'), encoding='utf-8') as handle:
        shim = handle.read()
    if os.path.exists(target):
        with open(target, encoding='utf-8', errors='replace') as handle:
            current = handle.read()
        if current == shim or 'apiops.provisioning offline get-pip shim' not in current:
            return target  # ours already, or a real get-pip someone put there
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target + '.tmp', 'w', encoding='utf-8') as handle:
        handle.write(shim)
    os.replace(target + '.tmp', target)
    return target


# -- the emulator ----------------------------------------------------------------------------------


class Emulator:
    """The emulator in a process group of its own, playing ``readings``; ``with Emulator(...) as url``."""

    def __init__(self, readings=(), log=None):
        self.readings = ','.join(readings)
        self.log = log or os.path.join(BUILD, 'logs', 'emulator.log')
        self.proc = None

    def __enter__(self):
        port_file = os.path.join(os.path.dirname(self.log), 'emulator-%d.port' % os.getpid())
        if os.path.exists(port_file):
            os.remove(port_file)
        os.makedirs(os.path.dirname(self.log), exist_ok=True)
        with open(self.log, 'ab') as log:
            self.proc, url = start_process(port_file, stderr=log, readings=self.readings, group=True)
        os.remove(port_file)
        return url

    def __exit__(self, *exc):
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


def write_integration_config(staged, url, readings=()):
    """``tests/integration/integration_config.yml`` of ``staged``: the emulator's address and seed."""
    values = integration_config(url, ','.join(readings))
    path = os.path.join(staged, 'tests', 'integration', 'integration_config.yml')
    with open(path, 'w', encoding='utf-8') as handle:
        handle.write('---\n# Written by the nox session for this run: the emulator and its seed data.\n')
        for name, value in sorted(values.items()):
            handle.write('%s: %s\n' % (name, json.dumps(str(value))))  # a JSON string is a YAML scalar
    return path
