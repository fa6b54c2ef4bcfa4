# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The generic idempotent engine every resource module stands on.

A module describes its resource with a ``Resource`` subclass (how to find, read, create, update
and delete it, which fields it manages and which can only be set at creation); ``run_resource``
does the rest: input validation before any request, find -> compare -> create/update/delete,
check mode with a predicted result, ``--diff``, recovery after an ambiguous write, and one error
path to ``fail_json``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import re
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


def argument_spec(*specs):
    """One argument spec from several (connection, resource), each option copied."""
    merged = {}
    for spec in specs:
        merged.update(copy.deepcopy(spec))
    return merged


def set_options(params, fields):
    """``{option: value}`` of the ``fields`` given a value in ``params``: what a task asks for.

    The engine and the role's plan (``api_access_plan``) both read a task's wishes with it.
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

    def __init__(self, module):
        self.module = module
        self.params = module.params
        self.check_mode = module.check_mode

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
        current = before = res.find()
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
        current = res.find()
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
    try:
        target = factory(module)
        result = action(target)
    except ApiError as exc:
        module.fail_json(**exc.fail_kwargs())
    except ConfigError as exc:
        module.fail_json(msg=str(exc))
    finally:
        if target is not None:
            target.close()
    module.exit_json(**result)


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
