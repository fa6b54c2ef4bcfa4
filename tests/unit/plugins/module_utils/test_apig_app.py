# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""APIG apps: option checks, the masked secret, API and environment resolution, authorization answers."""

import pytest

from ansible_collections.apiops.provisioning.plugins.module_utils.apig_app import (
    App,
    Catalog,
    full_secret,
    mask_secret,
    returned_app,
    validate_app_options,
)
from ansible_collections.apiops.provisioning.plugins.module_utils.resource import ValidationError
from ansible_collections.apiops.provisioning.plugins.module_utils.transport import ConfigError

RELEASE_ID = 'DEFAULT_ENVIRONMENT_RELEASE_ID'


class FakeCloud:
    """Answers ``list_all`` from fixed lists."""

    def __init__(self, envs=(), apis=()):
        self.params = {'instance_id': 'inst1'}
        self.lists = {'/envs': list(envs), '/apis': list(apis)}
        self.calls = []

    def list_all(self, suffix, key, query=None):
        self.calls.append(suffix)
        if query and 'env_id' in query:  # the APIs published there: those that say so, and the unlisted one
            return [api for api in self.lists[suffix] if query['env_id'] in api.get('run_env_id', query['env_id'])]
        return self.lists[suffix]


def params(**extra):
    return dict(dict(name='app_one', remark=None, app_key=None, app_secret=None, update_secret='on_create',
                     reset_secret=False, apis=None, environment='RELEASE', purge_apis=False, reveal_secret=False,
                     state='present'), **extra)


@pytest.mark.parametrize('extra, words', [
    (dict(name=''), ['name is required']),
    (dict(name='a b'), ['name']),
    (dict(name='a' * 65), ['name', '64']),
    (dict(remark='r' * 256), ['remark', '255']),
    (dict(remark='<b>'), ['remark', "'<'"]),
    (dict(app_key='short'), ['app_key']),
    (dict(app_secret='-starts-badly'), ['app_secret', 'not shown']),
    (dict(apis=['ok', '']), ['apis[1]']),
    (dict(environment='two words'), ['environment']),
    (dict(purge_apis=True), ['purge_apis needs apis']),
])
def test_bad_options_are_refused_naming_the_option(extra, words):
    with pytest.raises(ValidationError) as error:
        validate_app_options(params(**extra))
    assert [w for w in words if w not in str(error.value)] == []


def test_a_refused_secret_is_never_quoted():
    with pytest.raises(ValidationError) as error:
        validate_app_options(params(app_secret='bad secret value!'))
    assert 'bad secret value' not in str(error.value)


def test_hyphenated_names_of_existing_apps_are_accepted_and_apis_trimmed():
    checked = params(name='app-demo', apis=[' mj_imagine ', 'mj_fetch'])
    validate_app_options(checked)
    assert checked['apis'] == ['mj_imagine', 'mj_fetch']


def test_mask_and_full_secret():
    assert mask_secret('abcdefgh1234') == '********1234'
    assert mask_secret(None) is None
    assert full_secret('abcdefgh') and not full_secret('abc***xyz') and not full_secret(None) and not full_secret('')


def test_returned_app_masks_unless_revealed_and_drops_internal_keys():
    app = {'id': 'x', 'name': 'n', 'app_secret': 'supersecret99', '_secret_new': True,
           'authorized_apis': [{'api_id': 'a1', 'name': 'mj', 'auth_id': 'z'}]}
    returned = returned_app(app, reveal=False)
    assert returned == {'id': 'x', 'name': 'n', 'app_secret': '********et99', 'remark': '',
                        'authorized_apis': [{'api_id': 'a1', 'name': 'mj'}]}
    assert returned_app(app, reveal=True)['app_secret'] == 'supersecret99'


ENVS = [{'id': RELEASE_ID, 'name': 'RELEASE'}, {'id': 'e2', 'name': 'TEST'}]
APIS = [{'id': 'a1', 'name': 'mj_imagine', 'run_env_id': RELEASE_ID + '|e2'},
        {'id': 'a2', 'name': 'mj_fetch', 'run_env_id': RELEASE_ID},
        {'id': 'a3', 'name': 'twin', 'group_name': 'g1'}, {'id': 'a4', 'name': 'twin', 'group_name': 'g2'},
        {'id': 'a5', 'name': 'unlisted_publication'}]


