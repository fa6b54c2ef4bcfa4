# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fakes shared by the module_utils unit tests: an HTTP response, a scripted session, a module.

Import them by their collection path (it works under plain pytest with the collections root on
``PYTHONPATH`` and under ``ansible-test units``)::

    from ansible_collections.apiops.provisioning.tests.unit.plugins.module_utils.fakes import FakeSession

The fixture that forbids real HTTP requests lives in ``conftest.py`` next to this file.
"""

import json

import requests
from requests.structures import CaseInsensitiveDict

from urllib.parse import parse_qsl, urlsplit


class FakeResponse:
    """What the transport reads of a ``requests`` response: status, text and headers.

    ``body`` is serialised as JSON unless ``text`` is given. ``default_headers`` are used when no
    (or empty) ``headers`` are given.
    """

    def __init__(self, status_code, body=None, headers=None, text=None, default_headers=None):
        self.status_code = status_code
        if text is None:
            text = '' if body is None else json.dumps(body)
        self.text = text
        self.headers = CaseInsensitiveDict(headers or default_headers or {})


class FakeSession:
    """Answers from a script and records every call; never touches the network.

    ``script`` is a list consumed in order (the list itself: pass a copy to keep yours) or a
    callable given each recorded call. An outcome that is an exception is raised. Each call is
    recorded as a dict with method, url, path, query, data, headers, timeout and allow_redirects,
    plus ``body`` (the data decoded as JSON) when ``json_body`` is true. With ``prepare`` the
    request is also prepared the way ``requests.Session.request`` does before sending.
    """

    def __init__(self, script, prepare=False, json_body=False):
        self.script = script
        self.prepare = prepare
        self.json_body = json_body
        self.calls = []
        self.closed = False

    def request(self, method, url, data=None, headers=None, timeout=None, allow_redirects=None):
        """Record the call, then answer from the script."""
        parts = urlsplit(url)
        call = dict(method=method, url=url, path=parts.path, query=dict(parse_qsl(parts.query)), data=data,
                    headers=dict(headers or {}), timeout=timeout, allow_redirects=allow_redirects)
        if self.json_body:
            call['body'] = json.loads(data.decode('utf-8')) if data else None
        self.calls.append(call)
        if self.prepare:
            # What requests.Session.request does before sending (no network involved).
            requests.Request(method, url, headers=headers, data=data).prepare()
        if callable(self.script):
            outcome = self.script(call)
        elif self.script:
            outcome = self.script.pop(0)
        else:
            raise AssertionError('unexpected request %s %s' % (method, url))
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    def close(self):
        """Remember that the session was closed."""
        self.closed = True


class FakeModule:
    """The parts of an AnsibleModule a resource uses: params, check mode, diff mode, warnings."""

    def __init__(self, params, check_mode=False, diff=True):
        self.params = params
        self.check_mode = check_mode
        self._diff = diff
        self.warnings = []
        self.no_log_values = set()  # what AnsibleModule masks in its result
        self.no_log = False         # the task's no_log

    def warn(self, msg):
        """Collect a warning."""
        self.warnings.append(msg)


class Failed(Exception):
    """``fail_json`` of ``RaisingModule``: the keyword arguments it was given."""

    def __init__(self, kwargs):
        super().__init__(kwargs.get('msg'))
        self.kwargs = kwargs


class Exited(Exception):
    """``exit_json`` of ``RaisingModule``: the keyword arguments it was given."""

    def __init__(self, kwargs):
        super().__init__('exit')
        self.kwargs = kwargs


class RaisingModule(FakeModule):
    """A FakeModule whose ``fail_json`` and ``exit_json`` raise ``Failed`` and ``Exited``."""

    def fail_json(self, **kwargs):
        raise Failed(kwargs)

    def exit_json(self, **kwargs):
        raise Exited(kwargs)
