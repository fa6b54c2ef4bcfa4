# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one client of the emulator's control API, and the modules' connection options against it.

Every test tool steers the emulator through ``EmulatorClient``: the functional and reliability
suites (``emulator.fixtures``), the benchmark, the demo and the test-only callbacks that run inside
``ansible-playbook``. It needs nothing but the standard library.
"""

from __future__ import annotations

import json
import os
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request

from . import seed as S

TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class EmulatorError(RuntimeError):
    """A control request the emulator refused, or an emulator process that did not start."""


class EmulatorClient:
    """A client of one emulator's control API (``/_emulator/...``) at ``url``."""

    def __init__(self, url, server=None, timeout=120):
        self.url = url
        self.server = server  # the in-process BackgroundServer, when there is one
        self.timeout = timeout

    def control(self, method, name, body=None):
        """One control request; the decoded JSON answer (None when it has no body)."""
        data = None if body is None else json.dumps(body).encode('utf-8')
        request = urllib.request.Request(self.url + '/_emulator/' + name, data=data, method=method,
                                         headers={'Content-Type': 'application/json'})
        # The emulator may serve HTTPS with a test's own self-signed certificate: not verified here.
        context = ssl._create_unverified_context() if self.url.startswith('https:') else None  # nosec - loopback test emulator
        try:
            with urllib.request.urlopen(request, timeout=self.timeout, context=context) as answer:  # nosec - loopback
                text = answer.read().decode('utf-8')
        except urllib.error.HTTPError as exc:
            raise EmulatorError('%s /_emulator/%s: HTTP %d %s' % (method, name, exc.code,
                                                                  exc.read().decode('utf-8', 'replace'))) from exc
        return json.loads(text) if text.strip() else None

    def reset(self, seed=None):
        """Back to the seed (``seed`` replaces it when given): no faults, no latency, an empty log."""
        return self.control('POST', 'reset', seed)

    def seed(self, document):
        """Add objects (a ``{api: section}`` document) to the state."""
        return self.control('POST', 'seed', document)

    def readings(self, names=None):
        """Play the readings ``names`` (a list) of the open behaviours; without names, which are played."""
        if names is None:
            return self.control('GET', 'readings')
        return self.control('POST', 'readings', {'readings': list(names)})

    def fault(self, api, method=None, path=None, action='status', times=1, **extra):
        """Inject a fault: the next ``times`` matching requests get ``action``; all faults with their hits."""
        return self.control('POST', 'faults', dict(api=api, method=method, path=path, action=action, times=times,
                                                   **extra))['faults']

    def faults(self):
        return self.control('GET', 'faults')['faults']

    def clear_faults(self):
        self.control('DELETE', 'faults')

    def config(self, **settings):
        """Change the emulator's configuration (``latency_ms``, ``binding_delay_ms``...)."""
        return self.control('POST', 'config', settings)

    def state(self):
        return self.control('GET', 'state')

    def requests(self, since=0, until=None, api=None):
        """The API requests logged after number ``since`` (up to ``until``), of one ``api`` if given."""
        entries = self.control('GET', 'requests?since=%d%s' % (since, '&api=%s' % api if api else ''))['requests']
        return [entry for entry in entries if until is None or entry['seq'] <= until]

    def last_seq(self):
        """The number of the last API request logged (control requests are not logged)."""
        return self.control('GET', 'requests?since=%d' % (10 ** 12))['last_seq']

    def iam_token(self):
        """A project-scoped IAM token of the seed user."""
        body = {'auth': {'identity': {'methods': ['password'],
                                      'password': {'user': {'name': S.USER_NAME, 'password': S.USER_PASSWORD,
                                                            'domain': {'name': S.DOMAIN_NAME}}}},
                         'scope': {'project': {'id': S.PROJECT_ID}}}}
        request = urllib.request.Request(self.url + '/v3/auth/tokens?nocatalog=true', method='POST',
                                         data=json.dumps(body).encode('utf-8'),
                                         headers={'Content-Type': 'application/json'})
        with urllib.request.urlopen(request, timeout=30) as answer:  # nosec - loopback test emulator
            return answer.headers['X-Subject-Token']


def apig_connection(url, **extra):
    """Options of the APIG modules for the emulator at ``url`` (AK/SK, project id given); an option
    ``extra`` sets to None is left out."""
    options = dict(region=S.REGION, project_id=S.PROJECT_ID, instance_id=S.INSTANCE_ID, access_key=S.ACCESS_KEY,
                   secret_key=S.SECRET_KEY, apig_endpoint=url, iam_endpoint=url)
    options.update(extra)
    return dict((key, value) for key, value in options.items() if value is not None)


def acedata_connection(url, **extra):
    """Options of the Ace Data Cloud modules for the emulator at ``url``."""
    return dict(dict(api_token=S.ACEDATA_TOKEN, api_url=url), **extra)


def start_process(port_file, port=0, stderr=None, wait=30, readings=None, group=False):
    """Start the emulator in a process of its own (``python -m emulator``); ``(process, url)`` once it
    listens. ``readings``: comma-separated, else $EMULATOR_READINGS; ``stderr`` takes its error output
    (a file: a pipe nobody reads can fill and hang it); ``group``: in a process group of its own."""
    env = dict(os.environ, PYTHONPATH=TESTS)
    if readings is not None:
        env['EMULATOR_READINGS'] = readings
    proc = subprocess.Popen([sys.executable, '-m', 'emulator', '--port', str(port), '--port-file', port_file],
                            env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr,
                            start_new_session=group)
    deadline = time.time() + wait
    while not os.path.exists(port_file):
        if proc.poll() is not None or time.time() > deadline:
            proc.kill()
            proc.wait()
            raise EmulatorError('the emulator did not start')
        time.sleep(0.05)
    with open(port_file, encoding='utf-8') as handle:
        return proc, 'http://127.0.0.1:%d' % int(handle.read())
