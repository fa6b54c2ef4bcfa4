# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The generic idempotent engine every resource module stands on.

A module describes its resource with a ``Resource`` subclass (how to find, read, create, update
and delete it, which fields it manages and which can only be set at creation); ``run_resource``
does the rest: input validation before any request, find -> compare -> create/update/delete,
check mode with a predicted result, ``--diff``, recovery after an ambiguous write, and one error
path to ``fail_json``.

The module_utils of both APIs have one layout. A client module per API (``acedata``,
``huaweicloud``) holds what belongs to the API as a whole: auth, endpoints, errors, pagination,
the lookups every resource shares, and ``CONNECTION_ARGSPEC``, the connection options all of that
API's modules take. A module per resource, named as its modules (``acedata_application``,
``acedata_service``, ``apig_app``, ``apig_app_quota``), holds its ``Resource`` subclass, the shared
reads of its list form and its info reader. A module's own options are declared in the module file,
beside its documentation; ``argument_spec`` merges them with the connection options.
"""

import contextlib
import copy
import re
import threading
import time

from ansible.module_utils.basic import missing_required_lib
from ansible_collections.apiops.provisioning.plugins.module_utils.transport import (
    ApiError,
    ConfigError,
    requests_import_error,
    userinfo_secrets,
)


class ValidationError(ConfigError):
    """A module option with a value the API would refuse."""


_NOTHING = object()
MAX_CONCURRENCY = 16


# ---------------------------------------------------------------------------------------------
# Validation helpers (each names the option and the rule)
# ---------------------------------------------------------------------------------------------
def check_pattern(params, option, pattern, rule):
    value = params.get(option)
    if value is not None and not re.fullmatch(pattern, value):  # no trailing newline slips through
        raise ValidationError('%s: %s (got %r)' % (option, rule, _preview(value)))


def check_range(params, option, low, high):
    value = params.get(option)
    if isinstance(value, bool):  # YAML true/false passes Ansible's int check; the API refuses it
        raise ValidationError('%s must be a whole number, not %r' % (option, value))
    if value is not None and not low <= value <= high:
        raise ValidationError('%s must be between %d and %d (got %d)' % (option, low, high, value))


def check_text(params, option, max_length=None, forbidden='', allow_empty=True):
    value = params.get(option)
    if value is None:
        return
    if not allow_empty and not value.strip():
        raise ValidationError('%s must not be empty' % option)
    if max_length is not None and len(value) > max_length:
        raise ValidationError('%s must be at most %d characters (got %d)' % (option, max_length, len(value)))
    bad = sorted(set(ch for ch in value if ch in forbidden or (ord(ch) < 32 and ch not in '\t\n\r')))
    if bad:
        raise ValidationError('%s must not contain %s' % (option, ', '.join(repr(ch) for ch in bad)))


def check_items(params, option, check):
    """Run ``check(value) -> error text or None`` on every item of a list option."""
    for index, value in enumerate(params.get(option) or []):
        problem = check(value)
        if problem:
            raise ValidationError('%s[%d]: %s (got %r)' % (option, index, problem, _preview(value)))


def unique(items):
    """``items`` without repeats, in their first order (for lists of unhashable items too)."""
    seen = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen


def argument_spec(*specs):
    """One argument spec from several (connection, resource), each option copied."""
    merged = {}
    for spec in specs:
        merged.update(copy.deepcopy(spec))
    return merged


def set_options(params, fields):
    """``{option: value}`` of the ``fields`` given a value in ``params``: what a task asks for.

    The engine reads a task's wishes (or a list item's) with it.
    """
    return dict((key, params[key]) for key in fields if params.get(key) is not None)


# How long a write may take to show in reads. The gateway's bindings do lag (Terraform polls
# bound-apps and bindable-apps for up to 3 minutes around every bind and unbind); the same bound
# holds for every other read-after-write wait of the collection.
SETTLE_TIMEOUT = 180.0
SETTLE_FIRST_DELAY = 0.25
SETTLE_MAX_DELAY = 5.0


class NotSettled(ConfigError):
    """A write that did not show in the API's reads within ``SETTLE_TIMEOUT``."""


