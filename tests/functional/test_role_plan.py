# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The role ``api_access`` skips a module only when the module would do nothing: a property test.

Against the emulator, with random states (an application or not, several, of another type, shared
with the account; a quota or not, with random fields and bound apps, a fuzzy-named neighbour, a
twin) and random service entries (alias or UUID, valid or not, equal or not to what exists), the
state is read with the two info modules as the role reads it, ``api_access_plan`` decides, and the
state modules are run in check mode with the arguments the role passes. A service the plan skips
must be one whose module reports changed=false, no warning, no failure, and sends no write (also
checked by a real run). A second property runs the role's sequence of module runs for two services,
with and without the plan, and compares the states they end in.

The modules run in this process (``patch_module_args``); the emulator runs in a thread.
"""

from __future__ import annotations

import collections
import contextlib
import io
import json
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import ansible.module_utils._internal as ansible_internal
from ansible.module_utils.common import warnings as ansible_warnings
from ansible.module_utils.testing import patch_module_args
from ansible_collections.apiops.provisioning.plugins.filter.api_access import api_access_plan
from ansible_collections.apiops.provisioning.plugins.modules import (
    acedata_application,
    acedata_application_info,
    apig_app_quota,
    apig_app_quota_info,
)
from emulator import seed as S
# The fixtures ``server`` and ``emulator`` are used by name (plan_emulator_fixture).
from test_request_counts import Emulator, writes
from test_request_counts import emulator_fixture, server_fixture  # noqa: F401 pylint: disable=unused-import

SERVICES = S.DEFAULT_SEED['acedata']['services']
CONSUMERS = S.DEFAULT_SEED['apig']['apps']
OTHER_USER = '3c2b1a09-8f7e-4d6c-9b5a-4f3e2d1c0b9a'
QUOTA = 'q_plan'
SIDE = 'q_plan_side'  # the API's fuzzy name filter finds it when asked for q_plan
CALL_LIMITS = (100, 200)
TIME_UNITS = ('DAY', 'HOUR')
INTERVALS = (1, 2)
REMARKS = ('', 'note')
RESET_TIMES = (None, '2026-01-01 00:00:00')
OPTIONS = ('call_limits', 'time_unit', 'time_interval', 'remark', 'reset_time')
# Values the module refuses, one per option (drawn only for an invalid entry).
INVALID = dict(call_limits=0, time_unit='WEEK', time_interval=-1, remark='<b>', reset_time='2026-13-01 00:00:00')


class PlanEmulator(Emulator):
    """``Emulator`` whose runs may fail, may be in check mode, and report each run's own warnings.

    The collection's filter imports controller code (``ansible.errors``), which switches
    ``ansible.module_utils`` to controller mode for the whole process: a module's ``warn()`` then
    goes to the display, not to its result, and a test of "no warning" passes whatever happens.
    In target mode the warning list is process-wide and never emptied, so warnings would pile up
    over runs. Each run here is a target run with a fresh warning list.
    """

    def run(self, module, args):
        before = self.last_seq()
        out = io.StringIO()
        with mock.patch.object(ansible_internal, 'is_controller', False), \
                mock.patch.object(ansible_warnings, '_global_warnings', {}), \
                mock.patch.object(ansible_warnings, '_global_deprecations', {}), \
                patch_module_args(args), contextlib.redirect_stdout(out), pytest.raises(SystemExit):
            module.main()
        return json.loads(out.getvalue()), self.control('GET', 'requests?since=%d' % before)['requests']

    def apig_args(self, **args):
        return dict(args, instance_id=S.INSTANCE_ID, region=S.REGION, project_id=S.PROJECT_ID,
                    access_key=S.ACCESS_KEY, secret_key=S.SECRET_KEY, apig_endpoint=self.url, iam_endpoint=self.url)

    def acedata_args(self, **args):
        return dict(args, api_token=S.ACEDATA_TOKEN, api_url=self.url)

    def read(self, services):
        """What the role's two info tasks register, run under the role's own conditions."""
        applications, quotas = [], []
        if any(entry.get('state', 'present') == 'present' for entry in services):
            result, sent = self.run(acedata_application_info, self.acedata_args())
            assert not result.get('failed'), result
            assert writes(sent) == []
            applications = result['applications']
        names = []
        for entry in services:
            quota = entry.get('quota')
            name = quota.get('name', '') if isinstance(quota, dict) else ''
            if name and name not in names:
                names.append(name)
        if names:
            result, sent = self.run(apig_app_quota_info, self.apig_args(names=names))
            assert not result.get('failed'), result
            assert writes(sent) == []
            quotas = result['app_quotas']
        return applications, quotas

    def application(self, entry, check):
        """acedata_application with the arguments of the role's task (``type | default('Usage')``)."""
        args = self.acedata_args(service=entry['service'], type=entry.get('type', 'Usage'))
        return self.run(acedata_application, dict(args, _ansible_check_mode=check))

    def quota(self, entry, check):
        """apig_app_quota with the arguments of the role's task (``default(omit)`` leaves a missing option out)."""
        spec = entry['quota']
        args = dict((key, spec[key]) for key in ('name',) + OPTIONS + ('apps',) if key in spec)
        args.update(purge_apps=spec.get('purge_apps', False), state=entry.get('state', 'present'))
        return self.run(apig_app_quota, dict(self.apig_args(**args), _ansible_check_mode=check))

    def state(self):
        """The part of the emulator's state the role manages: quotas with bindings, owned applications."""
        data = self.control('GET', 'state')
        quotas = sorted((q['name'], q['call_limits'], q['time_unit'], q['time_interval'], q['remark'] or '',
                         q['reset_time'] or '', tuple(sorted(q['app_ids']))) for q in data['apig']['quotas'])
        applications = sorted((a['service_id'] or '', a['type'], a['scope'])
                              for a in data['acedata']['applications'] if a['user_id'] == S.ACEDATA_USER_ID)
        return quotas, applications


