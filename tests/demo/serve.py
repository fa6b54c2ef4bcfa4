#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``make emulator``: the emulator in the foreground, with the ``export`` lines that point the modules at it.

    python tests/demo/serve.py [--port N] [--env-file FILE]

Once the emulator listens, this prints (and with ``--env-file`` writes to FILE) the shell lines
that set every variable an ad-hoc ``ansible localhost -m apiops.provisioning.<module>`` needs:
the collection's path, the venv's tools, credentials, endpoints, region, project and gateway id.
Ctrl-C (or SIGTERM) stops the emulator.
"""

from __future__ import annotations

import argparse
import os
import shlex
import signal
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TESTS = os.path.join(ROOT, 'tests')
sys.path.insert(0, TESTS)

from collection_root import collections_root  # noqa: E402 pylint: disable=wrong-import-position
from emulator import seed  # noqa: E402 pylint: disable=wrong-import-position
from emulator.client import EmulatorError, start_process  # noqa: E402 pylint: disable=wrong-import-position


def exports(url, bin_dir=None, collections=None):
    """``[(name, value)]``: the environment in which every module runs ad hoc against ``url``."""
    bin_dir = bin_dir or os.path.dirname(sys.executable)
    collections = collections or collections_root(os.path.join(ROOT, '.build', 'emulator'))
    return [
        ('PATH', '%s:$PATH' % bin_dir),
        ('ANSIBLE_COLLECTIONS_PATH', collections),
        ('ANSIBLE_LOCALHOST_WARNING', 'False'),
        ('ANSIBLE_INVENTORY_UNPARSED_WARNING', 'False'),
        ('ACEDATACLOUD_PLATFORM_URL', url),
        ('ACEDATACLOUD_PLATFORM_TOKEN', seed.ACEDATA_TOKEN),
        ('HUAWEICLOUD_SDK_AK', seed.ACCESS_KEY),
        ('HUAWEICLOUD_SDK_SK', seed.SECRET_KEY),
        ('HW_REGION_NAME', seed.REGION),
        ('HW_PROJECT_ID', seed.PROJECT_ID),
        ('HW_APIG_ENDPOINT', url),
        ('HW_IAM_ENDPOINT', url),
        ('HW_APIG_INSTANCE_ID', seed.INSTANCE_ID),
    ]


def export_lines(pairs):
    """``export NAME=value`` lines; PATH keeps ``$PATH`` unquoted so that the shell expands it."""
    lines = []
    for name, value in pairs:
        if name == 'PATH':
            lines.append('export PATH=%s:"$PATH"' % shlex.quote(value[:-len(':$PATH')]))
        else:
            lines.append('export %s=%s' % (name, shlex.quote(value)))
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--port', type=int, default=0, help='port; 0 picks a free one')
    parser.add_argument('--env-file', help='also write the export lines to this file once the emulator listens')
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix='apiops-emulator-') as workdir:
        try:
            proc, url = start_process(os.path.join(workdir, 'port'), port=args.port)
        except EmulatorError:
            print('the emulator did not start', file=sys.stderr)
            return 1

        def stop(*_):
            proc.terminate()
        signal.signal(signal.SIGTERM, stop)
        try:
            lines = export_lines(exports(url))
            print('Emulator listening at %s (Ctrl-C stops it).' % url)
            print('Paste these lines into another shell; then every module runs with no options but its own:\n')
            print('\n'.join(lines))
            print('\n# for example:\nansible localhost -m apiops.provisioning.acedata_service_info\n'
                  'ansible localhost -m apiops.provisioning.apig_app_quota_info', flush=True)
            if args.env_file:
                tmp = args.env_file + '.tmp'
                with open(tmp, 'w', encoding='utf-8') as handle:
                    handle.write('\n'.join(lines) + '\n')
                os.replace(tmp, args.env_file)
            proc.wait()
        except KeyboardInterrupt:
            proc.terminate()
        finally:
            if proc.poll() is None:
                proc.terminate()
            proc.wait(timeout=10)
    return 0


if __name__ == '__main__':
    sys.exit(main())
