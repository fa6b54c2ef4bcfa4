# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The generic engine: check mode, create, unchanged, update, create-only fields, recovery, absent, run paths."""

import copy

import pytest

from ansible_collections.apiops.provisioning.plugins.module_utils.resource import (
    Engine,
    Resource,
    ValidationError,
    argument_spec,
    check_items,
    check_pattern,
    check_range,
    check_text,
    run,
    run_resource,
)
from ansible_collections.apiops.provisioning.plugins.module_utils.transport import ApiError, ConfigError
from ansible_collections.apiops.provisioning.tests.unit.plugins.module_utils.fakes import (
    Exited,
    Failed,
    RaisingModule,
)


# ---------------------------------------------------------------------------------------------
# Fakes
# ---------------------------------------------------------------------------------------------
class Store:
    """The remote side: objects by name, every write recorded, failures scripted."""

    def __init__(self, objects=None):
        self.objects = copy.deepcopy(objects or {})
        self.writes = []
        self.finds = 0
        self.create_failures = []   # (ApiError, applied) pairs, consumed one per create
        self.delete_failures = []   # ApiErrors, consumed one per delete
        self.find_failure = None
        self.constructed = 0
        self.closed = 0


class FakeModule(RaisingModule):
    """The shared fake module, with a store and fail_json/exit_json that raise; diff mode off by default."""

    def __init__(self, params, store, check_mode=False, diff=False):
        super().__init__(params, check_mode=check_mode, diff=diff)
        self.store = store


class Widget(Resource):
    kind = 'widget'
    result_key = 'widget'
    fields = ('name', 'size', 'color')
    create_only = ('color',)
    required_to_create = ('size',)

    def __init__(self, module):
        super().__init__(module)
        self.store = module.store
        self.store.constructed += 1

    @classmethod
    def validate(cls, params):
        check_range(params, 'size', 1, 100)

    def label(self):
        return "widget '%s'" % self.params['name']

    def find(self):
        self.store.finds += 1
        if self.store.find_failure:
            raise self.store.find_failure
        obj = self.store.objects.get(self.params['name'])
        return copy.deepcopy(obj) if obj is not None else None

    def create(self, desired):
        self.store.writes.append(('create', dict(desired)))
        if self.store.create_failures:
            error, applied = self.store.create_failures.pop(0)
            if applied:
                self.store.objects[desired['name']] = dict(desired, id='w-%d' % len(self.store.writes))
            raise error
        self.store.objects[desired['name']] = dict(desired, id='w-%d' % len(self.store.writes))
        return copy.deepcopy(self.store.objects[desired['name']])

    def update(self, current, desired, changes):
        self.store.writes.append(('update', dict(changes)))
        self.store.objects[current['name']].update(changes)
        return copy.deepcopy(self.store.objects[current['name']])

    def delete(self, current):
        self.store.writes.append(('delete', current['id']))
        if self.store.delete_failures:
            raise self.store.delete_failures.pop(0)
        del self.store.objects[current['name']]

    def is_conflict(self, error):
        return error.code == 'exists'

    def close(self):
        self.store.closed += 1


def widget(store, check_mode=False, diff=True, **params):
    values = dict(name='w1', size=None, color=None, state='present')
    values.update(params)
    module = FakeModule(values, store, check_mode=check_mode, diff=diff)
    return Widget(module), module


EXISTING = {'w1': {'id': 'w-0', 'name': 'w1', 'size': 5, 'color': 'red', 'extra': 'server-side'}}


# ---------------------------------------------------------------------------------------------
# present
# ---------------------------------------------------------------------------------------------
def test_check_mode_create_writes_nothing_and_predicts():
    store = Store()
    res, dummy = widget(store, check_mode=True, size=3, color='blue')
    result = Engine(res).present()
    assert store.writes == []
    assert store.objects == {}
    assert result['changed'] is True
    assert result['widget'] == {'name': 'w1', 'size': 3, 'color': 'blue'}
    assert result['diff'] == {'before': {}, 'after': {'name': 'w1', 'size': 3, 'color': 'blue'}}


