# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""An offline stand-in for the ``get-pip.py`` script that ansible-test downloads.

ansible-test creates its virtual environments without pip and then runs a get-pip script that it
downloads from a host this project's machines cannot reach, unless
``~/.ansible/test/cache/get_pip_<pip version>.py`` already exists. ``tests/utils/shims.py``
installs this file there. It bootstraps pip from the interpreter's own ``ensurepip`` and then
installs what ansible-test asked for (for example ``pip==24.2``) from the package index.

ansible-test runs it as ``python quiet_pip.py --disable-pip-version-check pip==X.Y
[--no-setuptools] [--no-wheel]`` (``GET_PIP`` pointing here); the ``--no-*`` options belong to
get-pip only and are dropped.
"""

from __future__ import annotations

import subprocess
import sys

GET_PIP_ONLY_OPTIONS = ('--no-setuptools', '--no-wheel', '--no-pip')
MARKER = 'apiops.provisioning offline get-pip shim'


def main(argv):
    """Bootstrap pip with ensurepip, then install the requested packages with it."""
    args = [arg for arg in argv if arg not in GET_PIP_ONLY_OPTIONS]
    subprocess.check_call([sys.executable, '-m', 'ensurepip', '--default-pip'], stdout=subprocess.DEVNULL)
    if any(not arg.startswith('-') for arg in args):
        subprocess.check_call([sys.executable, '-m', 'pip', 'install'] + args)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
