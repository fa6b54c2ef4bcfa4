# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Start the emulator: ``PYTHONPATH=tests python -m emulator --port 0 --port-file F``.

``--parent-pid PID`` stops it once the process PID has ended (the integration tests' setup target,
tests/integration/targets/setup_emulator, gives the pid of its ansible-playbook run).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
import time

from .core import READINGS, build_emulator, default_seed, make_server, readings_from


def main(argv=None):
    parser = argparse.ArgumentParser(prog='emulator', description=__doc__)
    parser.add_argument('--host', default='127.0.0.1', help='address to listen on (loopback only)')
    parser.add_argument('--port', type=int, default=0, help='port; 0 picks a free one')
    parser.add_argument('--port-file', help='write the chosen port to this file once listening')
    parser.add_argument('--seed', help='a JSON seed document replacing the default seed')
    parser.add_argument('--tls-cert', help='serve HTTPS with this certificate (PEM)')
    parser.add_argument('--tls-key', help='the certificate key (PEM)')
    parser.add_argument('--latency-ms', type=float, default=0, help='added latency per API request')
    parser.add_argument('--readings', default=os.environ.get('EMULATOR_READINGS', ''),
                        help='readings of open behaviours to play, comma-separated (default: $EMULATOR_READINGS): '
                             + ', '.join(sorted(READINGS)))
    parser.add_argument('--parent-pid', type=int,
                        help='stop once the process with this pid has ended (an ansible-playbook run)')
    args = parser.parse_args(argv)
    try:
        readings = readings_from(args.readings)
    except ValueError as exc:
        parser.error(str(exc))

    if args.host not in ('127.0.0.1', 'localhost', '::1'):
        parser.error('the emulator listens on loopback only')
    seed = default_seed()
    if args.seed:
        with open(args.seed, encoding='utf-8') as handle:
            seed = json.load(handle)
    emulator = build_emulator(seed, readings)
    emulator.config['latency_ms'] = args.latency_ms
    server = make_server(emulator, args.host, args.port, args.tls_cert, args.tls_key)
    port = server.server_address[1]
    scheme = 'https' if args.tls_cert else 'http'
    if args.port_file:
        tmp = args.port_file + '.tmp'
        with open(tmp, 'w', encoding='utf-8') as handle:
            handle.write('%d\n' % port)
        os.replace(tmp, args.port_file)
    sys.stdout.write('EMULATOR_URL=%s://%s:%d\n' % (scheme, args.host, port))
    sys.stdout.flush()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    if args.parent_pid:
        threading.Thread(target=_stop_after, args=(args.parent_pid,), daemon=True).start()
    try:
        server.serve_forever()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.server_close()
    return 0


def _stop_after(pid, interval=1.0):
    """Send this process SIGTERM (the usual way out of ``main``) once process ``pid`` has ended."""
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        except PermissionError:  # it exists, under another user
            pass
        time.sleep(interval)
    os.kill(os.getpid(), signal.SIGTERM)


if __name__ == '__main__':
    sys.exit(main())
