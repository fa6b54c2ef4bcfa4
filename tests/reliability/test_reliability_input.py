# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""4. Hostile and malformed input, generated with hypothesis, for every option of every module.

Each value either is accepted and round-trips (what the API stores and the module returns equals
what was given, after the documented normalisation, and a second run changes nothing), or is
refused before any request with a message naming the option. Three exceptions, each narrow: a
reference that only a lookup can judge (an app, a service alias) may be refused after read-only
requests, naming the option; a credential, an id or an endpoint may be refused by the API itself
(an error with status and request id, no write); and the transport settings (``timeout``,
``retries``, ``retry_max_delay``) may make the run fail cleanly. A crash (an exception escaping the
module, a traceback in a real run) never passes.

The modules run in this process (``patch_module_args``) against the in-process emulator: fast
enough for a few thousand runs. Values are drawn deterministically (``derandomize``), after a fixed
list of boundary cases per option. The connection options are shared by a resource module and its
info module (the same code): they are exercised through the resource modules.
"""

from __future__ import annotations

import datetime
import hashlib

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from emulator import seed as S
from emulator.core import default_seed
from reliability_support import (
    APP_IDS,
    OPEN_BUGS,
    SERVICE_IDS,
    acedata_connection,
    apig_connection,
    duplicate_count,
    known_bug,
    run_module,
)

# ---------------------------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------------------------
SPECIAL_TEXT = ['', ' ', '\x00', 'a\x00b', 'line\nbreak', 'trailing\n', 'tab\tbed', 'crlf\r\n', '\x1b[31mred', '\x7f',
                'ü', '名字', '配额', '😀', '\u202eevil', 'x' * 255, 'x' * 256, 'y' * 5000, '<b>', '"quoted"', "'single'",
                '../../etc/passwd', '%00%0a', '{{ 7 * 7 }}', '${jndi:x}', 'null', 'true', '0', '-1', ' padded ']
TEXT = st.one_of(st.text(max_size=30), st.text(st.characters(codec='ascii'), max_size=30),
                 st.text(min_size=240, max_size=270), st.sampled_from(SPECIAL_TEXT))
WRONG_TYPES = st.one_of(st.integers(-2 ** 40, 2 ** 40), st.floats(), st.booleans(),
                        st.lists(st.text(max_size=4), max_size=3), st.dictionaries(st.text(max_size=4), st.integers(), max_size=2))
HOSTILE = st.one_of(TEXT, WRONG_TYPES)
# A no_log value is masked wherever it appears in the module's output, so a one-character secret
# turns every "4" of "HTTP 401" into "********": secrets are drawn at least 6 characters long.
SECRETS = st.one_of(st.text(min_size=6, max_size=40), st.text(st.characters(codec='ascii'), min_size=6, max_size=40),
                    st.text(min_size=250, max_size=300), st.integers(10 ** 6, 10 ** 9), st.lists(st.text(min_size=6, max_size=8), min_size=1, max_size=2))
BOUNDARY_INTS = [0, 1, -1, 2, 2147483647, 2147483648, -2147483648, 2 ** 63, '12', ' 7', '0x10', '1e3', '1.0', '', 'ten',
                 1.0, 1.5, -0.0, float('inf'), float('nan'), True, False]
INTEGERS = st.one_of(st.integers(), st.integers(-3, 3), st.sampled_from(BOUNDARY_INTS), WRONG_TYPES)
BOOLEANS = st.one_of(st.booleans(), st.sampled_from(['yes', 'no', 'on', 'off', '1', '0', 'True', 'maybe', '']), WRONG_TYPES)
NUMBERS = st.one_of(st.floats(), st.integers(-5, 100), st.sampled_from([0, -1, 0.001, 1e9, 'nan', 'inf', '-1', '1.5', 'soon']),
                    WRONG_TYPES)
JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | TEXT,
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3), max_leaves=8)
ZONES = st.sampled_from(['', 'Z', '+00:00', '+08:00', '-05:30', '+0530', '+14:00', '-12:00'])
DATES = st.datetimes(min_value=datetime.datetime(1, 1, 1), max_value=datetime.datetime(9999, 12, 31, 23, 59, 59))
# The emulator writes years before 1000 without their leading zeros (strftime's %Y), which the
# module then cannot read back: expiry dates start in 1000 here (see the report).
EXPIRY_DATES = st.datetimes(min_value=datetime.datetime(1000, 1, 1), max_value=datetime.datetime(9999, 12, 31, 23, 59, 59))
ISO_TIMES = st.builds(lambda moment, sep, digits, zone: moment.isoformat(sep=sep, timespec=digits) + zone, EXPIRY_DATES,
                      st.sampled_from(['T', ' ']), st.sampled_from(['seconds', 'minutes', 'milliseconds', 'microseconds']), ZONES)
QUOTA_NAMES = st.from_regex(r'[A-Za-z\u4e00-\u9fa5][A-Za-z0-9_\u4e00-\u9fa5]{2,40}', fullmatch=True)
# No '://' in a hostile endpoint, and no empty one (the real cloud endpoint), so that nothing can
# leave this machine.
ENDPOINT_TEXT = TEXT.filter(lambda value: value and '://' not in value)

APIG_APPS = ['consumer_app_a', 'consumer_app_b', APP_IDS['consumer_app_c'], APP_IDS['consumer_app_ab'].upper()]
TEMPORARY = {'access': 'RELIABTEMPORARYAK001', 'secret': 'reliab-temporary-secret-key-0001', 'token': 'reliab-security-token-0001'}
SEED = default_seed()
SEED['iam']['security_tokens'] = [TEMPORARY]
SEED['apig']['quotas'] = [{'name': name, 'call_limits': 3, 'time_unit': 'HOUR', 'time_interval': 2}
                          for name in ('info_quota', 'info_quota_two', '配额_info')]


# ---------------------------------------------------------------------------------------------
# What "round-trips" means, option by option
# ---------------------------------------------------------------------------------------------
def only_quota(state, result):
    quotas = [quota for quota in state['apig']['quotas'] if quota['name'] == result['app_quota']['name']]
    assert len(quotas) == 1, quotas
    return quotas[0]


def quota_field(key):
    def check(given, state, result):
        assert only_quota(state, result)[key] == given == result['app_quota'][key], (key, given)
    return check


def quota_apps(given, state, result):
    quota = only_quota(state, result)
    apps = dict((app['id'], app['name']) for app in state['apig']['apps'])
    bound = set(quota['app_ids'])
    wanted = set(ref.lower() if ref.lower() in apps else next(i for i, n in apps.items() if n == ref) for ref in given)
    assert bound == wanted and len(result['app_quota']['bound_apps']) == len(wanted), (given, bound)


def quota_apps_kept(given, state, result):
    quota_apps(['consumer_app_a'], state, result)


def quota_state(given, state, result):
    assert bool([q for q in state['apig']['quotas'] if q['name'] == 'hyp_quota']) is (given == 'present')


def quota_created(given, state, result):
    """For options that only steer the run (credentials, endpoints, transport): the quota is there."""
    assert only_quota(state, result)['call_limits'] == 10


def quota_info_name(given, state, result):
    """Exactly the quota of that name; an empty name is no filter (every quota)."""
    assert sorted(q['name'] for q in result['app_quotas']) == sorted(
        q['name'] for q in state['apig']['quotas'] if q['name'] == given or not given)


def only_record(kind, returned):
    """The Ace Data Cloud emulator's one record of ``kind`` (its state holds no other), the one the
    module returned as ``result[returned]``."""
    def only(state, result):
        records = state['acedata'][kind]
        assert len(records) == 1 and records[0]['id'] == result[returned]['id'], records
        return records[0]
    return only


def record_field(only, key, normalise=lambda value: value):
    """The field ``key`` of the one record, as given (both normalised)."""
    def check(given, state, result):
        assert normalise(only(state, result)[key]) == normalise(given), (key, given)
    return check


only_application = only_record('applications', 'application')


def application_field(key, normalise=lambda value: value):
    return record_field(only_application, key, normalise)


def application_service(given, state, result):
    service = only_application(state, result)['service']
    assert given in (service['alias'], service['id']) or given.lower() == service['id'], (given, service)


def application_created(given, state, result):
    only_application(state, result)


def instant(value):
    from ansible_collections.apiops.provisioning.plugins.module_utils.acedata import parse_time
    return parse_time(value)


def revealed(given, state, result):
    tokens = [credential['token'] for credential in result['application']['credentials']]
    stored = [credential['token'] for credential in only_application(state, result)['credentials']]
    assert tokens == stored if given else all(token.startswith('*' * 8) and token[-4:] in ''.join(stored) for token in tokens)


def listed_applications(key):
    def check(given, state, result):
        for app in result['applications']:
            assert given in (app[key], (app.get('service') or {}).get('alias')), (given, app)
    return check


# ---------------------------------------------------------------------------------------------
# The options
# ---------------------------------------------------------------------------------------------
class Option:
    """How to exercise one option: its values, the run it goes into, and what a pass is."""

    def __init__(self, module, name, strategy, check, explicit=(), base=None, judged_by=None, examples=40):
        self.module, self.name, self.strategy, self.check = module, name, strategy, check
        self.explicit = list(explicit)
        self.base = base or BASES[module]
        self.judged_by = judged_by  # a key of ALLOWED: who, besides the module, may refuse the value
        self.examples = examples

    @property
    def id(self):
        return '%s.%s' % (self.module, self.name)


def apig_base(url, **changes):
    args = dict(apig_connection(url), name='hyp_quota', call_limits=10, time_unit='DAY', time_interval=1)
    args.update(changes)
    return dict((key, value) for key, value in args.items() if value is not None)


def token_base(url):
    return apig_base(url, access_key=None, secret_key=None)


def password_base(url):
    return apig_base(url, access_key=None, secret_key=None, user=S.USER_NAME, password=S.USER_PASSWORD, domain=S.DOMAIN_NAME)


def temporary_base(url):
    return apig_base(url, access_key=TEMPORARY['access'], secret_key=TEMPORARY['secret'], security_token=TEMPORARY['token'])


BASES = {
    'apig_app_quota': apig_base,
    'apig_app_quota_info': apig_connection,
    'acedata_application': lambda url: dict(acedata_connection(url), service='midjourney'),
    'acedata_application_info': acedata_connection,
}


def connection(module, check):
    """The connection options of one API, exercised through ``module``."""
    apig = module.startswith('apig')
    options = [
        Option(module, 'validate_certs', BOOLEANS, check, [True, False, 'no'], examples=15),
        Option(module, 'timeout', NUMBERS, check, [0, -1, 0.5, float('nan'), float('inf'), 1e-9], judged_by='transport', examples=20),
        Option(module, 'retries', INTEGERS, check, [0, -1, 2147483648], judged_by='transport', examples=15),
        Option(module, 'retry_max_delay', NUMBERS, check, [0, -1, float('nan'), float('inf')], judged_by='transport', examples=15),
    ]
    if not apig:
        return options + [
            Option(module, 'api_token', SECRETS, check, [S.ACEDATA_TOKEN, '', ' ', 'tok\nen', '令牌', 'Bearer x'], judged_by='api'),
            Option(module, 'api_url', st.one_of(ENDPOINT_TEXT, WRONG_TYPES, st.sampled_from(['/x', '/api/v1', '?a=b', '#f', '/../'])),
                   check, ['not a url', 'ftp:/x', ' '], judged_by='api', examples=25),
        ]
    return options + [
        Option(module, 'region', HOSTILE, check, [S.REGION, 'cn-north-1', '', '区域'], base=lambda url: apig_base(url, project_id=None),
               judged_by='lookup', examples=25),
        Option(module, 'project_id', HOSTILE, check, [S.PROJECT_ID, '', '/../', 'ü', '项目'], judged_by='api', examples=25),
        Option(module, 'instance_id', HOSTILE, check, [S.INSTANCE_ID, '', '../apps', '实例'], judged_by='api', examples=25),
        Option(module, 'access_key', HOSTILE, check, [S.ACCESS_KEY, '', 'AK with space', '密钥'], judged_by='api', examples=25),
        Option(module, 'secret_key', SECRETS, check, [S.SECRET_KEY, '', '密钥', '\x00'], judged_by='api', examples=25),
        Option(module, 'security_token', SECRETS, check, [TEMPORARY['token'], '', 'tok\nen', '令牌'], base=temporary_base,
               judged_by='api', examples=25),
        Option(module, 'auth_token', SECRETS, check, ['', 'x' * 5000, 'tok\nen', '令牌'], base=token_base, judged_by='api', examples=25),
        Option(module, 'user', HOSTILE, check, [S.USER_NAME, '', '用户'], base=password_base, judged_by='api', examples=25),
        Option(module, 'password', SECRETS, check, [S.USER_PASSWORD, '', '\x00', '密码'], base=password_base, judged_by='api', examples=25),
        Option(module, 'domain', HOSTILE, check, [S.DOMAIN_NAME, '', '域'], base=password_base, judged_by='api', examples=25),
        Option(module, 'apig_endpoint', st.one_of(ENDPOINT_TEXT, WRONG_TYPES, st.sampled_from(['/x', '?a=b', '#f'])), check,
               ['not a url', ' '], judged_by='api', examples=25),
        Option(module, 'iam_endpoint', st.one_of(ENDPOINT_TEXT, WRONG_TYPES, st.sampled_from(['/x', '?a=b'])), check,
               ['not a url', ' '], base=password_base, judged_by='api', examples=25),
    ]


RESET_TIMES = st.builds(lambda moment: moment.strftime('%Y-%m-%d %H:%M:%S'), DATES)
OPTIONS = [
    Option('apig_app_quota', 'name', st.one_of(QUOTA_NAMES, HOSTILE), quota_field('name'),
           ['abc', 'ab', 'a' * 255, 'a' * 256, '1abc', '_abc', 'abc-d', '配额名', 'abc\n', 'ab\x00c']),
    Option('apig_app_quota', 'call_limits', INTEGERS, quota_field('call_limits'), BOUNDARY_INTS),
    Option('apig_app_quota', 'time_interval', INTEGERS, quota_field('time_interval'), BOUNDARY_INTS),
    Option('apig_app_quota', 'time_unit', st.one_of(st.sampled_from(['SECOND', 'MINUTE', 'HOUR', 'DAY', 'day', 'WEEK', ' DAY']), HOSTILE),
           quota_field('time_unit'), ['SECOND', 'day', '']),
    Option('apig_app_quota', 'reset_time', st.one_of(RESET_TIMES, HOSTILE), quota_field('reset_time'),
           ['2026-12-01 00:00:00', '2026-02-30 00:00:00', '2026-12-01T00:00:00', '2026-12-01 00:00:00 +0000 +0000',
            '0001-01-01 00:00:00', '9999-12-31 23:59:59', '2026-12-01 24:00:00', '2026-12-01 00:00:00\n']),
    Option('apig_app_quota', 'remark', HOSTILE, quota_field('remark'), SPECIAL_TEXT),
    Option('apig_app_quota', 'apps', st.one_of(st.lists(st.one_of(st.sampled_from(APIG_APPS + ['', ' ']), TEXT), max_size=4), HOSTILE),
           quota_apps, [[], [''], ['consumer_app_a', 'consumer_app_a'], ['consumer_app_a,consumer_app_b'], 'consumer_app_a,consumer_app_b',
                        [APP_IDS['consumer_app_b'].upper()], ['consumer_app'], ['ghost_app'], ['a' * 65]], judged_by='lookup'),
    Option('apig_app_quota', 'purge_apps', BOOLEANS, quota_apps_kept, [True, False, 'yes', 'maybe'],
           base=lambda url: apig_base(url, apps=['consumer_app_a']), examples=20),
    Option('apig_app_quota', 'state', st.one_of(st.sampled_from(['present', 'absent', 'Present', 'ABSENT']), HOSTILE), quota_state,
           ['present', 'absent', ''], examples=20),
    Option('apig_app_quota_info', 'name', st.one_of(st.sampled_from(['info_quota', '配额_info', 'info', 'quota']), HOSTILE),
           quota_info_name, ['info_quota', '', '\x00', '%', '配额_info']),
    Option('acedata_application', 'service',
           st.one_of(st.sampled_from(['midjourney', 'suno', 'MIDJOURNEY', 'midjourney-fast', SERVICE_IDS['suno'], SERVICE_IDS['suno'].upper(),
                                      'ghost-service']), st.uuids().map(str), HOSTILE),
           application_service, ['midjourney', SERVICE_IDS['openai'].upper(), '', 'mid journey', '../services', 'ghost'],
           judged_by='reference'),
    Option('acedata_application', 'type', st.one_of(st.sampled_from(['Usage', 'Period', 'usage', 'PERIOD']), HOSTILE), application_field('type'),
           ['Usage', 'Period', 'usage', ''], examples=20),
    Option('acedata_application', 'scope', st.one_of(st.sampled_from(['Individual', 'Global', 'global']), HOSTILE), application_field('scope'),
           ['Individual', 'Global', ''], examples=20),
    Option('acedata_application', 'allow_consume_global', BOOLEANS, application_field('allow_consume_global'), [True, False, 'no', 'maybe'],
           examples=20),
    Option('acedata_application', 'tags', st.one_of(st.lists(TEXT, max_size=4), HOSTILE), application_field('tags', sorted),
           [[], [''], [' '], ['a' * 255], ['a' * 256], ['x', 'x'], ['tab\t', 'nul\x00', '名字'], 'a,b']),
    Option('acedata_application', 'metadata', st.one_of(st.dictionaries(TEXT, JSON_VALUES, max_size=4), HOSTILE,
                                                        st.sampled_from(['a=1 b=2', '{"x": 1}', 'not a dict'])),
           application_field('metadata', lambda value: value or {}), [{}, {'k': None}, {'': ''}, {'big': 2 ** 70}, {'nested': [{'a': [1.5]}]}]),
    Option('acedata_application', 'expired_at', st.one_of(ISO_TIMES, HOSTILE), application_field('expired_at', instant),
           ['2027-01-31T00:00:00Z', '2027-01-31', '2027-01-31 08:00:00+08:00', '2027-01-31T00:00:00.123456789Z', '2027-02-30T00:00:00Z',
            '2027-01-31T00:00:00+2400', '2027-01-31T00:00:00+05:99', '1000-01-01T00:00:00Z', '9999-12-31T23:59:59Z',
            '2027-01-31T00:00:00Z\n']),
    Option('acedata_application', 'reveal_credentials', BOOLEANS, revealed, [True, False, 'maybe'], examples=15),
    Option('acedata_application', 'state', st.one_of(st.just('present'), HOSTILE), application_created, ['present', 'absent'],
           examples=15),
    Option('acedata_application_info', 'service', st.one_of(st.sampled_from(['midjourney', 'suno', SERVICE_IDS['suno']]), HOSTILE),
           listed_applications('service_id'), ['midjourney', '', 'ghost'], judged_by='lookup', examples=25),
    Option('acedata_application_info', 'type', st.one_of(st.sampled_from(['Usage', 'Period', 'usage']), HOSTILE), listed_applications('type'),
           ['Usage', 'usage'], examples=20),
    Option('acedata_application_info', 'scope', st.one_of(st.sampled_from(['Individual', 'Global']), HOSTILE), listed_applications('scope'),
           ['Global', 'global'], examples=20),
    Option('acedata_application_info', 'reveal_credentials', BOOLEANS, lambda given, state, result: None, [True, 'maybe'], examples=15),
] + connection('apig_app_quota', quota_created) + connection('acedata_application', application_created)
RESOURCE_MODULES = ('apig_app_quota', 'acedata_application')


# -- apig_app: its resource options (the connection options are those of apig_app_quota, exercised there) --
def app_base(url, **changes):
    args = dict(apig_connection(url), name='hyp_app')
    args.update(changes)
    return args


def only_app(state, result):
    apps = [app for app in state['apig']['apps'] if app['name'] == result['app']['name']]
    assert len(apps) == 1, apps
    return apps[0]


def app_field(key, absent=None):
    def check(given, state, result):
        assert only_app(state, result)[key] == (absent if given is None else given) == result['app'][key], (key, given)
    return check


def app_exists(given, state, result):
    assert only_app(state, result)['id'] == result['app']['id']


def app_state(given, state, result):
    assert bool([app for app in state['apig']['apps'] if app['name'] == 'hyp_app']) is (given == 'present')


def app_secret_set(given, state, result):
    given = '%s' % (given,)  # as Ansible's str option made it
    app = only_app(state, result)
    assert state['apig']['app_secrets'][app['id']] == hashlib.sha256(given.encode('utf-8')).hexdigest()[:16], given
    assert result['app']['app_secret'] == '*' * 8 + given[-4:]


def app_authorized(given, state, result):
    """The APIs given (by id or name), each once, are those authorized in RELEASE."""
    apis = dict((api['id'], api['name']) for api in state['apig']['apis'])
    wanted = sorted(set(apis.get(ref, ref) for ref in given))
    app = only_app(state, result)
    assert sorted(a['api_name'] for a in state['apig']['auths'] if a['app_id'] == app['id']) == wanted, (given, wanted)
    assert sorted(a['name'] for a in result['app']['authorized_apis']) == wanted


def app_environment(given, state, result):
    envs = dict((env['id'], env['name']) for env in state['apig']['envs'])
    env_id = given if given in envs else next(i for i, n in envs.items() if n == (given or 'RELEASE'))
    assert [a['env_id'] for a in state['apig']['auths']] == [env_id], (given, state['apig']['auths'])


def app_revealed(given, state, result):
    app = only_app(state, result)
    shown = result['app']['app_secret']
    hashed = hashlib.sha256(shown.encode('utf-8')).hexdigest()[:16]
    assert (hashed == state['apig']['app_secrets'][app['id']]) is bool(given) and (given or shown.startswith('*' * 8)), shown


BASES['apig_app'] = app_base
APP_NAMES = st.from_regex(r'[A-Za-z\u4e00-\u9fa5][A-Za-z0-9_\u4e00-\u9fa5]{2,40}', fullmatch=True)
APP_SECRET_VALUES = st.one_of(st.from_regex(r'[A-Za-z0-9][A-Za-z0-9_!@#$%-]{7,40}', fullmatch=True), SECRETS)
SEED_APIS = ['mj_imagine', 'mj_fetch', 'suno_generate', 'suno_draft']
OPTIONS += [
    Option('apig_app', 'name', st.one_of(APP_NAMES, HOSTILE), app_field('name'),
           ['abc', 'ab', 'a' * 64, 'a' * 65, '1abc', '_abc', 'app-demo', '应用名', 'abc\n', 'ab\x00c', 'consumer_app_a'],
           judged_by='lookup'),  # an existing app's own name is accepted (docs/fidelity.md A8): the create rule after the lookup
    Option('apig_app', 'remark', HOSTILE, app_field('remark', ''), SPECIAL_TEXT),
    Option('apig_app', 'app_key', st.one_of(st.from_regex(r'[A-Za-z0-9][A-Za-z0-9_-]{7,40}', fullmatch=True), HOSTILE),
           app_field('app_key'), ['key_1234', 'short', 'k' * 200, 'k' * 201, '-key_1234', 'key 1234', '密钥密钥密钥密钥']),
    Option('apig_app', 'app_secret', APP_SECRET_VALUES, app_secret_set,
           ['Secret_1', 'short', 's' * 128, 's' * 129, '-secret_1', 'secret 12', 'secret*12', '密钥密钥密钥密钥']),
    Option('apig_app', 'update_secret', st.one_of(st.sampled_from(['on_create', 'always', 'ALWAYS', 'never']), HOSTILE), app_exists,
           ['on_create', 'always', ''], examples=20),
    Option('apig_app', 'apis', st.one_of(st.lists(st.one_of(st.sampled_from(SEED_APIS + ['', ' ']), TEXT), max_size=4), HOSTILE),
           app_authorized, [[], [''], ['mj_imagine', 'mj_imagine'], ['mj_imagine,mj_fetch'], 'mj_imagine,mj_fetch', ['MJ_IMAGINE'],
                            ['mj'], ['suno_draft'], ['a' * 256]], judged_by='lookup'),
    Option('apig_app', 'environment', st.one_of(st.sampled_from(['RELEASE', 'TEST', 'DEFAULT_ENVIRONMENT_RELEASE_ID', 'release',
                                                                 'PROD']), HOSTILE),
           app_environment, ['RELEASE', 'TEST', 'DEFAULT_ENVIRONMENT_RELEASE_ID', '', ' ', 'release'],
           base=lambda url: app_base(url, apis=['mj_imagine']), judged_by='lookup'),
    Option('apig_app', 'purge_apis', BOOLEANS, lambda given, state, result: app_authorized(['mj_imagine'], state, result),
           [True, False, 'yes', 'maybe'], base=lambda url: app_base(url, apis=['mj_imagine']), examples=20),
    Option('apig_app', 'reveal_secret', BOOLEANS, app_revealed, [True, False, 'maybe'], examples=15),
    Option('apig_app', 'state', st.one_of(st.sampled_from(['present', 'absent', 'Present', 'ABSENT']), HOSTILE), app_state,
           ['present', 'absent', ''], examples=20),
]
RESOURCE_MODULES += ('apig_app',)


# -- acedata_credential: its resource options (the connection options are acedata_application's, exercised there) --
KEY_APP = '7d1f0b9e-3c52-4a8e-9f61-2b4c8d0e5a17'  # the application of the key, seeded for each run (midjourney, Usage)


def key_base(url, **changes):
    args = dict(acedata_connection(url), service='midjourney', name='hyp_key')
    args.update(changes)
    return dict((key, value) for key, value in args.items() if value is not None)


only_key = only_record('credentials', 'credential')


def key_field(key, normalise=lambda value: value):
    return record_field(only_key, key, normalise)


def key_amount(value):
    return None if value is None else float(value)


def key_api_ids(value):
    return sorted(set(('%s' % item).lower() for item in value)) if value else None


def key_application(given, state, result):
    assert only_key(state, result)['application_id'] == KEY_APP, given


def key_cleared(given, state, result):
    key = only_key(state, result)
    assert all(key[name] is None for name in given or []), (given, key)


def key_revealed(given, state, result):
    stored, shown = only_key(state, result)['token'], result['credential']['token']
    assert shown == stored if given else shown == '*' * 8 + stored[-4:], shown


def key_state(given, state, result):
    assert bool([cred for cred in state['acedata']['credentials'] if cred['name'] == 'hyp_key']) is (given == 'present')


API_IDS = st.one_of(st.lists(st.one_of(st.uuids().map(str), st.uuids().map(lambda value: str(value).upper()), TEXT), max_size=4), HOSTILE)
BASES['acedata_credential'] = key_base
OPTIONS += [
    Option('acedata_credential', 'application_id', st.one_of(st.sampled_from([KEY_APP, KEY_APP.upper()]), st.uuids().map(str), HOSTILE),
           key_application, [KEY_APP, KEY_APP.upper(), '', ' ', KEY_APP[:-1], KEY_APP + '\n', '../applications'],
           base=lambda url: key_base(url, service=None), judged_by='lookup'),
    Option('acedata_credential', 'service', st.one_of(st.sampled_from(['midjourney', 'MIDJOURNEY', 'suno', SERVICE_IDS['midjourney'],
                                                                       SERVICE_IDS['midjourney'].upper()]), st.uuids().map(str), HOSTILE),
           key_application, ['midjourney', SERVICE_IDS['midjourney'].upper(), '', 'ghost', '../services'], judged_by='lookup'),
    Option('acedata_credential', 'type', st.one_of(st.sampled_from(['Usage', 'Period', 'usage']), HOSTILE), key_application,
           ['Usage', 'Period', 'usage', ''], judged_by='lookup', examples=20),
    Option('acedata_credential', 'scope', st.one_of(st.sampled_from(['Individual', 'Global', 'global']), HOSTILE), key_application,
           ['Individual', 'Global', ''], judged_by='lookup', examples=20),
    Option('acedata_credential', 'name', st.one_of(TEXT, HOSTILE), key_field('name'), SPECIAL_TEXT),
    Option('acedata_credential', 'limited_amount', NUMBERS, key_field('limited_amount', key_amount),
           [0, 0.5, -1, -0.0, 1e308, float('nan'), float('inf'), '12', 'ten', True]),
    Option('acedata_credential', 'expired_at', st.one_of(ISO_TIMES, HOSTILE), key_field('expired_at', instant),
           ['2027-01-31T00:00:00Z', '2027-01-31', '2027-02-30T00:00:00Z', '1000-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '']),
    Option('acedata_credential', 'allowed_api_ids', API_IDS, key_field('allowed_api_ids', key_api_ids),
           [[], [''], [KEY_APP, KEY_APP.upper()], [KEY_APP + ',' + KEY_APP], KEY_APP, ['not-a-uuid']]),
    Option('acedata_credential', 'clear', st.one_of(st.lists(st.sampled_from(['limited_amount', 'expired_at', 'allowed_api_ids', 'token', '']),
                                                             max_size=4), HOSTILE),
           key_cleared, [[], ['limited_amount', 'limited_amount'], ['expired_at', 'allowed_api_ids'], 'limited_amount', ['token']]),
    Option('acedata_credential', 'reveal_token', BOOLEANS, key_revealed, [True, False, 'maybe'], examples=15),
    Option('acedata_credential', 'state', st.one_of(st.sampled_from(['present', 'absent', 'ABSENT']), HOSTILE), key_state,
           ['present', 'absent', ''], examples=20),
]
RESOURCE_MODULES += ('acedata_credential',)


# ---------------------------------------------------------------------------------------------
# One run, judged
# ---------------------------------------------------------------------------------------------
def module_main(name):
    import importlib
    return importlib.import_module('ansible_collections.apiops.provisioning.plugins.modules.%s' % name).main


def sent_since(emulator, seq):
    return [entry for entry in emulator.server.emulator.log if entry['seq'] > seq]


def is_write(entry):
    """A request that may change something: not a read, not the IAM token exchange, not a path that does not exist."""
    return entry['method'] != 'GET' and not entry['path'].endswith('/v3/auth/tokens') and entry['status'] != 404


def outcome(option, result, crash, sent):
    """``accepted``, ``refused-early``, ``refused-early-unnamed``, ``refused-after-lookup``,
    ``refused-by-api``, ``write-refused-by-api``, ``failed-after-lookup`` or ``crash``."""
    if crash is not None:
        return 'crash'
    if not result.get('failed'):
        return 'accepted'
    message = result.get('msg') or ''
    if not sent:
        return 'refused-early' if option in message else 'refused-early-unnamed'
    if any(is_write(entry) for entry in sent):
        return 'write-refused-by-api'
    if result.get('status') and result.get('request_id'):
        return 'refused-by-api'
    return 'refused-after-lookup' if option in message else 'failed-after-lookup'


ALLOWED = {
    None: {'accepted', 'refused-early'},
    'lookup': {'accepted', 'refused-early', 'refused-after-lookup', 'refused-by-api'},
    # A service UUID costs no lookup (documented): an unknown one is refused by the create itself.
    'reference': {'accepted', 'refused-early', 'refused-after-lookup', 'refused-by-api', 'write-refused-by-api'},
    'api': {'accepted', 'refused-early', 'refused-by-api', 'refused-after-lookup'},
    # A transport setting can only be found too tight by sending: a read timeout's message names the
    # timeout itself ("read timeout=1e-09"), and whether the emulator logged the request first
    # depends on timing, so both after-lookup outcomes are allowed.
    'transport': {'accepted', 'refused-early', 'refused-by-api', 'failed-after-lookup', 'refused-after-lookup'},
}


def crashed_in(crash, path):
    """True when the innermost frame of ``crash`` that belongs to a module_utils file is in ``path``."""
    import traceback
    frames = [frame.filename for frame in traceback.extract_tb(crash.__traceback__) if 'module_utils' in frame.filename]
    return bool(frames) and path in frames[-1]


def open_bug_behind(option, value, kind, result, crash):
    """The open bug that explains a failed check of this value, if one does (each narrowly)."""
    message = (result or {}).get('msg') or ''
    candidates = {
        'U1': kind == 'crash' and isinstance(crash, OverflowError) and crashed_in(crash, 'common/validation.py'),
        'B1': option.name == 'timeout' and kind == 'crash' and isinstance(crash, (ValueError, OverflowError)),
        'B4': kind == 'crash' and isinstance(crash, UnicodeEncodeError),
        'B5': kind in ('refused-early-unnamed', 'failed-after-lookup') and (
            'a request header has an invalid value' in message or 'failed: Invalid' in message or 'failed: Missing' in message),
        'B8': option.name == 'expired_at' and kind == 'crash' and isinstance(crash, OverflowError),
        'B9': option.name in ('call_limits', 'time_interval') and isinstance(value, bool) and kind == 'write-refused-by-api',
        'B10': option.name == 'expired_at' and kind == 'write-refused-by-api' and 'expired_at: Datetime has wrong format' in message,
    }
    return next((bug for bug, applies in candidates.items() if applies and bug in OPEN_BUGS), None)


def timed_out(option, result):
    """True when a transport setting failed the run by a read timeout the message reports."""
    message = (result or {}).get('msg') or ''
    return option.judged_by == 'transport' and option.name == 'timeout' and 'Read timed out' in message


def converges_after(emulator, main, args, option, unchanged=False):
    """Run again without ``option`` (its default): None when that run ends as asked, leaves no
    duplicate and, with ``unchanged``, writes nothing; else the problem."""
    sane = dict((key, value) for key, value in args.items() if key != option.name)
    seq = emulator.server.emulator.seq
    result, crash = run_module(main, sane)
    writes = [entry for entry in sent_since(emulator, seq) if is_write(entry)]
    if crash or result.get('failed'):
        return 'after a timeout, a run with the default timeout fails: %r %s' % (crash, result.get('msg'))
    if duplicate_count(emulator.state()):
        return 'after a timeout, a run with the default timeout leaves duplicates'
    if unchanged and (result.get('changed') or writes):
        return 'after a timed-out no-op run, a run with the default timeout writes: %s' % writes
    return None


def exercise(emulator, option, value):
    """Run the module with ``option`` set to ``value`` on a fresh emulator; returns the problem, or
    None when the value was handled as promised. A second run checks that an accepted value is stable."""
    emulator.reset(SEED)
    args = dict(option.base(emulator.url))
    args[option.name] = value
    if option.name.endswith(('_endpoint', '_url')) and isinstance(value, str) and value[:1] in ('/', '?', '#'):
        args[option.name] = emulator.url + value  # the emulator, with a hostile path, query or fragment
    if option.name == 'state' and option.module == 'apig_app_quota':
        emulator.seed({'apig': {'quotas': [{'name': 'hyp_quota', 'call_limits': 10, 'time_unit': 'DAY', 'time_interval': 1}]}})
    if option.module == 'acedata_credential':
        emulator.seed({'acedata': {'applications': [{'id': KEY_APP, 'service_id': SERVICE_IDS['midjourney'], 'credentials': []}]}})
        if option.name == 'state':
            emulator.seed({'acedata': {'credentials': [{'application_id': KEY_APP, 'name': 'hyp_key'}]}})
    if option.module == 'acedata_application_info':
        emulator.seed({'acedata': {'applications': [{'service_id': SERVICE_IDS['midjourney']},
                                                    {'service_id': SERVICE_IDS['suno'], 'type': 'Period'}, {'scope': 'Global'}]}})
    seq = emulator.server.emulator.seq
    main = module_main(option.module)
    result, crash = run_module(main, args)
    sent = sent_since(emulator, seq)
    kind = outcome(option.name, result, crash, sent)
    problem = None
    if timed_out(option, result):
        # Too tight a timeout may cut off any request, a write's or the read after it: a clean
        # failure that says so, and a run with the default timeout after it converges.
        return converges_after(emulator, main, args, option), None
    if kind not in ALLOWED[option.judged_by]:
        problem = '%s: %s' % (kind, repr(crash) if crash else result.get('msg'))
    elif kind == 'refused-by-api' and not ('HTTP %s' % result.get('status') in result['msg'] and result['request_id'] in result['msg']):
        problem = 'API refusal without its status and request id: %s' % result['msg']
    elif kind in ('refused-early', 'refused-after-lookup') and option.name not in result['msg']:
        problem = 'the message does not name %s: %s' % (option.name, result['msg'])
    elif kind == 'accepted':
        given = result.get('invocation', {}).get('module_args', {}).get(option.name, value)
        if given == 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER':  # a secret the module took: judged by what was given
            given = value
        state = emulator.state()
        try:
            option.check(given, state, result)
        except AssertionError as exc:  # pragma: no cover - reported below
            problem = 'accepted but does not round-trip: %s' % (exc,)
        if problem is None and option.module in RESOURCE_MODULES:
            seq = emulator.server.emulator.seq
            again, crash = run_module(main, args)
            writes = [entry for entry in sent_since(emulator, seq) if is_write(entry)]
            if timed_out(option, again) and not writes:
                problem = converges_after(emulator, main, args, option, unchanged=True)
            elif crash or again.get('failed') or again.get('changed') or writes:
                problem = 'a second run is not a no-op: %r %s %s' % (crash, again.get('msg'), writes)
    if problem:
        return problem, open_bug_behind(option, value, kind, result, crash)
    return None, None


@pytest.mark.parametrize('option', OPTIONS, ids=lambda option: option.id)
def test_hostile_values(option, emulator, in_process, ledger):  # pylint: disable=unused-argument
    row = ledger.row(4, '`%s` option `%s`' % (option.module, option.name), 'APIG' if option.module.startswith('apig') else 'Ace Data Cloud')
    problems = []

    def check(value):
        with ledger.attempt(4, row.case, row.api) as attempt:
            problem, bug = exercise(emulator, option, value)
            if problem and bug:
                attempt.known_failure()
            elif problem:
                problems.append((value, problem))

    for value in option.explicit:
        check(value)

    @settings(max_examples=option.examples, derandomize=True, database=None, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large])
    @given(option.strategy)
    def generated(value):
        check(value)

    generated()
    assert not problems, '\n'.join('%r -> %s' % item for item in problems[:10])


# ---------------------------------------------------------------------------------------------
# The open bugs the generated values meet, each pinned by one value
# ---------------------------------------------------------------------------------------------
PINNED = [
    ('B1', 'apig_app_quota', 'timeout', -1),
    ('B4', 'acedata_application', 'api_token', '令牌'),
    ('B4', 'apig_app_quota', 'project_id', '项目'),
    ('B5', 'acedata_application', 'api_url', 'not a url'),
    ('B5', 'apig_app_quota', 'auth_token', 'tok\nen'),
    ('B8', 'acedata_application', 'expired_at', '0001-01-01T00:00:00+01:00'),
    ('B9', 'apig_app_quota', 'call_limits', True),
    ('B10', 'acedata_application', 'expired_at', '2027-01-31T00:00:00+2400'),
]


@pytest.mark.parametrize('bug, module, name, value', [pytest.param(*pin, marks=known_bug(pin[0]), id='%s-%s.%s' % pin[:3])
                                                      for pin in PINNED])
def test_pinned_hostile_value(bug, module, name, value, emulator, in_process, ledger):  # pylint: disable=unused-argument
    option = next(option for option in OPTIONS if (option.module, option.name) == (module, name))
    saved = dict(OPEN_BUGS)
    OPEN_BUGS.clear()  # judge this value strictly
    try:
        with ledger.attempt(4, 'pinned: `%s` %s=%r' % (module, name, value), 'APIG' if module.startswith('apig') else 'Ace Data Cloud'):
            problem, _bug = exercise(emulator, option, value)
            assert problem is None, problem
    finally:
        OPEN_BUGS.update(saved)


def test_every_option_is_exercised():
    """The catalogue covers every option of every module. The info modules share the connection
    options (the same argument spec and code) with their resource module, where they are exercised."""
    from ansible_collections.apiops.provisioning.plugins.module_utils import acedata, huaweicloud
    from ansible_collections.apiops.provisioning.plugins.modules import (
        acedata_application,
        acedata_application_info,
        acedata_credential,
        apig_app,
        apig_app_quota,
    )

    declared = {
        'apig_app_quota': set(huaweicloud.CONNECTION_ARGSPEC) | set(apig_app_quota.QUOTA_ITEM_ARGSPEC),
        'apig_app_quota_info': {'name'},
        'acedata_application': set(acedata.CONNECTION_ARGSPEC) | set(acedata_application.APPLICATION_ITEM_ARGSPEC)
        | set(acedata_application.APPLICATION_TASK_ARGSPEC),
        'acedata_application_info': set(acedata_application_info.INFO_ARGSPEC),
        # reset_secret is an action (a second run changes again, by design): tests/integration/targets/apig_app
        # (secrets.yml) and the reliability cases of test_reliability_apps.py exercise it.
        'apig_app': (set(apig_app.APP_ITEM_ARGSPEC) | set(apig_app.APP_TASK_ARGSPEC)) - {'reset_secret'},
        # rotate is an action as reset_secret is: tests/integration/targets/acedata_credential and
        # test_reliability_credentials.py exercise it.
        'acedata_credential': (set(acedata_credential.CREDENTIAL_ITEM_ARGSPEC) | set(acedata_credential.CREDENTIAL_TASK_ARGSPEC))
        - {'rotate'},
    }
    for module, names in declared.items():
        covered = set(option.name for option in OPTIONS if option.module == module)
        assert names <= covered, (module, sorted(names - covered))