def test_create():
    store = Store()
    res, dummy = widget(store, size=3, color='blue')
    result = Engine(res).present()
    assert store.writes == [('create', {'name': 'w1', 'size': 3, 'color': 'blue'})]
    assert result['changed'] is True
    assert result['widget']['id'] == 'w-1'
    assert result['diff'] == {'before': {}, 'after': {'name': 'w1', 'size': 3, 'color': 'blue'}}


def test_no_diff_key_without_diff_mode():
    store = Store()
    res, dummy = widget(store, diff=False, size=3)
    result = Engine(res).present()
    assert result['changed'] is True
    assert 'diff' not in result


@pytest.mark.parametrize('check_mode', [False, True])
def test_unchanged(check_mode):
    store = Store(EXISTING)
    res, dummy = widget(store, check_mode=check_mode, size=5, color='red')
    result = Engine(res).present()
    assert store.writes == []
    assert result['changed'] is False
    assert 'diff' not in result
    assert result['widget'] == EXISTING['w1']


def test_options_not_given_are_not_compared():
    store = Store(EXISTING)
    res, dummy = widget(store)  # neither size nor color given
    result = Engine(res).present()
    assert result['changed'] is False
    assert store.writes == []


def test_update():
    store = Store(EXISTING)
    res, dummy = widget(store, size=9)
    result = Engine(res).present()
    assert store.writes == [('update', {'size': 9})]
    assert result['changed'] is True
    assert result['widget']['size'] == 9
    assert result['widget']['extra'] == 'server-side'
    assert result['diff'] == {'before': {'name': 'w1', 'size': 5, 'color': 'red'},
                              'after': {'name': 'w1', 'size': 9, 'color': 'red'}}


def test_check_mode_update_predicts_without_writing():
    store = Store(EXISTING)
    res, dummy = widget(store, check_mode=True, size=9)
    result = Engine(res).present()
    assert store.writes == []
    assert store.objects == EXISTING
    assert result['changed'] is True
    assert result['widget']['size'] == 9
    assert result['diff']['after']['size'] == 9
    assert result['diff']['before']['size'] == 5


@pytest.mark.parametrize('check_mode', [False, True])
def test_create_only_difference_fails_naming_option(check_mode):
    store = Store(EXISTING)
    res, dummy = widget(store, check_mode=check_mode, size=9, color='green')
    with pytest.raises(ValidationError) as info:
        Engine(res).present()
    text = str(info.value)
    assert 'color' in text
    assert "'red'" in text and "'green'" in text
    assert 'size' not in text
    assert store.writes == []


@pytest.mark.parametrize('check_mode', [False, True])
def test_required_to_create_missing(check_mode):
    store = Store()
    res, dummy = widget(store, check_mode=check_mode, color='blue')
    with pytest.raises(ValidationError) as info:
        Engine(res).present()
    assert 'size' in str(info.value)
    assert "widget 'w1'" in str(info.value)
    assert store.writes == []


def test_required_to_create_not_needed_for_existing():
    store = Store(EXISTING)
    res, dummy = widget(store, color='red')
    assert Engine(res).present()['changed'] is False


# ---------------------------------------------------------------------------------------------
# Recovery after an ambiguous create, and conflicts
# ---------------------------------------------------------------------------------------------
def ambiguous():
    return ApiError('no complete answer', method='POST', path='/widgets', ambiguous=True)


def test_ambiguous_create_applied_is_found_again_not_recreated():
    store = Store()
    store.create_failures = [(ambiguous(), True)]
    res, dummy = widget(store, size=3)
    result = Engine(res).present()
    assert [w[0] for w in store.writes] == ['create']
    assert result['changed'] is True
    assert result['widget']['name'] == 'w1'
    assert len(store.objects) == 1
    assert result['diff']['before'] == {}


def test_ambiguous_create_not_applied_is_retried():
    store = Store()
    store.create_failures = [(ambiguous(), False)]
    res, dummy = widget(store, size=3)
    result = Engine(res).present()
    assert [w[0] for w in store.writes] == ['create', 'create']
    assert result['changed'] is True
    assert len(store.objects) == 1