def settle(read, pending, what, timeout=None, sleep=None, clock=None):
    """Read until the answer agrees with a write just made; returns the last answer.

    ``read()`` fetches the state, ``pending(answer)`` says what has not shown yet (a text, or
    empty once the read agrees). The first read is immediate (a read that does not lag costs one
    request); later ones back off from 0.25 s to 5 s, for at most ``SETTLE_TIMEOUT`` seconds,
    then fail naming ``what`` and what was still missing.
    """
    timeout = SETTLE_TIMEOUT if timeout is None else timeout
    sleep = sleep or time.sleep
    clock = clock or time.monotonic
    deadline = clock() + timeout
    delay = SETTLE_FIRST_DELAY
    while True:
        answer = read()
        missing = pending(answer)
        if not missing:
            return answer
        if clock() + delay > deadline:
            raise NotSettled('%s did not show in the API\'s reads within %d s: %s' % (what, timeout, missing))
        sleep(delay)
        delay = min(delay * 2, SETTLE_MAX_DELAY)


def _preview(value, limit=80):
    text = '%s' % (value,)
    return text if len(text) <= limit else text[:limit] + '...'


# ---------------------------------------------------------------------------------------------
# Resource description
# ---------------------------------------------------------------------------------------------
class Resource:
    """What the engine needs to know about one kind of remote object.

    Subclasses set the class attributes and implement ``find``, ``create``, ``update`` and (for
    deletable resources) ``delete``; the other hooks have sensible defaults.
    """

    kind = 'resource'          # a noun for messages ("app quota")
    result_key = 'resource'    # the key of the returned object
    fields = ()                # options compared with the remote object
    create_only = ()           # options the API cannot change after creation
    required_to_create = ()    # options needed to create the object

    def __init__(self, module, shared=None):
        self.module = module
        self.params = module.params
        self.check_mode = module.check_mode
        # In a list run (``run_many``): the client and the reads every item shares. The first
        # lookup of an item is answered from them; any later one (after an ambiguous write) is live.
        self.shared = shared
        self.found = None
        self._primed = _NOTHING
        self._looked = shared is None

    # -- list runs -----------------------------------------------------------------------------
    @classmethod
    def validate_connection(cls, params):
        """Checks of the connection options, once per list run."""

    @classmethod
    def validate_item(cls, params):
        """Checks of one item of a list run (its options over the connection's)."""
        cls.validate(params)

    @classmethod
    def item_key(cls, params):
        """The identity of an item, as given (before any read): two items with one key are refused."""
        return None

    @classmethod
    def item_conflicts(cls, items):
        """``[(indexes, text)]`` for items that would conflict with each other (checked before any read)."""
        return []

    @classmethod
    def shared_context(cls, module, items):
        """The client and the shared reads of a list run (nothing is sent before ``preload``)."""
        raise NotImplementedError

    def identity(self):
        """The identity of the item once resolved (an alias read, say); checked for duplicates before any write."""
        return self.item_key(self.params)

    def claims(self):
        """``{token: what}`` this item takes exclusively (an app bound to a quota); checked across items."""
        return {}

    def find_shared(self):
        """The first lookup of an item in a list run, from the shared reads; defaults to ``find``."""
        return self.find()

    def prime(self, found):
        """Answer the next lookup with ``found`` (what the check pass of a list run found)."""
        self._primed = copy.deepcopy(found)

    def lookup(self):
        """The engine's first read of the object: primed, shared, or ``find``."""
        if self._primed is not _NOTHING:
            found, self._primed = self._primed, _NOTHING
        elif not self._looked:
            found = self.find_shared()
        else:
            found = self.find()
        self._looked = True
        self.found = copy.deepcopy(found)
        return found

    # -- input ---------------------------------------------------------------------------------
    @classmethod
    def validate(cls, params):
        """Raise ``ValidationError`` for option values the API would refuse."""

    def label(self):
        """How the object is named in messages."""
        return self.kind

    def desired(self):
        """The managed options the user set."""
        return set_options(self.params, self.fields)

    # -- reading -------------------------------------------------------------------------------
    def find(self):
        """The remote object, or None when it does not exist."""
        raise NotImplementedError

    def view(self, obj):
        """The managed fields of a remote object, normalised: what is compared and diffed."""
        return dict((key, obj.get(key)) for key in self.fields if key in obj)

    def changes(self, current, desired):
        """``{option: wanted value}`` for every option the user set that differs from ``current``."""
        have = self.view(current)
        return dict((key, value) for key, value in desired.items() if have.get(key) != value)

    def complete(self, current, desired):
        """``current`` with every field the comparison needs; a list item may lack some.

        The default trusts what ``find`` returned; resources whose listings can be thinner than
        their detail route read the detail here when a field the task sets is missing.
        """
        return current

    def returned(self, obj):
        """The object as returned to the user."""
        return obj

    # -- writing -------------------------------------------------------------------------------
    def create(self, desired):
        raise NotImplementedError

    def update(self, current, desired, changes):
        raise NotImplementedError

    def delete(self, current):
        raise NotImplementedError

    def predict(self, current, desired, changes):
        """The object as it would be after create (``current`` None) or update; for check mode."""
        predicted = dict(current or {})
        predicted.update(desired if current is None else changes)
        return predicted

    def is_conflict(self, error):
        """True when a create failed because the object exists already (a concurrent creator)."""
        return False

    def close(self):
        """Release sessions."""