@pytest.fixture(name='plan_emulator')
def plan_emulator_fixture(emulator, server):
    """A ``PlanEmulator`` on the module's server, reset to the default seed (``emulator`` resets it)."""
    return PlanEmulator(server)


# ---------------------------------------------------------------------------------------------
# Random states and entries
# ---------------------------------------------------------------------------------------------
# Each case has an aim, so that every kind of case is met whatever hypothesis favours:
#   match    the entry asks what exists, in one spelling or another (omitted options, numbers as
#            text, an explicit null remark, a subset of the bound apps, UUID in capitals)
#   one_off  as match, with one thing changed: an option, an app to bind, apps to purge, the quota
#            deleted or new, an application type the account lacks (one aim per twist)
#   invalid  as match, with one thing the module refuses or cannot resolve, or a twin quota
#   random   anything


@st.composite
def states(draw, has_quota=None, twin=False):
    """A seed for the emulator: the service's applications and the quota's fields and bindings."""
    service = draw(st.sampled_from(SERVICES))
    other = draw(st.sampled_from([svc for svc in SERVICES if svc is not service]))
    apps, stamp = [], iter('2026-01-%02dT00:00:00Z' % day for day in range(1, 28))
    for app_type, counts in (('Usage', (1, 1, 0, 2)), ('Period', (0, 1))):
        apps += [dict(service_id=service['id'], type=app_type, created_at=next(stamp))
                 for _copy in range(draw(st.sampled_from(counts)))]
    if draw(st.booleans()):
        apps.append(dict(service_id=None, scope='Global', created_at=next(stamp)))
    if draw(st.booleans()):
        apps.append(dict(service_id=other['id'], created_at=next(stamp)))
    if draw(st.booleans()):  # someone else's application for the service, shared with the account
        apps.append(dict(user_id=OTHER_USER, service_id=service['id'], created_at=next(stamp),
                         credentials=[{'user_id': S.ACEDATA_USER_ID}]))
    quota = None
    if draw(st.sampled_from((True, True, False))) if has_quota is None else has_quota:
        quota = dict(app_quota_id='fa11' + '0' * 28, name=QUOTA, call_limits=draw(st.sampled_from(CALL_LIMITS)),
                     time_unit=draw(st.sampled_from(TIME_UNITS)), time_interval=draw(st.sampled_from(INTERVALS)),
                     remark=draw(st.sampled_from(REMARKS)), reset_time=draw(st.sampled_from(RESET_TIMES)))
    order = draw(st.permutations(CONSUMERS))
    cut = draw(st.integers(0, len(CONSUMERS)))
    bound = [app['id'] for app in order[:cut]] if quota else []
    side = [app['id'] for app in order[cut:]][:draw(st.integers(0, 2))] if draw(st.booleans()) else None
    return dict(service=service, applications=apps, quota=quota, bound=bound, side=side,
                twin=bool(quota and twin))