def test_ambiguous_create_gives_up_after_attempts():
    store = Store()
    store.create_failures = [(ambiguous(), False) for dummy in range(5)]
    res, dummy = widget(store, size=3)
    with pytest.raises(ApiError) as info:
        Engine(res, attempts=3).present()
    assert info.value.ambiguous is True
    assert [w[0] for w in store.writes] == ['create'] * 3


def test_plain_create_error_is_raised_without_lookup():
    store = Store()
    store.create_failures = [(ApiError('bad', status=400, code='Bad'), False)]
    res, dummy = widget(store, size=3)
    with pytest.raises(ApiError) as info:
        Engine(res).present()
    assert info.value.status == 400
    assert len(store.writes) == 1
    assert store.finds == 1


def test_conflict_converges_unchanged_when_equal():
    store = Store()
    # A concurrent run created the same widget between our lookup and our create.
    error = ApiError('exists', status=409, code='exists')
    store.create_failures = [(error, False)]
    res, dummy = widget(store, size=3)

    original_create = res.create

    def racing_create(desired):
        store.objects['w1'] = {'id': 'w-other', 'name': 'w1', 'size': 3, 'color': None}
        return original_create(desired)
    res.create = racing_create
    result = Engine(res).present()
    assert result['changed'] is False
    assert result['widget']['id'] == 'w-other'
    assert [w[0] for w in store.writes] == ['create']
    assert 'diff' not in result


def test_conflict_then_update_when_different():
    store = Store()
    store.create_failures = [(ApiError('exists', status=409, code='exists'), False)]
    res, dummy = widget(store, size=3)
    original_create = res.create

    def racing_create(desired):
        store.objects['w1'] = {'id': 'w-other', 'name': 'w1', 'size': 8, 'color': None}
        return original_create(desired)
    res.create = racing_create
    result = Engine(res).present()
    assert result['changed'] is True
    assert [w[0] for w in store.writes] == ['create', 'update']
    assert result['diff']['before']['size'] == 8
    assert result['diff']['after']['size'] == 3


def test_conflict_without_object_is_raised():
    store = Store()
    store.create_failures = [(ApiError('exists', status=409, code='exists'), False)]
    res, dummy = widget(store, size=3)
    with pytest.raises(ApiError) as info:
        Engine(res).present()
    assert info.value.code == 'exists'
    assert len(store.writes) == 1


# ---------------------------------------------------------------------------------------------
# absent
# ---------------------------------------------------------------------------------------------
def test_absent_deletes():
    store = Store(EXISTING)
    res, dummy = widget(store, state='absent')
    result = Engine(res).absent()
    assert store.writes == [('delete', 'w-0')]
    assert store.objects == {}
    assert result['changed'] is True
    assert result['widget'] == {}
    assert result['diff'] == {'before': {'name': 'w1', 'size': 5, 'color': 'red'}, 'after': {}}


def test_absent_check_mode_writes_nothing():
    store = Store(EXISTING)
    res, dummy = widget(store, check_mode=True, state='absent')
    result = Engine(res).absent()
    assert store.writes == []
    assert store.objects == EXISTING
    assert result['changed'] is True


def test_absent_when_missing_is_unchanged():
    store = Store()
    res, dummy = widget(store, state='absent')
    result = Engine(res).absent()
    assert result == {'changed': False, 'widget': {}}
    assert store.writes == []


def test_absent_404_on_delete_counts_as_done():
    store = Store(EXISTING)
    store.delete_failures = [ApiError('gone', status=404, code='NotFound')]
    res, dummy = widget(store, state='absent')
    result = Engine(res).absent()
    assert result['changed'] is True
    assert result['widget'] == {}


def test_absent_other_delete_errors_are_raised():
    store = Store(EXISTING)
    store.delete_failures = [ApiError('busy', status=409, code='Busy')]
    res, dummy = widget(store, state='absent')
    with pytest.raises(ApiError) as info:
        Engine(res).absent()
    assert info.value.status == 409


# ---------------------------------------------------------------------------------------------
# run / run_resource: the exit paths
# ---------------------------------------------------------------------------------------------
def module_for(store, **params):
    values = dict(name='w1', size=None, color=None, state='present')
    values.update(params)
    return FakeModule(values, store, diff=False)