# ---------------------------------------------------------------------------------------------
# The engine
# ---------------------------------------------------------------------------------------------
class Engine:
    """find -> compare -> create/update/delete for one ``Resource``."""

    def __init__(self, resource, attempts=3):
        self.resource = resource
        self.attempts = attempts

    def present(self):
        res = self.resource
        desired = res.desired()
        current = before = res.lookup()
        if current is None:
            missing = [key for key in res.required_to_create if desired.get(key) is None]
            if missing:
                raise ValidationError('%s does not exist yet; creating it needs %s' % (res.label(), ', '.join(missing)))
            if res.check_mode:
                return self._result(None, res.predict(None, desired, desired))
            current, created, ours = self._create(desired)
            if created:
                return self._result(None, current)
            # It exists after all: a concurrent run created it (``before`` is what we found), or
            # our own write went through although its answer was lost (nothing existed before).
            before = None if ours else current
        current = res.complete(current, desired)
        if before is not None:
            before = current
            res.found = copy.deepcopy(current)
        changes = res.changes(current, desired)
        frozen = sorted(key for key in changes if key in res.create_only)
        if frozen:
            have = res.view(current)
            raise ValidationError('; '.join(
                '%s of the existing %s cannot be changed (the API sets it only at creation): it is %r, the task '
                'asks for %r' % (key, res.label(), have.get(key), changes[key]) for key in frozen))
        if not changes:
            return self._result(before, current)
        if res.check_mode:
            return self._result(before, res.predict(current, desired, changes), changed=True)
        return self._result(before, self._update(current, desired, changes), changed=True)

    def _update(self, current, desired, changes):
        """Update; after an ambiguous failure, read again and repeat only what is still needed."""
        res = self.resource
        for _attempt in range(self.attempts):
            try:
                return res.update(current, desired, changes)
            except ApiError as exc:
                if not exc.ambiguous:
                    raise
                error = exc
            current = res.find()
            if current is None:
                break
            current = res.complete(current, desired)
            changes = res.changes(current, desired)
            if not changes:
                return current
        raise error

    def _create(self, desired):
        """Create; after an ambiguous failure or a conflict, look again before deciding.

        Returns ``(object, created, ours)``: ``created`` when the create answered, else the
        object found afterwards, with ``ours`` true when our own lost write probably made it.
        """
        res = self.resource
        for _attempt in range(self.attempts):
            try:
                return res.create(desired), True, True
            except ApiError as exc:
                if not (exc.ambiguous or res.is_conflict(exc)):
                    raise
                error = exc
            found = res.find()
            if found is not None:
                return found, False, error.ambiguous
            if not error.ambiguous:
                break
        raise error

    def absent(self):
        res = self.resource
        current = res.lookup()
        if current is None:
            return self._result(None, None, changed=False)
        if not res.check_mode:
            try:
                res.delete(current)
            except ApiError as exc:
                if exc.status != 404:  # gone already: the goal is reached
                    raise
        return self._result(current, None, changed=True)

    def _result(self, before, after, changed=None):
        """The module result; ``changed`` defaults to "something exists now that did not"."""
        res = self.resource
        if changed is None:
            changed = before is None and after is not None
        result = dict(changed=changed)
        result[res.result_key] = res.returned(after) if after is not None else {}
        if changed and res.module._diff:
            result['diff'] = dict(before=res.view(before) if before else {},
                                  after=res.view(after) if after else {})
        return result