def seed(emulator, state):
    """Reset the emulator to the default seed, then add ``state``."""
    emulator.control('POST', 'reset')
    quotas, bindings = [], []
    if state['quota']:
        quotas.append(state['quota'])
        bindings += [dict(app_id=app_id, app_quota_id=state['quota']['app_quota_id']) for app_id in state['bound']]
    if state['twin']:
        quotas.append(dict(state['quota'], app_quota_id='7e11' + '0' * 28))
    if state['side'] is not None:
        quotas.append(dict(app_quota_id='51de' + '0' * 28, name=SIDE, call_limits=5, time_unit='DAY', time_interval=1))
        bindings += [dict(app_id=app_id, app_quota_id='51de' + '0' * 28) for app_id in state['side']]
    emulator.control('POST', 'seed', {
        'apig': {'quotas': quotas, 'bindings': bindings},
        'acedata': {'users': [{'id': OTHER_USER, 'username': 'someone-else'}], 'applications': state['applications']},
    })


def owned(state, app_type):
    """How many applications of ``app_type`` the account owns for the state's service."""
    return len([app for app in state['applications'] if app.get('service_id') == state['service']['id']
                and app.get('type', 'Usage') == app_type and 'user_id' not in app])


def ref(draw, app):
    """A reference to a consumer app: its name or its id."""
    return draw(st.sampled_from((app['name'], app['id'])))


@st.composite
def matching_entries(draw, state):
    """An entry that asks what ``state`` holds, spelled in one of the ways the module accepts."""
    service = state['service']
    entry = dict(service=draw(st.sampled_from((service['alias'], service['id'], service['id'].upper()))))
    app_type = draw(st.sampled_from(('omit', 'Usage', 'Period')))
    if app_type != 'omit':
        entry['type'] = app_type
    if draw(st.booleans()):
        entry['state'] = 'present'
    current = state['quota']
    if current is None:  # nothing to keep: a quota that is and stays absent
        entry.update(state='absent', quota={'name': draw(st.sampled_from((QUOTA, 'q_plan_new')))})
        return entry
    spec = dict(name=QUOTA)
    for option in OPTIONS:
        how = draw(st.sampled_from(('same', 'omit', 'text')))
        value = current[option]
        if how == 'omit' or value is None:
            continue
        if how == 'text' and option in ('call_limits', 'time_interval'):
            value = str(value)  # Ansible turns it into an int, as it does a templated number
        elif how == 'text' and option == 'remark' and not value:
            value = None  # an explicit null: not compared
        spec[option] = value
    if draw(st.booleans()):
        chosen = [app for app in CONSUMERS if app['id'] in state['bound'] and draw(st.booleans())]
        spec['apps'] = [ref(draw, app) for app in chosen]
        purges = (True, False, 'omit') if len(chosen) == len(state['bound']) else (False, 'omit')
        purge = draw(st.sampled_from(purges))
        if purge != 'omit':
            spec['purge_apps'] = purge
    entry['quota'] = spec
    return entry


ONE_OFF_TWISTS = OPTIONS + ('bind', 'purge', 'absent', 'new', 'application')


@st.composite
def one_off_cases(draw, twist):
    """A matching entry with one thing changed (``twist``: an option, an app to bind, apps to purge, the quota
    deleted or new, an application type the account lacks), and a state where that is a change."""
    state = draw(states(has_quota=None if twist == 'new' else True))
    if twist == 'bind' and len(state['bound']) == len(CONSUMERS):
        state['bound'] = state['bound'][1:]
    if twist == 'purge' and not state['bound']:
        state['bound'] = [CONSUMERS[0]['id']]
        if state['side']:
            state['side'] = [app_id for app_id in state['side'] if app_id != CONSUMERS[0]['id']]
    if twist == 'application':  # the account has no Period application for the service
        state['applications'] = [app for app in state['applications'] if app.get('type') != 'Period']
    entry = draw(matching_entries(state))
    spec, current = entry['quota'], state['quota']
    if twist == 'new':
        entry.pop('state', None)
        spec.update(name='q_plan_new', call_limits=100, time_unit='DAY', time_interval=1)
    elif twist in OPTIONS:
        others = dict(call_limits=(100, 200, 150), time_unit=TIME_UNITS, time_interval=(1, 2, 3),
                      remark=('', 'note', 'changed'), reset_time=RESET_TIMES[1:] + ('2027-06-30 12:00:00',))
        spec[twist] = draw(st.sampled_from([value for value in others[twist] if value != (current[twist] or '')]))
    elif twist == 'absent':
        entry['state'] = 'absent'
    elif twist == 'bind':
        free = draw(st.sampled_from([app for app in CONSUMERS if app['id'] not in state['bound']]))
        spec['apps'] = spec.get('apps', []) + [ref(draw, free)]
    elif twist == 'purge':
        keep = [app for app in CONSUMERS if app['id'] in state['bound'][1:] and draw(st.booleans())]
        spec.update(apps=[ref(draw, app) for app in keep], purge_apps=True)
    else:
        entry['type'] = 'Period'
    return state, entry