def test_run_resource_exits_with_result_and_closes():
    store = Store()
    module = module_for(store, size=3)
    with pytest.raises(Exited) as info:
        run_resource(module, Widget)
    assert info.value.kwargs['changed'] is True
    assert info.value.kwargs['widget']['size'] == 3
    assert store.closed == 1


def test_run_resource_absent_state():
    store = Store(EXISTING)
    module = module_for(store, state='absent')
    with pytest.raises(Exited) as info:
        run_resource(module, Widget)
    assert info.value.kwargs['changed'] is True
    assert store.objects == {}


def test_run_resource_api_error_to_fail_json():
    store = Store()
    store.find_failure = ApiError('Internal error', status=500, code='APIG.9999', request_id='req-7',
                                  method='GET', path='/widgets')
    module = module_for(store, size=3)
    with pytest.raises(Failed) as info:
        run_resource(module, Widget)
    kwargs = info.value.kwargs
    assert kwargs['status'] == 500
    assert kwargs['error_code'] == 'APIG.9999'
    assert kwargs['request_id'] == 'req-7'
    assert 'Internal error' in kwargs['msg'] and 'GET /widgets' in kwargs['msg']
    assert store.closed == 1


def test_run_resource_validation_error_before_factory():
    store = Store()
    module = module_for(store, size=1000)
    with pytest.raises(Failed) as info:
        run_resource(module, Widget)
    assert info.value.kwargs['msg'].startswith('size must be between 1 and 100')
    assert store.constructed == 0
    assert store.finds == 0


def test_run_resource_engine_validation_error_to_fail_json():
    store = Store(EXISTING)
    module = module_for(store, color='green')
    with pytest.raises(Failed) as info:
        run_resource(module, Widget)
    assert 'color' in info.value.kwargs['msg']
    assert store.writes == []


def test_run_config_error_from_factory():
    module = module_for(Store())

    def factory(mod):
        raise ConfigError('region is required')
    with pytest.raises(Failed) as info:
        run(module, factory, lambda target: {})
    assert info.value.kwargs == {'msg': 'region is required'}


def test_run_exits_with_action_result():
    store = Store()
    module = module_for(store)
    with pytest.raises(Exited) as info:
        run(module, Widget, lambda target: dict(changed=False, items=[1, 2]))
    assert info.value.kwargs == dict(changed=False, items=[1, 2])
    assert store.closed == 1


# ---------------------------------------------------------------------------------------------
# Validation helpers
# ---------------------------------------------------------------------------------------------
def test_check_helpers_name_the_option():
    with pytest.raises(ValidationError, match=r'^size must be between 1 and 10 \(got 11\)'):
        check_range({'size': 11}, 'size', 1, 10)
    with pytest.raises(ValidationError, match=r'^code: must be digits'):
        check_pattern({'code': 'x1'}, 'code', r'^\d+$', 'must be digits')
    with pytest.raises(ValidationError, match=r'^note must be at most 3 characters'):
        check_text({'note': 'abcd'}, 'note', max_length=3)
    with pytest.raises(ValidationError, match=r'^note must not contain'):
        check_text({'note': 'a\x00b'}, 'note')
    with pytest.raises(ValidationError, match=r'^note must not be empty'):
        check_text({'note': '  '}, 'note', allow_empty=False)
    with pytest.raises(ValidationError, match=r'^tags\[1\]: bad'):
        check_items({'tags': ['ok', 'no']}, 'tags', lambda v: 'bad' if v == 'no' else None)
    # Unset options are not checked.
    check_range({'size': None}, 'size', 1, 10)
    check_pattern({}, 'code', r'^\d+$', 'must be digits')
    check_text({'note': None}, 'note', max_length=1)


def test_argument_spec_copies():
    first = dict(a=dict(type='str', choices=['x']))
    merged = argument_spec(first, dict(b=dict(type='int')))
    assert sorted(merged) == ['a', 'b']
    merged['a']['choices'].append('y')
    assert first['a']['choices'] == ['x']