def run(module, factory, action):
    """Validate, build the resource (or client) with ``factory``, run ``action`` on it, exit.

    Every failure leaves through one path: validation errors and API errors become
    ``fail_json`` with the API's status, code, message and request id.
    """
    module.no_log_values.update(userinfo_secrets(module.params.values()))  # http://user:password@host
    error = requests_import_error()
    if error:
        module.fail_json(msg=missing_required_lib('requests'), exception=error)
    target = None
    with failing(module):
        try:
            target = factory(module)
            result = action(target)
        finally:
            if target is not None:
                target.close()
    module.exit_json(**result)


@contextlib.contextmanager
def failing(module):
    """The one way out for an API or configuration error: ``fail_json`` with what it says."""
    try:
        yield
    except ApiError as exc:
        module.fail_json(**exc.fail_kwargs())
    except ConfigError as exc:
        module.fail_json(msg=str(exc))


def run_resource(module, resource_cls):
    """The whole run of a ``state``-driven resource module."""
    module.no_log_values.update(userinfo_secrets(module.params.values()))  # before any fail_json
    try:
        resource_cls.validate(module.params)
    except ValidationError as exc:
        module.fail_json(msg=str(exc))

    def action(resource):
        engine = Engine(resource)
        return engine.absent() if module.params.get('state') == 'absent' else engine.present()
    run(module, resource_cls, action)


# ---------------------------------------------------------------------------------------------
# Many resources in one task
# ---------------------------------------------------------------------------------------------
def list_argspec(option, item_spec):
    """The list option of a resource module (its items take the resource options) and ``concurrency``."""
    items = copy.deepcopy(item_spec)
    return {option: dict(type='list', elements='dict', options=items),
            'concurrency': dict(type='int', default=4)}


