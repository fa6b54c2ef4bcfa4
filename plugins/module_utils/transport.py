# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""HTTP transport shared by every API client of the collection.

One ``requests.Session`` per module run, JSON in and out, timeouts, bounded retries with
exponential backoff and full jitter (honouring ``Retry-After``), offset pagination and a single
structured error type. It knows nothing of Ansible. ``requests`` is imported lazily, on the first
request, so that a task that fails validation does not pay for importing it.
"""

import json
import math
import random
import re
import threading
import time
import traceback
from email.utils import parsedate_to_datetime

from urllib.parse import quote, urlsplit

IDEMPOTENT_METHODS = frozenset(('GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS'))
DEFAULT_RETRIES = 4
DEFAULT_RETRY_MAX_DELAY = 30.0
BACKOFF_BASE = 0.5
# ``scheme://user:password@`` in a URL: the userinfo is cut from every message (it may be a password).
USERINFO = re.compile(r'(?i)\b([a-z][a-z0-9+.-]*://)[^/?#@\s]*@')


def redact_userinfo(text):
    """``text`` with the userinfo of every URL in it replaced by ``***``."""
    return USERINFO.sub(r'\1***@', text) if isinstance(text, str) else text


def userinfo_secrets(values):
    """The secrets held in the userinfo of URLs among ``values``: each password (the whole userinfo
    when it has no ``:``), for a caller to mask wherever its values are echoed (the module's
    ``no_log_values``: the invocation shown at -vvv included)."""
    found = set()
    for value in values:
        if not isinstance(value, str):
            continue
        for match in re.finditer(r'(?i)\b[a-z][a-z0-9+.-]*://([^/?#@\s]*)@', value):
            info = match.group(1)
            secret = info.split(':', 1)[1] if ':' in info else info
            if secret:
                found.add(secret)
    return found


def requests_import_error():
    """``None`` when ``requests`` can be imported, else the traceback text of the failure."""
    try:
        import requests  # noqa: F401 pylint: disable=unused-import
    except ImportError:
        return traceback.format_exc()
    return None


class ConfigError(ValueError):
    """Options that cannot work; raised before any request is sent."""


class ApiError(Exception):
    """A failed API call: HTTP status, the API's own code and message, and its request id.

    ``ambiguous`` is true when a write may or may not have been applied (a timeout, a dropped
    connection or a 5xx answer to a POST): the caller must read the resource again before
    deciding what to do next. ``retryable`` marks failures that another attempt may cure.
    """

    def __init__(self, message, status=None, code=None, request_id=None, method=None, path=None,
                 ambiguous=False, retryable=False, retry_after=None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.request_id = request_id
        self.method = method
        self.path = path
        self.ambiguous = ambiguous
        self.retryable = retryable
        self.retry_after = retry_after

    def __str__(self):
        parts = []
        if self.method and self.path:
            parts.append('%s %s failed:' % (self.method, self.path))
        if self.status is not None:
            parts.append('HTTP %s' % self.status)
        if self.code:
            parts.append(str(self.code))
        text = ' '.join(parts)
        if not text:
            text = self.message
        elif text.endswith(':'):
            text = '%s %s' % (text, self.message)
        else:
            text = '%s: %s' % (text, self.message)
        if self.request_id:
            text += ' (request id %s)' % self.request_id
        return redact_userinfo(text)

    def fail_kwargs(self):
        """Keyword arguments for ``AnsibleModule.fail_json``."""
        return dict(msg=str(self), status=self.status, error_code=self.code, request_id=self.request_id)


# The options of every module that set how its requests are sent (doc fragment
# apiops.provisioning.transport); each API's CONNECTION_ARGSPEC includes them.
TRANSPORT_ARGSPEC = dict(
    validate_certs=dict(type='bool', default=True),
    timeout=dict(type='float', default=30.0),
    retries=dict(type='int', default=DEFAULT_RETRIES),
    retry_max_delay=dict(type='float', default=DEFAULT_RETRY_MAX_DELAY),
)


def transport_options(params):
    """The ``Transport`` keyword arguments that a module's options set."""
    return dict(timeout=params.get('timeout', 30.0), validate_certs=params.get('validate_certs', True),
                retries=params.get('retries', DEFAULT_RETRIES),
                retry_max_delay=params.get('retry_max_delay', DEFAULT_RETRY_MAX_DELAY))


