# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``make venv``: create or update the project's virtual environment, idempotently.

    python tests/utils/make_venv.py --venv .venv requirements.txt tests/requirements-test.txt

Run it with the interpreter the venv is to be made from. The venv records, in a stamp file, a hash
of the requirements files and of that interpreter's version; when both still match, nothing is
installed again. A venv made from another Python version, or one whose interpreter no longer runs,
is made anew.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
import venv

STAMP = '.apiops-requirements.sha256'
# pip's notes on this machine's extra local package indexes, which hold only some packages.
NOISE = re.compile(r"^WARNING: Location 'file:///.*' is ignored: it is neither a file nor a directory\.$")
# Bump to force every existing venv to reinstall (for example after changing the pip options below).
STAMP_VERSION = '1'


def requirements_hash(paths):
    """Hash of the requirements files, the interpreter version and STAMP_VERSION."""
    digest = hashlib.sha256()
    digest.update(('%s|%s\n' % (STAMP_VERSION, sys.version)).encode())
    for path in paths:
        digest.update(path.encode() + b'\0')
        with open(path, 'rb') as handle:
            digest.update(handle.read())
        digest.update(b'\0')
    return digest.hexdigest()


def venv_python(path):
    """The interpreter of the venv at ``path``."""
    return os.path.join(path, 'bin', 'python')


def venv_is_usable(path):
    """True when the venv exists and its interpreter runs and is this interpreter's version."""
    python = venv_python(path)
    if not os.path.exists(python):
        return False
    try:
        output = subprocess.run([python, '-c', 'import sys; print(sys.version)'], check=True,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return output.decode().strip() == sys.version.strip()


def host_pip_works():
    """True when this interpreter's pip can install into another environment (pip 22.3+: --python)."""
    try:
        output = subprocess.run([sys.executable, '-m', 'pip', '--version'], check=True, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, timeout=60).stdout.decode()
    except (OSError, subprocess.SubprocessError):
        return False
    match = re.match(r'pip (\d+)\.(\d+)', output)
    return bool(match) and (int(match.group(1)), int(match.group(2))) >= (22, 3)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--venv', default='.venv', help='where the venv lives')
    parser.add_argument('requirements', nargs='+', help='requirements files to install')
    parser.add_argument('--progress', action='store_true',
                        help="show pip's own progress (what it collects, downloads and installs)")
    parser.add_argument('--without-pip', action='store_true',
                        help="no pip inside the venv: install with this interpreter's pip (--python), which "
                             "saves the ~6 s of ensurepip; for venvs that only run tools, like the demo's")
    args = parser.parse_args(argv)

    outside_pip = args.without_pip and host_pip_works()
    wanted = requirements_hash(args.requirements)
    stamp = os.path.join(args.venv, STAMP)

    if venv_is_usable(args.venv):
        try:
            with open(stamp, encoding='utf-8') as handle:
                if handle.read().strip() == wanted:
                    print('venv %s is up to date (Python %s)' % (args.venv, sys.version.split()[0]))
                    return 0
        except OSError:
            pass
    else:
        if os.path.lexists(args.venv):
            print('venv %s is unusable or made from another Python: making it anew' % args.venv)
            shutil.rmtree(args.venv)
        print('creating venv %s from %s (Python %s)' % (args.venv, sys.executable, sys.version.split()[0]))
        venv.EnvBuilder(with_pip=not outside_pip, symlinks=True, clear=True).create(args.venv)

    if os.path.exists(stamp):
        os.remove(stamp)
    if outside_pip or not os.path.exists(os.path.join(args.venv, 'bin', 'pip')):
        command = [sys.executable, '-m', 'pip', '--python', venv_python(args.venv)]
    else:
        command = [venv_python(args.venv), '-m', 'pip']
    command += ['install', '--disable-pip-version-check', '--no-input']
    if not args.progress:
        command.append('--quiet')
    for path in args.requirements:
        command += ['-r', path]
    print('installing: %s%s' % (' '.join(args.requirements), '' if args.progress else ' (quietly)'), flush=True)
    start = time.monotonic()
    with subprocess.Popen(command, stdin=subprocess.DEVNULL, stderr=subprocess.PIPE) as proc:
        for raw in proc.stderr:
            line = raw.decode('utf-8', errors='replace')
            if not NOISE.match(line.rstrip('\n')):
                sys.stderr.write(line)
        returncode = proc.wait()
    if returncode:
        print('pip install failed (exit code %d)' % returncode, file=sys.stderr)
        return returncode
    with open(stamp, 'w', encoding='utf-8') as handle:
        handle.write(wanted + '\n')
    print('venv %s is ready (installed in %.0f s)' % (args.venv, time.monotonic() - start))
    return 0


if __name__ == '__main__':
    sys.exit(main())