def list_module(option, item_spec, **module_kwargs):
    """The ``AnsibleModule`` of a resource module with the list form ``option``.

    Ansible's argument validation names a bad value inside a list without its index ("argument
    'call_limits' is of type str found in 'quotas'"), so the items are validated one by one
    first, against ``item_spec``: a bad one fails the task naming ``quotas[3]``, with a result per
    item, before any request. The module's docs and argument spec keep the items' options.
    """
    from ansible.module_utils.basic import AnsibleModule, _load_params
    from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

    items = (_load_params() or {}).get(option)  # None under ansible-test's argument spec probe
    texts = []
    if isinstance(items, list):
        validator = ArgumentSpecValidator(item_spec)
        for item in items:
            texts.append(validator.validate(copy.deepcopy(item)).error_messages if isinstance(item, dict) else [])
    if not any(texts):
        return AnsibleModule(**module_kwargs)
    # The same module without the items' options (so that Ansible does not judge them again), to fail with.
    spec = dict(module_kwargs['argument_spec'])
    spec[option] = dict(type='list', elements='dict')
    module = AnsibleModule(**dict(module_kwargs, argument_spec=spec))
    # Without the items' options Ansible knows none of their secrets (app_secret, say): every item
    # is echoed in the results and the invocation, so their values are masked by hand.
    secret_options = [key for key, settings in item_spec.items() if settings.get('no_log')]
    for item in items:
        for key in secret_options if isinstance(item, dict) else ():
            if item.get(key) not in (None, ''):
                module.no_log_values.add('%s' % (item[key],))
    results = [dict(item=item, changed=False, failed=bool(text), **({'msg': '; '.join(text)} if text else {}))
               for item, text in zip(items, texts)]
    named = ['%s[%d]: %s' % (option, index, '; '.join(text)) for index, text in enumerate(texts) if text]
    module.fail_json(msg='%d of %d %s refused before any request: %s' % (len(named), len(items), option, ' | '.join(named)),
                     changed=False, results=loop_entries(module, results))


class ItemModule:
    """What a ``Resource`` sees of the module in a list run: the item's parameters, its own check
    mode (the check pass runs every item in check mode), the module's diff mode, and warnings
    prefixed with the item's place in the list."""

    def __init__(self, module, params, where, check_mode):
        self.params = params
        self.check_mode = check_mode
        self._diff = module._diff
        self._module = module
        self._where = where

    def warn(self, msg):
        self._module.warn('%s: %s' % (self._where, msg))


def loop_entries(module, results):
    """``results`` as a list task returns them: with ``no_log``, each entry marked so.

    Ansible censors a ``no_log`` task's result, but shows a ``results`` list as a loop's, entry by
    entry, censoring only the entries that say ``_ansible_no_log``: without the mark, a list task
    with ``no_log: true`` would print every item (and any secret in it) at ``-v``.
    """
    if module.no_log:
        for entry in results:
            entry['_ansible_no_log'] = True
    return results


def _item_error(exc):
    if isinstance(exc, ApiError):
        return str(exc)
    return '%s' % (exc,)


def _pool_map(function, jobs, concurrency):
    """``[function(job)]`` in order, ``concurrency`` at a time (in this thread when 1)."""
    if concurrency <= 1 or len(jobs) <= 1:
        return [function(job) for job in jobs]
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(max_workers=min(concurrency, len(jobs))) as pool:
        return list(pool.map(function, jobs))