def test_environment_by_name_or_id_and_release_when_unlisted():
    catalog = Catalog(FakeCloud(ENVS, APIS))
    assert catalog.environment('TEST') == {'id': 'e2', 'name': 'TEST'}
    assert catalog.environment('e2') == {'id': 'e2', 'name': 'TEST'}
    assert catalog.environment(None)['id'] == RELEASE_ID
    assert Catalog(FakeCloud([{'id': 'e2', 'name': 'TEST'}])).environment('RELEASE') == {'id': RELEASE_ID, 'name': 'RELEASE'}
    with pytest.raises(ValidationError) as error:
        catalog.environment('PROD')
    assert 'environment' in str(error.value) and 'RELEASE, TEST' in str(error.value)


def test_apis_resolved_once_by_id_or_name_with_clear_errors():
    cloud = FakeCloud(ENVS, APIS)
    catalog = Catalog(cloud)
    release = catalog.environment('RELEASE')
    assert catalog.resolve_apis(['mj_imagine', 'a2', 'mj_imagine', 'unlisted_publication'], release) == [
        {'api_id': 'a1', 'name': 'mj_imagine'}, {'api_id': 'a2', 'name': 'mj_fetch'},
        {'api_id': 'a5', 'name': 'unlisted_publication'}]
    assert catalog.resolve_apis(['a3'], release) == [{'api_id': 'a3', 'name': 'twin'}]
    unpublished = Catalog(FakeCloud(ENVS, APIS + [{'id': 'a6', 'name': 'draft'}]))
    unpublished.lists = None
    unpublished.cloud.list_all = lambda suffix, key, query=None: (
        [api for api in APIS if 'run_env_id' in api] if query else ENVS if suffix == '/envs' else APIS + [{'id': 'a6', 'name': 'draft'}])
    with pytest.raises(ValidationError) as error:
        unpublished.resolve_apis(['draft'], unpublished.environment('RELEASE'))
    assert 'apis[0]' in str(error.value) and 'not published in environment RELEASE' in str(error.value)
    for refs, env, words in ((['mj_imagine', 'ghost'], release, ['apis[1]', 'ghost']),
                             (['twin'], release, ['apis[0]', '2 APIs', 'g1, g2', 'id instead']),
                             (['mj_fetch'], catalog.environment('TEST'), ['apis[0]', 'not published', 'TEST'])):
        with pytest.raises(ValidationError) as error:
            catalog.resolve_apis(refs, env)
        assert [w for w in words if w not in str(error.value)] == []
    # each list read once; the API without run_env_id is looked up among those published in RELEASE
    assert cloud.calls == ['/envs', '/apis', '/apis']


class FakeModule:
    def __init__(self, **extra):
        self.params = params(**extra)
        self.check_mode = False
        self._diff = False
        self.no_log_values = set()


def app_with_env(**extra):
    app = App.__new__(App)
    app.module = FakeModule(**extra)
    app.params = app.module.params
    app.env = {'id': RELEASE_ID, 'name': 'RELEASE'}
    app.reveal = False
    return app


def test_every_failed_pair_of_an_authorization_is_named():
    app = app_with_env()
    answer = {'auths': [
        {'api_id': 'a1', 'auth_result': {'status': 'SUCCESS'}},
        {'api_id': 'a2', 'auth_result': {'status': 'SKIPPED'}},
        {'api_id': 'a3', 'auth_result': {'status': 'FAILED', 'error_code': 'APIG.3002', 'error_msg': 'not published',
                                         'api_name': 'suno_draft'}}]}
    with pytest.raises(ConfigError) as error:
        app._check_pairs(answer, [{'api_id': 'a3', 'name': 'suno_draft'}])
    assert 'suno_draft' in str(error.value) and 'APIG.3002' in str(error.value)
    app._check_pairs({'auths': answer['auths'][:2]}, [])
    app._check_pairs(None, [])  # no body: the reads decide


def test_secret_wanted_only_with_always():
    assert app_with_env(app_secret='Given_secret_1')._secret_wanted({'app_secret': 'other'}) is None
    always = app_with_env(app_secret='Given_secret_1', update_secret='always')
    assert always._secret_wanted({'app_secret': 'other'}) == 'Given_secret_1'
    assert always._secret_wanted({'app_secret': 'Given_secret_1'}) is None
    reset = app_with_env(app_secret='Given_secret_1', update_secret='always', reset_secret=True)
    assert reset._secret_wanted({'app_secret': 'Given_secret_1'}) == 'Given_secret_1'


def test_secrets_read_are_registered_unless_revealed():
    app = app_with_env()
    app._hide({'app_secret': 'whole_secret_1'})
    app._hide({'app_secret': 'abc***xyz'})
    assert app.module.no_log_values == {'whole_secret_1'}
    revealed = app_with_env(reveal_secret=True)
    revealed.reveal = True
    revealed._hide({'app_secret': 'whole_secret_2'})
    assert revealed.module.no_log_values == set()