INVALID_TWISTS = ('option', 'name', 'purge', 'app', 'service', 'unknown', 'type', 'state', 'twin')


@st.composite
def invalid_cases(draw):
    """A matching entry with one thing the module refuses or cannot resolve; or a twin of the quota."""
    twist = draw(st.sampled_from(INVALID_TWISTS))
    state = draw(states(has_quota=True, twin=twist == 'twin'))
    entry = draw(matching_entries(state))
    spec = entry['quota']
    if twist == 'option':
        option = draw(st.sampled_from(OPTIONS))
        spec[option] = INVALID[option]
    elif twist == 'name':
        spec['name'] = draw(st.sampled_from(('bad name', 'qq', 'q_plan ')))
    elif twist == 'purge':
        spec.pop('apps', None)
        spec['purge_apps'] = True
    elif twist == 'app':
        spec['apps'] = spec.get('apps', []) + [draw(st.sampled_from(('ab', 'bad app!', 'no_such_app')))]
    elif twist == 'service':
        entry['service'] = draw(st.sampled_from(('bad alias!', '', 'midjourney\n')))
    elif twist == 'unknown':
        entry['service'] = draw(st.sampled_from(('no-such-service', '00000000-0000-4000-8000-000000000000')))
    elif twist == 'type':
        entry['type'] = draw(st.sampled_from(('Bogus', 'usage')))
    elif twist == 'state':
        entry['state'] = 'gone'
    return state, entry


@st.composite
def random_entries(draw, state):
    """Any entry: each option omitted, as it is, changed, or as text."""
    service = state['service']
    entry = dict(service=draw(st.sampled_from((service['alias'], service['id'], 'no-such-service'))))
    app_type = draw(st.sampled_from(('omit', 'Usage', 'Period')))
    if app_type != 'omit':
        entry['type'] = app_type
    state_value = draw(st.sampled_from(('omit', 'present', 'absent')))
    if state_value != 'omit':
        entry['state'] = state_value
    if draw(st.sampled_from((True, True, False))):
        current = state['quota'] or dict(call_limits=100, time_unit='DAY', time_interval=1, remark='', reset_time=None)
        spec = dict(name=draw(st.sampled_from((QUOTA, QUOTA, 'q_plan_new'))))
        choices = dict(call_limits=CALL_LIMITS, time_unit=TIME_UNITS, time_interval=INTERVALS,
                       remark=REMARKS + ('x',), reset_time=RESET_TIMES[1:] + ('2027-06-30 12:00:00',))
        for option in OPTIONS:
            how = draw(st.sampled_from(('other', 'same', 'omit', 'text')))
            if how == 'same' and current[option] is not None:
                spec[option] = current[option]
            elif how == 'text' and option in ('call_limits', 'time_interval'):
                spec[option] = str(current[option])
            elif how == 'other':
                spec[option] = draw(st.sampled_from(choices[option]))
        if draw(st.booleans()):
            spec['apps'] = [ref(draw, app) for app in CONSUMERS if draw(st.booleans())]
            purge = draw(st.sampled_from((True, 'omit', False)))
            if purge != 'omit':
                spec['purge_apps'] = purge
        entry['quota'] = spec
    return entry


@st.composite
def cases(draw, aim):
    """``(state, entry)`` for ``aim``."""
    if aim == 'invalid':
        return draw(invalid_cases())
    if aim.startswith('one_off:'):
        return draw(one_off_cases(aim.split(':')[1]))
    state = draw(states(has_quota=True if aim == 'match' and draw(st.sampled_from((True, True, False))) else None))
    return state, draw(dict(match=matching_entries, random=random_entries)[aim](state))