def run_many(module, resource_cls, option):
    """The list form of a resource module: many items, one task, one judge (the ``Engine``).

    1. Every item is validated with the resource's own checks; two items with one identity, or
       that conflict (``item_conflicts``), are refused naming both indexes. Nothing is sent yet.
    2. The shared reads are made once (``shared_context(...).preload()``: one listing serves every
       item it holds).
    3. The check pass: the engine runs every item in check mode (it cannot write), up to 16 at once,
       which makes
       every check that needs a read (unknown references, create-only fields, options missing for
       a create) and predicts each item's result. Any failure fails the task, naming every failing
       item, and nothing is written.
    4. The items the check pass found changed are applied, ``concurrency`` at a time, over the
       one session and token of the shared client. An item that fails there is reported failed;
       the others end as asked and are reported as such.

    Returns ``results`` in input order, each shaped like a registered loop's entry.
    """
    error = requests_import_error()
    if error:
        module.fail_json(msg=missing_required_lib('requests'), exception=error)
    concurrency = module.params.get('concurrency')
    concurrency = 4 if concurrency is None else concurrency
    if not 1 <= concurrency <= MAX_CONCURRENCY:
        module.fail_json(msg='concurrency must be between 1 and %d (got %d)' % (MAX_CONCURRENCY, concurrency))
    items = module.params[option] or []
    connection = dict((key, value) for key, value in module.params.items() if key not in (option, 'concurrency'))
    where = ['%s[%d]' % (option, index) for index in range(len(items))]
    results = [dict(item=item, changed=False, failed=False) for item in items]
    problems = {}

    def refuse(index, text):
        problems.setdefault(index, []).append(text)

    def fail(msg_head):
        for index, texts in problems.items():
            results[index].update(failed=True, msg='; '.join(texts))
        named = ['%s: %s' % (where[index], '; '.join(problems[index])) for index in sorted(problems)]
        module.fail_json(msg='%s: %s' % (msg_head, ' | '.join(named)), changed=False, results=loop_entries(module, results))

    try:
        resource_cls.validate_connection(module.params)
    except ValidationError as exc:
        module.fail_json(msg=str(exc))
    params_list = []
    for index, item in enumerate(items):
        params = dict(connection)
        params.update(copy.deepcopy(item))
        try:
            resource_cls.validate_item(params)
        except ValidationError as exc:
            refuse(index, str(exc))
        params_list.append(params)
    seen = {}
    for index, params in enumerate(params_list):
        key = resource_cls.item_key(params) if index not in problems else None
        if key is not None:
            _refuse_both(seen, key, index, refuse, lambda first, key=key, index=index: _same_text(
                where, first, index, resource_cls.kind, key))
    for indexes, text in resource_cls.item_conflicts(params_list):
        for index in indexes:
            refuse(index, text)
    if problems:
        fail('%d of %d %s refused before any request' % (len(problems), len(items), option))

    shared = None
    with failing(module):  # a shared read failed: no item was judged (none has a result)
        try:
            shared = resource_cls.shared_context(module, params_list)
            shared.preload()
            planned = _check_pass(module, resource_cls, shared, params_list, where, concurrency, refuse)
            if problems:
                fail('%d of %d %s cannot be applied; nothing was written' % (len(problems), len(items), option))
            for index, (result, _found) in enumerate(planned):
                results[index].update(result)
            if not module.check_mode:
                _apply_pass(module, resource_cls, shared, params_list, where, concurrency, planned, results)
        finally:
            if shared is not None:
                shared.close()
    failed = [index for index, result in enumerate(results) if result['failed']]
    changed = any(result['changed'] for result in results)
    extra = {}
    if module._diff:
        # The task's diff, as a list the callbacks print one by one, each headed by its item.
        extra['diff'] = [dict(result['diff'], before_header=where[index], after_header=where[index])
                         for index, result in enumerate(results) if result.get('diff')]
    if failed:
        named = ' | '.join('%s: %s' % (where[index], results[index]['msg']) for index in failed)
        module.fail_json(msg='%d of %d %s failed (the others are as asked): %s' % (len(failed), len(items), option, named),
                         changed=changed, results=loop_entries(module, results), **extra)
    module.exit_json(changed=changed, results=loop_entries(module, results), **extra)


def _key_text(key):
    if isinstance(key, tuple):
        return ', '.join('%s' % (part,) for part in key if part is not None)
    return '%s' % (key,)


def _engine_run(resource):
    engine = Engine(resource)
    return engine.absent() if resource.params.get('state') == 'absent' else engine.present()


