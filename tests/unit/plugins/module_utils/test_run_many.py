# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The list form (``run_many``): validation of every item, duplicates, shared reads, the check pass
before any write, bounded concurrency, per-item results, a failing item among others."""

import copy
import threading
import time

import pytest

from ansible_collections.apiops.provisioning.plugins.module_utils.resource import (
    Resource,
    ValidationError,
    check_range,
    run_many,
    run_module,
)
from ansible_collections.apiops.provisioning.plugins.module_utils.transport import ApiError, Transport
from ansible_collections.apiops.provisioning.tests.unit.plugins.module_utils.fakes import (
    Exited,
    Failed,
    FakeResponse,
    FakeSession,
)
from ansible_collections.apiops.provisioning.tests.unit.plugins.module_utils.fakes import RaisingModule as FakeModule


class Store:
    """The remote side of the widgets; ``preloads`` counts the shared listing, ``finds`` the live lookups."""

    def __init__(self, objects=None):
        self.objects = copy.deepcopy(objects or {})
        self.writes = []
        self.preloads = 0
        self.finds = 0
        self.lock = threading.Lock()
        self.fail_write = set()     # names whose write fails (not ambiguous)
        self.running = 0
        self.most = 0
        self.closed = 0
        self.snapshot = None

    def preload(self):
        self.preloads += 1
        self.snapshot = copy.deepcopy(self.objects)

    def close(self):
        self.closed += 1


class Widget(Resource):
    kind = 'widget'
    result_key = 'widget'
    fields = ('name', 'size', 'color')
    create_only = ('color',)
    required_to_create = ('size',)

    def __init__(self, module, shared=None):
        super().__init__(module, shared)
        self.store = shared

    @classmethod
    def validate(cls, params):
        if params.get('name') == 'bad name':
            raise ValidationError('name must not contain a space')
        check_range(params, 'size', 1, 100)

    @classmethod
    def item_key(cls, params):
        return params['name']

    @classmethod
    def shared_context(cls, module, items):
        return module.store

    def label(self):
        return "widget '%s'" % self.params['name']

    def find_shared(self):
        obj = self.store.snapshot.get(self.params['name'])
        return copy.deepcopy(obj) if obj else None

    def find(self):
        with self.store.lock:
            self.store.finds += 1
            obj = self.store.objects.get(self.params['name'])
        return copy.deepcopy(obj) if obj else None

    def _write(self, what, name, apply):
        assert not self.check_mode, 'a write in check mode'
        with self.store.lock:
            self.store.running += 1
            self.store.most = max(self.store.most, self.store.running)
        time.sleep(0.01)
        with self.store.lock:
            self.store.running -= 1
            self.store.writes.append((what, name))
            if name in self.store.fail_write:
                raise ApiError('refused', status=400, code='nope')
            return apply()

    def create(self, desired):
        def apply():
            self.store.objects[desired['name']] = dict(desired, id='w-' + desired['name'])
            return copy.deepcopy(self.store.objects[desired['name']])
        return self._write('create', desired['name'], apply)

    def update(self, current, desired, changes):
        def apply():
            self.store.objects[current['name']].update(changes)
            return copy.deepcopy(self.store.objects[current['name']])
        return self._write('update', current['name'], apply)

    def delete(self, current):
        return self._write('delete', current['name'], lambda: self.store.objects.pop(current['name']))


EXISTING = {'w1': {'id': 'w-w1', 'name': 'w1', 'size': 5, 'color': 'red'},
            'w2': {'id': 'w-w2', 'name': 'w2', 'size': 7, 'color': 'blue'}}


def item(name, size=None, color=None, state='present'):
    return dict(name=name, size=size, color=color, state=state)


def run(store, items, check_mode=False, diff=False, concurrency=4):
    module = FakeModule(dict(widgets=items, concurrency=concurrency, token='t'), check_mode=check_mode, diff=diff)
    module.store = store
    with pytest.raises((Exited, Failed)) as info:
        run_many(module, Widget, 'widgets')
    return info.value.kwargs, isinstance(info.value, Failed), module


@pytest.mark.parametrize('no_log', [False, True])
@pytest.mark.parametrize('failing', [False, True])
def test_entries_of_a_no_log_task_are_marked_for_censoring(no_log, failing):
    # Ansible shows a ``results`` list entry by entry and censors only the entries marked
    # ``_ansible_no_log``: a list task with ``no_log`` must mark every entry, failed or not.
    store = Store(EXISTING)
    if failing:
        store.fail_write.add('w3')
    module = FakeModule(dict(widgets=[item('w1', 5), item('w3', 3)], concurrency=2, token='t'))
    module.store, module.no_log = store, no_log
    with pytest.raises((Exited, Failed)) as info:
        run_many(module, Widget, 'widgets')
    assert isinstance(info.value, Failed) is failing
    entries = info.value.kwargs['results']
    assert len(entries) == 2
    assert [entry.get('_ansible_no_log') for entry in entries] == ([True, True] if no_log else [None, None])


def test_refused_entries_of_a_no_log_task_are_marked_too():
    store = Store(EXISTING)
    module = FakeModule(dict(widgets=[item('bad name', 5), item('w1', 5)], concurrency=2, token='t'))
    module.store, module.no_log = store, True
    with pytest.raises(Failed) as info:
        run_many(module, Widget, 'widgets')
    assert all(entry['_ansible_no_log'] for entry in info.value.kwargs['results'])
    assert store.preloads == 0


def test_unchanged_list_reads_once_and_writes_nothing():
    store = Store(EXISTING)
    result, failed, _module = run(store, [item('w1', 5), item('w2', 7, 'blue')])
    assert not failed and result['changed'] is False
    assert store.preloads == 1 and store.finds == 0 and store.writes == []
    assert [r['widget']['id'] for r in result['results']] == ['w-w1', 'w-w2']
    assert [r['item']['name'] for r in result['results']] == ['w1', 'w2']
    assert store.closed == 1


def test_changed_items_applied_others_reported_unchanged_in_order():
    store = Store(EXISTING)
    result, failed, _module = run(store, [item('w3', 1), item('w1', 5), item('w2', 9), item('w1x', state='absent')],
                                  diff=True)
    assert not failed and result['changed'] is True
    assert [r['changed'] for r in result['results']] == [True, False, True, False]
    assert sorted(store.writes) == [('create', 'w3'), ('update', 'w2')]
    assert result['results'][2]['diff'] == {'before': {'name': 'w2', 'size': 7, 'color': 'blue'},
                                            'after': {'name': 'w2', 'size': 9, 'color': 'blue'}}
    assert 'diff' not in result['results'][1]
    # The apply pass starts from what the check pass found: no second lookup.
    assert store.finds == 0


def test_check_mode_predicts_every_item_and_writes_nothing():
    store = Store(EXISTING)
    result, failed, _module = run(store, [item('w3', 1), item('w1', 6), item('w2', state='absent')], check_mode=True)
    assert not failed
    assert [r['changed'] for r in result['results']] == [True, True, True]
    assert result['results'][1]['widget']['size'] == 6
    assert store.writes == []


def test_every_invalid_item_named_before_any_read():
    store = Store(EXISTING)
    result, failed, _module = run(store, [item('w1', 5), item('w2', 0), item('bad name', 3)])
    assert failed
    assert 'widgets[1]: size must be between 1 and 100' in result['msg']
    assert 'widgets[2]: name must not contain a space' in result['msg']
    assert 'widgets[0]' not in result['msg']
    assert store.preloads == 0 and store.writes == []
    assert [r['failed'] for r in result['results']] == [False, True, True]


def test_duplicate_identities_name_both_indexes():
    store = Store(EXISTING)
    result, failed, _module = run(store, [item('w1', 5), item('w9', 1), item('w1', 6)])
    assert failed and 'widgets[0] and widgets[2] name the same widget (w1)' in result['msg']
    assert store.preloads == 0


def test_read_needing_check_fails_the_task_before_any_write():
    """w4 does not exist and has no size: the check pass finds it, and w3 (fine) is not created either."""
    store = Store(EXISTING)
    result, failed, _module = run(store, [item('w3', 1), item('w4'), item('w1', color='green')])
    assert failed and store.writes == []
    assert 'widgets[1]: ' in result['msg'] and 'creating it needs size' in result['msg']
    assert 'widgets[2]: ' in result['msg'] and 'color' in result['msg']
    assert [r['failed'] for r in result['results']] == [False, True, True]
    assert 'nothing was written' in result['msg']


def test_a_failing_write_fails_its_item_only():
    store = Store(EXISTING)
    store.fail_write.add('w4')
    result, failed, _module = run(store, [item('w3', 1), item('w4', 2), item('w5', 3)])
    assert failed and result['changed'] is True
    assert [(r['changed'], r['failed']) for r in result['results']] == [(True, False), (False, True), (True, False)]
    assert 'widgets[1]' in result['msg'] and 'refused' in result['results'][1]['msg']
    assert 'widget' not in result['results'][1]
    assert sorted(store.objects) == ['w1', 'w2', 'w3', 'w5']
    # A re-run converges: the others are unchanged, the failed one is tried again.
    store.fail_write.clear()
    result, failed, _module = run(store, [item('w3', 1), item('w4', 2), item('w5', 3)])
    assert not failed and [r['changed'] for r in result['results']] == [False, True, False]


@pytest.mark.parametrize('concurrency', [1, 4, 16])
def test_writes_bounded_by_concurrency(concurrency):
    store = Store()
    result, failed, _module = run(store, [item('n%02d' % i, 1) for i in range(40)], concurrency=concurrency)
    assert not failed and len(store.writes) == 40
    assert 1 <= store.most <= concurrency
    if concurrency > 1:
        assert store.most > 1


@pytest.mark.parametrize('concurrency', [0, 17])
def test_concurrency_out_of_range_refused(concurrency):
    store = Store()
    result, failed, _module = run(store, [item('n1', 1)], concurrency=concurrency)
    assert failed and 'concurrency must be between 1 and 16' in result['msg']


def test_warnings_name_the_item():
    store = Store()

    class Warner(Widget):
        def find_shared(self):
            self.module.warn('look here')
            return None

    module = FakeModule(dict(widgets=[item('n1', 1)], concurrency=1), check_mode=True)
    module.store = store
    with pytest.raises(Exited):
        run_many(module, Warner, 'widgets')
    assert module.warnings == ['widgets[0]: look here']


def test_run_module_takes_the_single_form_without_the_list():
    store = Store(EXISTING)

    class Single(Widget):
        def __init__(self, module, shared=None):
            super().__init__(module, module.store if shared is None else shared)
            self._looked = True

        def close(self):
            pass

    module = FakeModule(dict(widgets=None, name='w1', size=5, color=None, state='present'))
    module.store = store
    with pytest.raises(Exited) as info:
        run_module(module, Single, 'widgets')
    assert info.value.kwargs['changed'] is False and info.value.kwargs['widget']['id'] == 'w-w1'
    assert 'results' not in info.value.kwargs


def test_transport_429_pauses_every_worker():
    """A 429 with Retry-After met by one worker holds back the next request of another."""
    sleeps = []
    transport = Transport('https://api.example.test', lambda status, data, text, headers: (None, 'x', None),
                          sleep=sleeps.append)
    transport._session = FakeSession([FakeResponse(429, {}, headers={'Retry-After': '2'}), FakeResponse(200, {}),
                                      FakeResponse(200, {})])
    transport.request('GET', '/a')
    assert sleeps == [2.0]
    # Another worker (a fresh request) now waits out what is left of the pause.
    transport.request('GET', '/b')
    assert len(sleeps) == 2 and 1.5 < sleeps[1] <= 2.0