# aim -> examples
AIMS = dict(dict(('one_off:' + twist, 3) for twist in ONE_OFF_TWISTS), match=10, invalid=10, random=6)


# ---------------------------------------------------------------------------------------------
# An independent reading of "the quota differs" (not the collection's comparison functions)
# ---------------------------------------------------------------------------------------------
def quota_differs(state, entry):
    """True, False, or None (not a case this reading covers: invalid input, missing or twin quota)."""
    spec, current = entry['quota'], state['quota']
    if entry.get('state', 'present') != 'present' or current is None or state['twin'] or spec['name'] != QUOTA:
        return None
    for option in OPTIONS:
        if option not in spec:
            continue
        value = spec[option]
        if value == INVALID[option]:
            return None
        if option in ('call_limits', 'time_interval'):
            value = int(value)
        have = current[option]
        if option == 'remark':
            value, have = value or '', have or ''
        if value != have:
            return True
    if 'apps' in spec:
        ids = dict((app['name'], app['id']) for app in CONSUMERS)
        wanted = set(ids.get(ref, ref) for ref in spec['apps'])
        bound = set(state['bound'])
        if wanted - bound or (spec.get('purge_apps') and bound - wanted):
            return True
    elif spec.get('purge_apps'):
        return None
    return False


def application_missing(state, entry):
    """True when the entry is valid and the account owns no application of its (service, type)."""
    app_type = entry.get('type', 'Usage')
    if entry['service'] not in (state['service']['alias'], state['service']['id'], state['service']['id'].upper()) \
            or app_type not in ('Usage', 'Period') or entry.get('state', 'present') != 'present':
        return False
    return not any(app.get('service_id') == state['service']['id'] and app.get('type', 'Usage') == app_type
                   and 'user_id' not in app for app in state['applications'])


def outcome(result, sent):
    """A module run, summed up: failed, changed, warned, wrote."""
    return dict(failed=bool(result.get('failed')), changed=result.get('changed'),
                warned=bool(result.get('warnings')), wrote=bool(writes(sent)))


def assert_nothing_to_do(run, what):
    """The module, in check mode then for real, finds nothing to do."""
    for check in (True, False):
        result, sent = run(check)
        assert not result.get('failed'), (what, check, result.get('msg'))
        assert result['changed'] is False, (what, check, result)
        assert not result.get('warnings'), (what, check, result['warnings'])
        assert writes(sent) == [], (what, check, writes(sent))


# ---------------------------------------------------------------------------------------------
# The properties
# ---------------------------------------------------------------------------------------------
# Per aim, what must have been seen for the run to mean something: (tally keys, at least).
SEEN = dict(
    match=((('quota skipped',), 5), (('application skipped',), 3)),
    invalid=((('quota pending, failed', 'application pending, failed'), 7),),
    random=((('quota pending, changed', 'quota pending, failed', 'quota skipped'), 3),),
)