def _check_pass(module, resource_cls, shared, params_list, where, concurrency, refuse):
    """Every item through the engine in check mode: ``[(result, what was found)]``."""
    lock = threading.Lock()

    def check(index):
        resource = resource_cls(ItemModule(module, params_list[index], where[index], True), shared)
        try:
            result = _engine_run(resource)
            identity, claims = resource.identity(), resource.claims()
        except (ApiError, ConfigError) as exc:
            with lock:
                refuse(index, _item_error(exc))
            return None
        return result, resource.found, identity, claims

    # The check pass only reads: it runs up to MAX_CONCURRENCY items at once whatever ``concurrency``
    # (which bounds the writes); a 429 still pauses every worker.
    checked = _pool_map(check, list(range(len(params_list))), max(concurrency, MAX_CONCURRENCY))
    identities = {}
    claimed = {}
    for index, entry in enumerate(checked):
        if entry is None:
            continue
        identity, claims = entry[2], entry[3]
        if identity is not None:
            _refuse_both(identities, identity, index, refuse, lambda first, key=identity, index=index: _same_text(
                where, first, index, resource_cls.kind, key))
        for token, what in claims.items():
            _refuse_both(claimed, token, index, refuse,
                         lambda first, what=what, index=index: '%s and %s both ask for %s' % (where[first], where[index], what))
    return [(entry[0], entry[1]) if entry else (dict(changed=False), None) for entry in checked]


def _refuse_both(seen, key, index, refuse, text):
    """Claim ``key`` for item ``index``; when another item claimed it first, refuse both with
    ``text(first)``."""
    first = seen.setdefault(key, index)
    if first != index:
        message = text(first)
        refuse(first, message)
        refuse(index, message)


def _same_text(where, first, index, kind, key):
    return '%s and %s name the same %s (%s); give each once' % (where[first], where[index], kind, _key_text(key))


def _apply_pass(module, resource_cls, shared, params_list, where, concurrency, planned, results):
    """Apply the items the check pass found changed; each ends with its own result."""
    def apply(index):
        resource = resource_cls(ItemModule(module, params_list[index], where[index], False), shared)
        resource.prime(planned[index][1])
        try:
            return index, _engine_run(resource), None
        except (ApiError, ConfigError) as exc:
            return index, None, exc

    pending = [index for index, (result, _found) in enumerate(planned) if result.get('changed')]
    for index, result, exc in _pool_map(apply, pending, concurrency):
        if exc is None:
            results[index].update(result)
        else:
            entry = results[index]
            entry.pop('diff', None)
            entry.pop(resource_cls.result_key, None)
            entry.update(changed=False, failed=True, msg=_item_error(exc))
            if isinstance(exc, ApiError):
                entry.update(status=exc.status, error_code=exc.code, request_id=exc.request_id)


def run_module(module, resource_cls, option):
    """A resource module with a list form: ``option`` given, many items; else the single form."""
    if module.params.get(option) is not None:
        run_many(module, resource_cls, option)
    else:
        run_resource(module, resource_cls)


def run_info_module(reader_cls, connection_spec, info_spec, **module_kwargs):
    """The ``main()`` of an info module: its options over the connection's, read with ``reader_cls``
    (whose ``gather()`` makes the result)."""
    from ansible.module_utils.basic import AnsibleModule

    module = AnsibleModule(argument_spec=argument_spec(connection_spec, info_spec), supports_check_mode=True,
                           **module_kwargs)
    run(module, reader_cls, lambda reader: reader.gather())


def run_resource_module(resource_cls, option, connection_spec, item_spec, task_spec=None):
    """The ``main()`` of a resource module with the list form ``option``.

    ``item_spec`` holds the resource's options, which a single resource takes at the top level
    and each item of ``option`` takes in the list (an option the item requires is required unless
    the list is given); ``task_spec`` the options of the task as a whole (how the result is
    shown), which apply to every item. The single-resource options and the list are mutually
    exclusive.
    """
    single = dict((key, dict((k, v) for k, v in spec.items() if k != 'required')) for key, spec in item_spec.items())
    module = list_module(option, item_spec,
                         argument_spec=argument_spec(connection_spec, single, task_spec or {}, list_argspec(option, item_spec)),
                         mutually_exclusive=[(option, key) for key in single],
                         required_one_of=[(key, option) for key, spec in item_spec.items() if spec.get('required')],
                         supports_check_mode=True)
    run_module(module, resource_cls, option)