def check_connection_options(params, url_options, header_options):
    """Refuse, naming the option, values that could only fail once sent (or crash the sender).

    ``url_options`` must be http(s) URLs; ``header_options`` travel in HTTP headers, so they must
    be printable ASCII without spaces; ``timeout``, ``retries`` and ``retry_max_delay`` must be
    finite and in range.
    """
    for option in url_options:
        value = params.get(option)
        if value is None:
            continue
        parts = urlsplit(value)
        if parts.scheme not in ('http', 'https') or not parts.netloc or any(ch.isspace() or ord(ch) < 32 for ch in value):
            raise ConfigError('%s must be an http:// or https:// URL (got %r)' % (option, redact_userinfo(value)[:80]))
    for option in header_options:
        value = params.get(option)
        if value is not None and not all(33 <= ord(ch) <= 126 for ch in value):
            raise ConfigError('%s must be printable ASCII without spaces or line breaks' % option)
    timeout = params.get('timeout')
    if timeout is not None and not (math.isfinite(timeout) and timeout > 0):
        raise ConfigError('timeout must be a number of seconds above 0 (got %r)' % (timeout,))
    delay = params.get('retry_max_delay')
    if delay is not None and not (math.isfinite(delay) and delay >= 0):
        raise ConfigError('retry_max_delay must be a number of seconds, 0 or more (got %r)' % (delay,))
    retries = params.get('retries')
    if retries is not None and not 0 <= retries <= 20:
        raise ConfigError('retries must be between 0 and 20 (got %r)' % (retries,))


def encode_query(params):
    """The canonical query string of ``params`` (a dict or a list of pairs).

    Keys and values are percent-encoded with only ``~`` kept (so a space is ``%20`` and a slash
    ``%2F``), booleans become ``true``/``false``, lists become repeated keys, ``None`` values are
    dropped and the pairs are sorted. The same string is sent on the wire and signed, so the two
    can never disagree.
    """
    if not params:
        return ''
    items = params.items() if isinstance(params, dict) else params
    pairs = []
    for key, value in items:
        values = value if isinstance(value, (list, tuple)) else [value]
        for item in values:
            if item is None:
                continue
            if isinstance(item, bool):
                item = 'true' if item else 'false'
            pairs.append((quote(str(key), safe='~'), quote(str(item), safe='~')))
    return '&'.join('%s=%s' % pair for pair in sorted(pairs))


def parse_retry_after(value, now=None):
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


def summarise_body(text):
    """A short, single-line description of a non-JSON body (an HTML page from a proxy, say)."""
    text = (text or '').strip()
    if not text:
        return ''
    lower = text.lower()
    if '<title>' in lower:
        start = lower.index('<title>') + len('<title>')
        end = lower.find('</title>', start)
        return 'non-JSON answer: %s' % text[start:end if end > 0 else start + 120].strip()
    return 'non-JSON answer: %s' % ' '.join(text.split())[:200]


class Reply:
    """A successful answer: status, decoded JSON (or None) and headers."""

    def __init__(self, status, data, headers):
        self.status = status
        self.data = data
        self.headers = headers


