# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Emulator core: HTTP server, routing, request log, fault injection, control API.

The emulator is test infrastructure (it is not part of the built collection). One server on
loopback serves every emulated API; each API is a plugin (see ``ApiPlugin``) that owns its own
state and registers its routes. Everything under ``/_emulator/`` is the control API used by
tests, the demo and the benchmarks; control requests are not recorded in the request log.
"""

from __future__ import annotations

import collections
import json
import os
import random
import re
import socket
import ssl
import struct
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

CONTROL_PREFIX = '/_emulator/'

Reading = collections.namedtuple('Reading', 'apis text')

# The readings of behaviours the API references leave open (docs/fidelity.md): each is off by
# default (the emulator then follows the references to the letter) and plays one other plausible
# reading when on. Set them with EMULATOR_READINGS=a,b (or --readings a,b) at start, which
# `POST /_emulator/reset` keeps, or with `POST /_emulator/readings {"readings": [...]}`.
BOTH = ('apig', 'acedata')
READINGS = {
    'status_200': Reading(BOTH, 'every documented 201 or 204 answer to a write is a 200 (a 204 gains the body {})'),
    'no_body': Reading(BOTH, 'every successful write answers its status without a body'),
    'partial_update': Reading(BOTH, "updates answer a partial object: APIG's PUT only the quota id, Ace Data "
                                    'Cloud\'s update-allow-consume-global only {"allow_consume_global": ...}, its '
                                    'credential PATCH only {"id": ...} (as the vendor\'s client tests mock them)'),
    # APIG is not played thin: its SDK models list items and details as the same AppQuotaInfo,
    # and the documented list and show examples carry the same keys (docs/fidelity.md A7).
    'list_thin': Reading(('acedata',), 'application list items lack tags, metadata, expired_at and credentials, '
                                       'credential list items lack limited_amount, expired_at and allowed_api_ids, '
                                       'which the detail routes have'),
    'bound_quota_zero': Reading(('apig',), "bound-quota of a free app answers 200 with a Go zero-valued quota, "
                                           'not 404'),
    'bound_app_num_absent': Reading(('apig',), 'quotas never carry bound_app_num'),
    'bound_app_num_zero': Reading(('apig',), 'quotas always say bound_app_num 0, whatever is bound (as a vendor '
                                             'example does)'),
    'binding_delay': Reading(('apig',), 'binds and unbinds show in reads only after binding_delay_ms (config, '
                                        '1000 by default); the write itself is applied at once'),
    'put_keeps_omitted': Reading(('apig',), 'a quota PUT keeps remark and reset_time when the body leaves them '
                                            'out (by default it clears them: a full-object write)'),
    'results_key': Reading(('acedata',), 'lists answer {count, results} instead of {count, items}'),
    'create_without_key': Reading(('acedata',), 'the create-application answer carries "credentials": [] (as '
                                                'the documented example), although the key exists and the '
                                                'detail route shows it'),
    # apig_app (docs/fidelity.md A15 onwards)
    'auth_delay': Reading(('apig',), 'new app authorizations and cancellations show in binded-apis only after '
                                     'auth_delay_ms (config, 1000 by default); the write itself is applied at once'),
    'app_list_thin': Reading(('apig',), 'app list items lack remark and app_secret, which the detail route has'),
    'secret_reset_partial': Reading(('apig',), 'PUT /apps/secret answers only {id, name}: no secret'),
    'delete_200_body': Reading(('acedata',), 'a credential delete answers 200 with the deleted key as a JSON body '
                                             '(the vendor SDK decodes every 2xx answer as JSON) instead of 204'),
    'rotate_recreate': Reading(('acedata',), 'there is no rotate route: POST /credentials/{id}/rotate/ answers 404 '
                                             '(the backend route table lists none)'),
}
# Readings that answer the same question differently, and so cannot be played at once.
CONFLICTS = (('status_200', 'no_body'), ('no_body', 'partial_update'), ('bound_app_num_absent', 'bound_app_num_zero'),
             ('delete_200_body', 'no_body'))
# The integration targets play the readings in these groups, each group at once (a third of the
# runs that one reading at a time would take): every reading in one group, no conflict within a
# group. The functional tests play each reading alone (tests/functional/test_request_counts.py).
READING_GROUPS = (
    ('binding_delay', 'bound_app_num_absent', 'no_body', 'results_key', 'auth_delay', 'rotate_recreate'),
    ('bound_app_num_zero', 'list_thin', 'put_keeps_omitted', 'status_200', 'app_list_thin', 'delete_200_body'),
    ('bound_quota_zero', 'create_without_key', 'partial_update', 'secret_reset_partial'),
)
# The APIs whose write answers the generic readings (status_200, no_body) change; IAM's token
# exchange is documented precisely and stays as it is.
READING_APIS = BOTH


def readings_from(text):
    """The set of reading names in a comma-separated ``text``; an unknown name is an error."""
    names = set(name.strip() for name in (text or '').split(',') if name.strip())
    unknown = sorted(names - set(READINGS))
    if unknown:
        raise ValueError('unknown emulator reading(s) %s; known: %s' % (', '.join(unknown), ', '.join(sorted(READINGS))))
    return names


class Request:
    """One HTTP request as the emulator sees it."""

    def __init__(self, method, raw_path, headers, body):
        self.method = method.upper()
        self.raw_path = raw_path                      # path and query exactly as on the wire
        parts = urlsplit(raw_path)
        self.path = parts.path                        # still percent-encoded
        self.raw_query = parts.query
        # Decoded query pairs, blanks kept. '+' is NOT a space here (strict reading: the Huawei
        # signer encodes a space as %20, so a literal '+' is a plus sign).
        self.query = []
        if self.raw_query:
            for item in self.raw_query.split('&'):
                key, _sep, value = item.partition('=')
                self.query.append((unquote(key), unquote(value)))
        self.headers = {k.lower(): v for k, v in headers.items()}
        self.body = body or b''
        self.params = {}                              # path parameters, filled by the router
        self.request_id = uuid.uuid4().hex

    def query_first(self, key, default=None):
        for k, v in self.query:
            if k == key:
                return v
        return default

    def query_all(self, key):
        return [v for k, v in self.query if k == key]

    def json(self):
        """The body as JSON; raises ``ValueError`` when it is not valid JSON."""
        if not self.body:
            raise ValueError('empty body')
        return json.loads(self.body.decode('utf-8'))


class Response:
    def __init__(self, status, body=None, headers=None, content_type='application/json'):
        self.status = status
        self.body = body
        self.headers = dict(headers or {})
        self.content_type = content_type

    def encode(self):
        if self.body is None:
            return b''
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode('utf-8')
        return json.dumps(self.body, ensure_ascii=False).encode('utf-8')


class ApiPlugin:
    """Base class of an emulated API. Subclasses set ``name`` and implement the hooks."""

    name = 'api'

    def __init__(self, emulator):
        self.emulator = emulator

    def register(self):
        """Register routes with ``self.emulator.route``."""
        raise NotImplementedError

    def reset(self, seed):
        """Drop all state and load ``seed`` (this API's section of the seed document)."""
        raise NotImplementedError

    def add(self, data):
        """Add objects to the state (this API's section of a ``POST /_emulator/seed``)."""
        raise NotImplementedError

    def dump(self):
        """The whole state, JSON-serialisable."""
        raise NotImplementedError

    def redact(self, request):
        """The request body as it may be shown in the request log (secrets removed)."""
        try:
            return request.json()
        except ValueError:
            return None

    prefixes = ()  # path prefixes this API answers (for 404s on unknown paths)

    def no_route(self, request, method_not_allowed):
        """The answer to an unknown path (404) or a method the path does not take (405)."""
        raise NotImplementedError

    def auth_kind(self, request):
        """How the request authenticated, for the log ('aksk', 'token', 'bearer', None)."""
        return None


class ConnectionAbort(Exception):
    """Raised by a fault to drop the connection without an answer."""


class Emulator:
    """State, routes, log and faults, independent of the HTTP server."""

    def __init__(self, seed=None, readings=None):
        self.lock = threading.RLock()
        self.base_readings = set(readings or ())
        self.readings = set(self.base_readings)
        self.routes = []
        self.plugins = {}
        self.log = []
        self.seq = 0
        self.faults = []
        self.random = random.Random(13)
        self.config = {'latency_ms': 0}
        self.seed_doc = seed or {}

    def readings_answer(self):
        return {'readings': sorted(self.readings),
                'known': dict((name, {'apis': list(r.apis), 'text': r.text}) for name, r in READINGS.items())}

    def reading(self, name):
        """True when the reading ``name`` (see ``READINGS``) is played."""
        return name in self.readings

    # -- plugins and routing -------------------------------------------------------------------
    def add_plugin(self, plugin_cls):
        plugin = plugin_cls(self)
        self.plugins[plugin.name] = plugin
        plugin.register()
        plugin.reset(self.seed_doc.get(plugin.name, {}))
        return plugin

    def route(self, api, method, pattern):
        """Decorator: ``pattern`` is a path with ``{name}`` placeholders (one segment each)."""
        regex = re.compile('^' + re.sub(r'\{(\w+)\}', r'(?P<\1>[^/]+)', pattern) + '$')

        def decorator(func):
            self.routes.append((method.upper(), regex, func, api))
            return func
        return decorator

    def find_route(self, method, path):
        path_matched = None
        for route_method, regex, func, api in self.routes:
            match = regex.match(path)
            if match:
                path_matched = api
                if route_method == method:
                    return func, api, {k: unquote(v) for k, v in match.groupdict().items()}
        return None, path_matched, None

    # -- faults --------------------------------------------------------------------------------
    def take_fault(self, api, request):
        with self.lock:
            for fault in self.faults:
                if fault.get('remaining', 1) <= 0:
                    continue
                if fault.get('api') and fault['api'] != api:
                    continue
                if fault.get('method') and fault['method'].upper() != request.method:
                    continue
                if fault.get('path') and not re.search(fault['path'], request.path):
                    continue
                # ``probability``: the fault strikes that share of the matching requests (a seeded
                # draw, so that a run can be repeated), ``remaining`` times at most.
                if fault.get('probability') is not None and self.random.random() >= float(fault['probability']):
                    continue
                fault['remaining'] = fault.get('remaining', 1) - 1
                fault['hits'] = fault.get('hits', 0) + 1
                return dict(fault)
        return None

    @staticmethod
    def fault_response(fault, request):
        kind = fault.get('action', 'status')
        headers = {}
        if fault.get('retry_after') is not None:
            headers['Retry-After'] = str(fault['retry_after'])
        if kind == 'reset':
            raise ConnectionAbort()
        if kind == 'timeout':
            time.sleep(float(fault.get('delay', 5)))
            raise ConnectionAbort()
        if kind == 'malformed':
            return Response(fault.get('status', 200), b'{"broken": [1, 2', headers)
        if kind == 'truncated':
            return Response(fault.get('status', 200), b'{"app_quota_id": "0123', headers)
        if kind == 'html':
            return Response(fault.get('status', 502),
                            '<html><head><title>502 Bad Gateway</title></head>'
                            '<body><center><h1>502 Bad Gateway</h1></center></body></html>',
                            headers, content_type='text/html')
        body = fault.get('body')
        if body is None:
            body = {'error_code': 'APIG.9999', 'error_msg': 'System error',
                    'request_id': request.request_id}
        return Response(int(fault.get('status', 500)), body, headers)

    def no_route(self, api, request):
        """An unknown path (404) or a known path with a method it does not take (405)."""
        if api is None:
            plugin = self.plugins.get(self.api_for_path(request.path))
        else:
            plugin = self.plugins.get(api)
        if plugin is None:
            return Response(404, {'detail': 'Not found.'})
        return plugin.no_route(request, api is not None)

    def api_for_path(self, path):
        for plugin in self.plugins.values():
            if any(path.startswith(p) for p in plugin.prefixes):
                return plugin.name
        return None

    # -- dispatch ------------------------------------------------------------------------------
    def handle(self, request):
        """Answer one API request; records it in the log. May raise ``ConnectionAbort``."""
        func, api, params = self.find_route(request.method, request.path)
        latency = float(self.config.get('latency_ms') or 0)
        if latency:
            time.sleep(latency / 1000.0)
        entry = {'method': request.method, 'path': unquote(request.path),
                 'query': request.raw_query, 'api': api, 'time': time.time(),
                 'request_id': request.request_id}
        plugin = self.plugins.get(api)
        if plugin is not None:
            entry['body'] = plugin.redact(request)
            entry['auth'] = plugin.auth_kind(request)
        fault = self.take_fault(api, request) if api else None
        response = None
        try:
            if fault and not fault.get('after'):
                entry['fault'] = fault.get('action', 'status')
                response = self.fault_response(fault, request)
            elif func is None:
                response = self.no_route(api, request)
            else:
                request.params = params
                with self.lock:
                    response = func(request)
                response = self.apply_readings(api, request, response)
                if fault:  # an 'after' fault: the write is applied, then the answer is lost
                    entry['fault'] = fault.get('action', 'status') + '-after-apply'
                    entry['applied_status'] = response.status
                    response = self.fault_response(fault, request)
        except ConnectionAbort:
            entry['status'] = None
            self.record(entry)
            raise
        response.headers.setdefault('X-Request-Id', request.request_id)
        entry['status'] = response.status
        self.record(entry)
        return response

    def apply_readings(self, api, request, response):
        """The generic readings of a successful write's answer (status_200, no_body)."""
        if api not in READING_APIS or request.method == 'GET' or not 200 <= response.status < 300:
            return response
        if self.reading('status_200') and response.status in (201, 204):
            response.body = {} if response.status == 204 else response.body
            response.status = 200
        if self.reading('no_body'):
            response.body = None
        return response

    def record(self, entry):
        with self.lock:
            self.seq += 1
            entry['seq'] = self.seq
            self.log.append(entry)

    # -- control API ---------------------------------------------------------------------------
    def control(self, request):
        name = request.path[len(CONTROL_PREFIX):].strip('/')
        method = request.method
        try:
            data = request.json() if request.body else {}
        except ValueError:
            return Response(400, {'error': 'control body is not JSON'})
        with self.lock:
            if name == 'health':
                return Response(200, {'ok': True, 'apis': sorted(self.plugins)})
            if name == 'requests' and method == 'GET':
                since = int(request.query_first('since', '0') or 0)
                items = [e for e in self.log if e['seq'] > since]
                api = request.query_first('api')
                if api:
                    items = [e for e in items if e['api'] == api]
                return Response(200, {'requests': items, 'last_seq': self.seq,
                                      'writes': sum(1 for e in items if e['method'] != 'GET')})
            if name == 'requests' and method == 'DELETE':
                self.log = []
                return Response(204)
            if name == 'state' and method == 'GET':
                return Response(200, {k: p.dump() for k, p in self.plugins.items()})
            if name == 'reset' and method == 'POST':
                seed = data or self.seed_doc
                for key, plugin in self.plugins.items():
                    plugin.reset(seed.get(key, {}))
                self.log = []
                self.faults = []
                self.config = {'latency_ms': 0}
                self.readings = set(self.base_readings)
                return Response(200, {k: p.dump() for k, p in self.plugins.items()})
            if name == 'readings' and method == 'POST':
                try:
                    self.readings = readings_from(','.join(data.get('readings') or ()))
                except ValueError as exc:
                    return Response(400, {'error': str(exc)})
                return Response(200, self.readings_answer())
            if name == 'readings' and method == 'GET':
                return Response(200, self.readings_answer())
            if name == 'seed' and method == 'POST':
                for key, section in data.items():
                    if key not in self.plugins:
                        return Response(400, {'error': 'unknown api %s' % key})
                    self.plugins[key].add(section)
                return Response(200, {k: p.dump() for k, p in self.plugins.items()})
            if name == 'faults' and method == 'POST':
                faults = data.get('faults', [data])
                for fault in faults:
                    fault.setdefault('remaining', int(fault.get('times', 1)))
                    self.faults.append(fault)
                return Response(200, {'faults': self.faults})
            if name == 'faults' and method == 'GET':
                return Response(200, {'faults': self.faults})
            if name == 'faults' and method == 'DELETE':
                self.faults = []
                return Response(204)
            if name == 'config' and method == 'POST':
                self.config.update(data)
                return Response(200, self.config)
            if name == 'config' and method == 'GET':
                return Response(200, self.config)
        return Response(404, {'error': 'unknown control route %s %s' % (method, name)})


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server_version = 'apiops-emulator/1.0'
    # Headers and body go out as two writes: without TCP_NODELAY, Nagle's algorithm and the
    # client's delayed ACK add ~40 ms to every answer on a kept-alive connection.
    disable_nagle_algorithm = True
    emulator = None  # set by make_server

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        pass

    def _serve(self):
        length = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(length) if length else b''
        request = Request(self.command, self.path, dict(self.headers.items()), body)
        try:
            if request.path.startswith(CONTROL_PREFIX):
                response = self.emulator.control(request)
            else:
                response = self.emulator.handle(request)
        except ConnectionAbort:
            self._abort()
            return
        payload = self.encode_payload(response)
        self.send_response(response.status)
        for key, value in response.headers.items():
            self.send_header(key, value)
        if payload or response.status not in (204, 304):
            self.send_header('Content-Type', response.content_type)
        self.send_header('Content-Length', str(len(payload)))
        self.end_headers()
        if payload:
            self.wfile.write(payload)

    @staticmethod
    def encode_payload(response):
        return b'' if response.status == 204 else response.encode()

    def _abort(self):
        """Drop the connection with a TCP reset and no answer."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
        except OSError:
            pass

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def make_server(emulator, host='127.0.0.1', port=0, certfile=None, keyfile=None):
    handler = type('BoundHandler', (Handler,), {'emulator': emulator})
    server = Server((host, port), handler)
    if certfile:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(certfile, keyfile)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    return server


def build_emulator(seed=None, readings=None, plugins=None):
    """An emulator with the API ``plugins`` registered (by default every one), playing ``readings``
    (a set of names; by default those of the ``EMULATOR_READINGS`` environment variable)."""
    from .apig import ApigPlugin, IamPlugin
    from .acedata import AceDataPlugin

    if readings is None:
        readings = readings_from(os.environ.get('EMULATOR_READINGS'))
    emulator = Emulator(seed if seed is not None else default_seed(), readings)
    for plugin in plugins or (IamPlugin, ApigPlugin, AceDataPlugin):
        emulator.add_plugin(plugin)
    return emulator


def default_seed():
    from .seed import DEFAULT_SEED
    return json.loads(json.dumps(DEFAULT_SEED))


class BackgroundServer:
    """Run an emulator in a thread (for pytest fixtures and benchmarks)."""

    def __init__(self, seed=None, certfile=None, keyfile=None, readings=None, plugins=None):
        self.emulator = build_emulator(seed, readings, plugins)
        self.server = make_server(self.emulator, certfile=certfile, keyfile=keyfile)
        scheme = 'https' if certfile else 'http'
        self.url = '%s://127.0.0.1:%d' % (scheme, self.server.server_address[1])
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