@pytest.mark.parametrize('aim', sorted(AIMS))
def test_plan_skips_only_what_the_module_would_not_do(plan_emulator, record_property, aim):
    """Safety: not pending -> the module would report changed=false, no warning, no failure and send no write.

    The converse is measured, not required (over-reporting costs time only), except where this
    test's own reading says the quota differs or the application is missing, and for a one-off
    change: then it must be pending.
    """
    tally = collections.Counter()

    @settings(max_examples=AIMS[aim], deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    @given(case=cases(aim))
    def check(case):
        state, entry = case
        seed(plan_emulator, state)
        applications, quotas = plan_emulator.read([entry])
        step, = api_access_plan([entry], applications, quotas)
        if aim.startswith('one_off:'):
            kind = 'application' if aim == 'one_off:application' else 'quota'
            assert step['%s_pending' % kind], ('a one-off change is not pending', state, entry)

        if entry.get('state', 'present') == 'present':
            ran = outcome(*plan_emulator.application(entry, check=True))
            judge('application', step['application_pending'], ran, tally)
            if application_missing(state, entry):
                assert step['application_pending'], ('the application is missing', entry)
            if not step['application_pending']:
                assert_nothing_to_do(lambda check: plan_emulator.application(entry, check), entry)
        else:
            assert step['application_pending'] is False

        if entry.get('quota') is not None:
            ran = outcome(*plan_emulator.quota(entry, check=True))
            judge('quota', step['quota_pending'], ran, tally)
            differs = quota_differs(state, entry)
            tally['quota differs (own reading)' if differs else 'quota same (own reading)' if differs is False
                  else 'quota not judged (own reading)'] += 1
            if differs:
                assert step['quota_pending'], ('the quota differs', state, entry)
            if not step['quota_pending']:
                assert_nothing_to_do(lambda check: plan_emulator.quota(entry, check), entry)
        else:
            assert step['quota_pending'] is False

    check()
    summary = ', '.join('%s: %d' % item for item in sorted(tally.items()))
    record_property('plan_vs_module', summary)
    print('\nplan vs module (check mode), %s: %s' % (aim, summary))
    for keys, least in SEEN.get(aim, ()):
        assert sum(tally[key] for key in keys) >= least, (keys, summary)


def judge(kind, pending, ran, tally):
    """The safety property for one module run, and the tally of how pending and the module agree."""
    if not pending:
        assert not ran['failed'], (kind, 'skipped but the module fails')
        assert ran['changed'] is False, (kind, 'skipped but the module changes something')
        assert not ran['warned'], (kind, 'skipped but the module warns')
        assert not ran['wrote'], (kind, 'skipped but the module writes')
        tally['%s skipped' % kind] += 1
    elif ran['failed']:
        tally['%s pending, failed' % kind] += 1
    elif ran['changed']:
        tally['%s pending, changed' % kind] += 1
    elif ran['warned']:
        tally['%s pending, unchanged with a warning' % kind] += 1
    else:
        tally['%s pending, no-op (over-reported)' % kind] += 1


@st.composite
def two_services(draw, aim):
    """A state and two entries. ``keeper``: one keeps the quota as it is, the other names it too and may
    change or delete it; ``random``: any two entries, that often name the same quota."""
    if aim == 'keeper':
        if draw(st.booleans()):
            state, first = draw(one_off_cases(draw(st.sampled_from(OPTIONS + ('bind', 'purge', 'absent')))))
        else:
            state = draw(states(has_quota=True))
            first = draw(random_entries(state))
        first.setdefault('quota', {}).update(name=QUOTA)
        kept = dict((key, value) for key, value in state['quota'].items()
                    if key in ('name',) + OPTIONS and value is not None)
        second = dict(service=SERVICES[-1]['alias'], quota=kept)
    else:
        state = draw(states())
        first, second = draw(random_entries(state)), draw(random_entries(state))
        if 'quota' in first and 'quota' in second and draw(st.booleans()):
            second['quota']['name'] = first['quota']['name']
    return state, draw(st.permutations([first, second]))


@pytest.mark.parametrize('aim, examples', [('keeper', 12), ('random', 8)])
def test_role_with_plan_ends_where_role_without_plan_does(plan_emulator, aim, examples):
    """The role's sequence of module runs, with the plan's skips, leaves the state the full sequence leaves.

    Both sequences start from the same seed; each runs the application task, then the quota task,
    service after service, as the role's loops do, stopping after a loop that failed, as a play does.
    """
    @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    @given(case=two_services(aim))
    def check(case):
        state, services = case
        ends = []
        for use_plan in (False, True):
            seed(plan_emulator, state)
            plan = api_access_plan(services, *plan_emulator.read(services)) if use_plan else None
            failed = run_role_tasks(plan_emulator, services, plan)
            ends.append((failed, plan_emulator.state()))
        assert ends[1] == ends[0], (services, plan)

    check()


def run_role_tasks(emulator, services, plan):
    """The module runs of the role's two loops (every service without a plan); True if one failed.

    As in a play, a loop runs all its items even when one fails, and the play stops after it.
    """
    for kind, run, wanted in (('application', emulator.application,
                               lambda entry: entry.get('state', 'present') == 'present'),
                              ('quota', emulator.quota, lambda entry: entry.get('quota') is not None)):
        failed = False
        for index, entry in enumerate(services):
            if not wanted(entry) or (plan is not None and not plan[index]['%s_pending' % kind]):
                continue
            result, _sent = run(entry, check=False)
            failed = failed or bool(result.get('failed'))
        if failed:
            return True
    return False