class Transport:
    """JSON over HTTP with retries. One instance (one session) per API and module run.

    ``auth`` is an object with ``apply(method, url, headers, body)``, called before every attempt
    (so signatures carry a fresh date), and ``renew()``, called once after a 401; it returns true
    when new credentials were obtained and the request is worth one more try.
    ``error_parser(status, data, text, headers)`` returns ``(code, message, request_id)``.
    """

    def __init__(self, base_url, error_parser, auth=None, timeout=30.0, validate_certs=True,
                 retries=DEFAULT_RETRIES, retry_max_delay=DEFAULT_RETRY_MAX_DELAY,
                 user_agent='apiops.provisioning', sleep=time.sleep):
        self.base_url = base_url.rstrip('/')
        self.display_url = redact_userinfo(self.base_url)  # what messages name: no userinfo
        self.error_parser = error_parser
        self.auth = auth
        self.timeout = timeout
        self.validate_certs = validate_certs
        self.retries = max(0, int(retries))
        self.retry_max_delay = max(0.0, float(retry_max_delay))
        self.user_agent = user_agent
        self.sleep = sleep
        self.request_count = 0
        self._session = None
        # Shared by every worker of a list run (``resource.run_many``): the count, and the time
        # before which no worker sends (set by a 429 or a Retry-After, so that one throttled
        # answer slows every worker, not only the one that met it).
        self._lock = threading.Lock()
        self._not_before = 0.0

    @property
    def session(self):
        if self._session is None:
            import requests
            session = requests.Session()
            # Room for every worker of a list run (at most 16) to keep its connection alive.
            adapter = requests.adapters.HTTPAdapter(pool_connections=2, pool_maxsize=16)
            session.mount('https://', adapter)
            session.mount('http://', adapter)
            # The environment (the proxy variables with NO_PROXY, REQUESTS_CA_BUNDLE) is read once,
            # by requests itself, for the one host this session talks to, instead of on every
            # request (a list run sends hundreds). ~/.netrc is not read: a netrc entry for the host
            # would replace the Authorization header this transport sends.
            settings = session.merge_environment_settings(self.base_url, {}, None, self.validate_certs, None)
            session.proxies.update(settings['proxies'])
            session.verify = settings['verify']
            session.trust_env = False
            self._session = session
        return self._session

    def backoff(self, attempt, retry_after=None):
        """Seconds before retry number ``attempt`` (1-based): full jitter, capped."""
        if retry_after is not None:
            return min(retry_after, self.retry_max_delay)
        ceiling = min(self.retry_max_delay, BACKOFF_BASE * (2 ** (attempt - 1)))
        return random.uniform(0, ceiling)

    def request(self, method, path, query=None, body=None, headers=None, retries=None):
        """Send one request and return a ``Reply``; raise ``ApiError`` on failure.

        Any 2xx answer is a success, with or without a body (``Reply.data`` is None without
        one): the references document one status per route (201 for a create, 204 for a delete),
        while the vendors' own clients accept any of them (huaweicloudsdkcore: every status
        below 400; Terraform's clients: 200/201/202 for POST and PUT, 200/202/204 for DELETE).
        Callers never test the status; they test the body for what they need.

        Transient failures are retried up to ``retries`` times (the transport's setting unless
        given for this request). A POST is retried only when
        the API certainly did not apply it (HTTP 429, or the connection could not be opened);
        after any other failure of a POST the error is raised with ``ambiguous=True``.
        """
        method = method.upper()
        query_string = encode_query(query)
        url = self.base_url + path + ('?' + query_string if query_string else '')
        payload = b''
        if body is not None:
            payload = json.dumps(body, separators=(',', ':'), ensure_ascii=False).encode('utf-8')
        renewed = False
        attempt = 0
        started = time.monotonic()
        allowed = self.retries if retries is None else retries
        slept_until = 0.0
        while True:
            attempt += 1
            self._honour_pause(slept_until)
            try:
                return self._attempt(method, path, url, payload, body is not None, headers)
            except ApiError as error:
                if error.status == 401 and not renewed and self.auth is not None and self.auth.renew():
                    renewed = True
                    attempt -= 1
                    continue
                if not error.retryable or attempt > allowed:
                    if error.retryable and attempt > 1:
                        # Say that the time went on retries, and which options set them.
                        error.message += ' (gave up after %d attempts in %.1f s; the retries, retry_max_delay and ' \
                                         'timeout options set how long to try)' % (attempt, time.monotonic() - started)
                    raise
                delay = self.backoff(attempt, error.retry_after)
                if error.status == 429 or error.retry_after is not None:
                    slept_until = max(slept_until, self._pause_all(delay))
                self.sleep(delay)

    def _pause_all(self, delay):
        """Hold every worker back for ``delay`` seconds from now; returns the end of the pause."""
        until = time.monotonic() + delay
        with self._lock:
            self._not_before = max(self._not_before, until)
        return until

    def _honour_pause(self, slept_until):
        """Wait out a pause another worker set (one this worker slept through already is not waited again)."""
        not_before = self._not_before
        if not_before > slept_until:
            wait = not_before - time.monotonic()
            if wait > 0:
                self.sleep(wait)

    def _attempt(self, method, path, url, payload, has_body, extra_headers):
        import requests

        headers = {'Accept': 'application/json', 'User-Agent': self.user_agent}
        if has_body:
            headers['Content-Type'] = 'application/json;charset=utf-8'
        elif method in ('POST', 'PUT', 'PATCH'):
            headers['Content-Type'] = 'application/json'
        if extra_headers:
            headers.update(extra_headers)
        if self.auth is not None:
            self.auth.apply(method, url, headers, payload)
        idempotent = method in IDEMPOTENT_METHODS
        with self._lock:
            self.request_count += 1
        try:
            response = self.session.request(method, url, data=payload or None, headers=headers,
                                            timeout=self.timeout, allow_redirects=False)
        except requests.exceptions.SSLError as exc:
            raise ApiError('TLS certificate verification failed for %s (set validate_certs: false only for '
                           'a gateway you trust): %s' % (self.display_url, _short(exc)), method=method, path=path) from exc
        except (requests.exceptions.Timeout, requests.exceptions.ConnectionError) as exc:
            if _never_sent(exc):
                # The connection was never opened: nothing reached the API, any method may retry.
                raise ApiError('cannot connect to %s: %s' % (self.display_url, _short(exc)), method=method,
                               path=path, retryable=True) from exc
            raise ApiError('no complete answer from %s: %s' % (self.display_url, _short(exc)), method=method,
                           path=path, retryable=idempotent, ambiguous=not idempotent) from exc
        except requests.exceptions.InvalidHeader:
            # Its text quotes the header's value, which may be a credential: name nothing of it.
            raise ApiError('a request header has an invalid value (look for a stray newline or space in the '
                           'credentials)', method=method, path=path) from None
        except requests.exceptions.RequestException as exc:
            raise ApiError('request to %s failed: %s' % (self.display_url, exc.__class__.__name__), method=method, path=path) from exc
        return self._reply(method, path, response, idempotent)

    def _reply(self, method, path, response, idempotent):
        status = response.status_code
        success = 200 <= status < 300
        text = response.text
        data = None
        decode_error = None
        if text.strip():
            try:
                data = json.loads(text)
            except ValueError as exc:
                decode_error = exc
        if success and decode_error is None:
            return Reply(status, data, response.headers)
        code, message, request_id = self.error_parser(status, data, text, response.headers)
        retry_after = parse_retry_after(response.headers.get('Retry-After'))
        if success:
            # A success status with a body that is not JSON: a broken proxy or a cut answer.
            message = 'the answer is not valid JSON (%s)' % decode_error
            raise ApiError(message, status=status, request_id=request_id, method=method, path=path,
                           retryable=idempotent, ambiguous=not idempotent)
        if status == 429:
            raise ApiError(message, status, code, request_id, method, path, retryable=True, retry_after=retry_after)
        if status >= 500:
            raise ApiError(message, status, code, request_id, method, path, retryable=idempotent,
                           ambiguous=not idempotent, retry_after=retry_after)
        raise ApiError(message, status, code, request_id, method, path)

    def paginate(self, path, query, extract, limit):
        """Yield every item of an offset/limit list, reading page after page to the end.

        ``extract(data)`` returns ``(items, total)`` for one page.
        """
        offset = 0
        query = dict(query or {})
        while True:
            query.update(offset=offset, limit=limit)
            items, total = extract(self.request('GET', path, query=query).data or {})
            yield from items
            offset += len(items)
            if not items or total is None or offset >= total:
                return

    def close(self):
        if self._session is not None:
            self._session.close()
            self._session = None


def _never_sent(exc):
    """True when the connection could not be opened, so the request never left this host."""
    import requests
    from urllib3.exceptions import NewConnectionError

    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    reason = exc.args[0] if exc.args else None
    reason = getattr(reason, 'reason', reason)
    return isinstance(reason, NewConnectionError)


def _short(exc):
    """A one-line description of a transport exception (no URL query, no headers)."""
    text = str(exc.__class__.__name__)
    reason = exc.args[0] if exc.args else ''
    reason = getattr(reason, 'reason', reason)
    if reason:
        text += ': %s' % (reason,)
    return text[:300]
