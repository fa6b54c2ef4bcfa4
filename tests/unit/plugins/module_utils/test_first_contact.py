# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The messages a new user meets first: missing and refused credentials, an unreachable endpoint,
an unknown service alias, options read from the environment, and no userinfo in any message."""

import json

import pytest
import requests
from urllib3.exceptions import MaxRetryError, NewConnectionError

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.apiops.provisioning.plugins.module_utils import acedata, huaweicloud
from ansible_collections.apiops.provisioning.plugins.module_utils.acedata import AceData, validate_common_options
from ansible_collections.apiops.provisioning.plugins.module_utils.huaweicloud import AuthConfigError, HuaweiCloud
from ansible_collections.apiops.provisioning.plugins.module_utils.resource import ValidationError
from ansible_collections.apiops.provisioning.plugins.module_utils.transport import (
    ApiError,
    ConfigError,
    Transport,
    check_connection_options,
    redact_userinfo,
)
from ansible_collections.apiops.provisioning.tests.unit.plugins.module_utils.fakes import FakeResponse, FakeSession

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core before 2.19
    patch_module_args = None

TOKEN = 'platform-v1-5b8fSECRETtokenValue'
PASSWORD = 'Wr0ng-Passw0rd-secret'
INSTANCE = 'eddc4d25480b4cd6b512f270a1b8b341'


def ace_client(script, **overrides):
    values = dict(api_token=TOKEN, api_url='https://platform.acedata.cloud', validate_certs=True, timeout=30.0,
                  retries=0, retry_max_delay=30.0)
    values.update(overrides)
    ace = AceData(values)
    ace.transport._session = FakeSession(list(script))
    ace.transport.sleep = lambda seconds: None
    return ace, ace.transport._session


def hw_params(**overrides):
    base = dict(region='cn-north-4', project_id=None, instance_id=INSTANCE, access_key=None, secret_key=None,
                security_token=None, auth_token=None, user=None, password=None, domain=None, apig_endpoint=None,
                iam_endpoint=None, validate_certs=True, timeout=30.0, retries=0, retry_max_delay=30.0)
    base.update(overrides)
    return base


def refused():
    return requests.exceptions.ConnectionError(MaxRetryError(None, '/', NewConnectionError(None, 'refused')))


def module_with(spec, args, monkeypatch, env):
    """An AnsibleModule for ``spec`` given ``args``, with ``env`` as the environment."""
    if patch_module_args is None:
        pytest.skip('needs ansible.module_utils.testing (ansible-core 2.19+)')
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with patch_module_args(args):
        return AnsibleModule(argument_spec=spec)


# -- a missing platform token names the option and the environment variable ----------------------
def test_missing_api_token_names_the_environment_variable():
    with pytest.raises(ValidationError) as info:
        validate_common_options({'api_token': None, 'service': None})
    text = str(info.value)
    assert text.startswith('api_token is required')
    assert 'ACEDATACLOUD_PLATFORM_TOKEN' in text and 'platform-' in text
    assert 'missing required arguments' not in text


def test_api_token_is_read_from_the_environment(monkeypatch):
    module = module_with(acedata.CONNECTION_ARGSPEC, {}, monkeypatch, {'ACEDATACLOUD_PLATFORM_TOKEN': TOKEN})
    assert module.params['api_token'] == TOKEN


# -- a refused platform token says what a platform token is ------------------------------------
def test_refused_token_says_what_a_platform_token_is():
    ace, session = ace_client([FakeResponse(401, {'detail': 'Invalid token.', 'code': 'authentication_failed'},
                                            headers={'X-Request-Id': 'r1'})])
    with pytest.raises(ApiError) as info:
        ace.request('GET', '/applications/')
    text = str(info.value)
    assert 'HTTP 401 authentication_failed: Invalid token.' in text
    assert '"platform-"' in text and 'service key' in text
    assert text.endswith('(request id r1)')
    assert TOKEN not in text


def test_other_errors_get_no_token_hint():
    ace, session = ace_client([FakeResponse(400, {'detail': 'Bad.', 'code': 'invalid'})])
    with pytest.raises(ApiError) as info:
        ace.request('GET', '/applications/')
    assert 'platform-' not in str(info.value)


# -- an unknown alias suggests the close ones and how to list them ----------------------------
def test_unknown_alias_suggests_close_aliases_and_the_info_module():
    listing = {'count': 3, 'items': [{'id': 'a', 'alias': 'midjourney'}, {'id': 'b', 'alias': 'suno'},
                                     {'id': 'c', 'alias': 'openai'}]}
    ace, session = ace_client([FakeResponse(404, {'detail': 'Not found.'}), FakeResponse(200, listing)])
    with pytest.raises(ValidationError) as info:
        ace.service_id('midjouney')
    text = str(info.value)
    assert "no Ace Data Cloud service has the alias 'midjouney'" in text
    assert "did you mean 'midjourney'?" in text
    assert 'suno' not in text
    assert 'acedata_service_info' in text


def test_unknown_alias_without_a_close_one_says_how_to_list():
    text = acedata.unknown_alias_message('zzzzzz', ['midjourney', 'suno'])
    assert 'did you mean' not in text and 'acedata_service_info' in text


# -- instance_id from the environment, or a message naming the variables ------------------------
@pytest.mark.parametrize('variable', huaweicloud.INSTANCE_ID_ENV)
def test_instance_id_is_read_from_the_environment(monkeypatch, variable):
    module = module_with(huaweicloud.CONNECTION_ARGSPEC, {}, monkeypatch, {variable: INSTANCE})
    assert module.params['instance_id'] == INSTANCE


def test_missing_instance_id_names_the_environment_variables():
    with pytest.raises(AuthConfigError) as info:
        HuaweiCloud(hw_params(instance_id=None, access_key='AK', secret_key='SK'))
    text = str(info.value)
    assert text.startswith('instance_id is required')
    assert 'HW_APIG_INSTANCE_ID' in text


# -- a refused IAM password: no "HTTP 401 401", and what to check ------------------------------
def test_refused_password_says_what_to_check():
    cloud = HuaweiCloud(hw_params(user='provisioner', password=PASSWORD, domain='acme'))
    body = {'error': {'code': 401, 'message': 'The username or password is wrong.', 'title': 'Unauthorized'}}
    session = FakeSession([FakeResponse(401, body, headers={'X-Request-Id': 'r2'})])
    make = cloud._transport

    def transport(base_url, auth):
        made = make(base_url, auth)
        made._session = session
        return made
    cloud._transport = transport
    with pytest.raises(ApiError) as info:
        cloud.request('GET', '/app-quotas')
    text = str(info.value)
    assert '401 401' not in text
    assert 'HTTP 401: IAM refused the password of user' in text
    assert 'The username or password is wrong.' in text
    assert 'HW_PASSWORD' in text and 'HW_DOMAIN_NAME' in text
    assert PASSWORD not in text
    assert len(session.calls) == 1  # a wrong password is not tried twice


def test_status_repeated_as_code_is_dropped():
    code, message, dummy = huaweicloud.parse_error(401, {'error': {'code': 401, 'message': 'No.'}}, '', {})
    assert code is None and message == 'No.'
    code, dummy, dummy = huaweicloud.parse_error(400, {'error_code': 'APIG.2012', 'error_msg': 'x'}, '', {})
    assert code == 'APIG.2012'


# -- an unreachable endpoint says the time went on retries -------------------------------------
def test_unreachable_endpoint_says_how_often_it_was_tried():
    sleeps = []
    transport = Transport('http://127.0.0.1:9', lambda *a: (None, 'x', None), retries=4, sleep=sleeps.append)
    transport._session = FakeSession([refused() for dummy in range(5)])
    with pytest.raises(ApiError) as info:
        transport.request('GET', '/v1/items')
    text = str(info.value)
    assert 'cannot connect to http://127.0.0.1:9' in text
    assert 'gave up after 5 attempts' in text and 'retries' in text
    assert len(sleeps) == 4


def test_no_retry_note_without_retries():
    transport = Transport('http://127.0.0.1:9', lambda *a: (None, 'x', None), retries=0, sleep=lambda s: None)
    transport._session = FakeSession([refused()])
    with pytest.raises(ApiError) as info:
        transport.request('GET', '/v1/items')
    assert 'gave up' not in str(info.value)


# -- userinfo in an endpoint never shows -------------------------------------------------------
SECRET_URL = 'http://admin:hunter2secret@gateway.example:8080'


def test_redact_userinfo():
    assert redact_userinfo('see %s/x and https://u@h/y' % SECRET_URL) == \
        'see http://***@gateway.example:8080/x and https://***@h/y'
    assert redact_userinfo('no url here: a@b') == 'no url here: a@b'


@pytest.mark.parametrize('failure', [refused, lambda: requests.exceptions.SSLError('bad certificate'),
                                     lambda: requests.exceptions.InvalidURL('bad ' + SECRET_URL)],
                         ids=['refused', 'tls', 'invalid-url'])
def test_userinfo_is_redacted_from_transport_errors(failure):
    transport = Transport(SECRET_URL, lambda *a: (None, 'x', None), retries=1, sleep=lambda s: None)
    transport._session = FakeSession([failure(), failure()])
    with pytest.raises(ApiError) as info:
        transport.request('GET', '/v1/items')
    kwargs = info.value.fail_kwargs()
    assert 'hunter2secret' not in json.dumps(kwargs)
    assert 'admin' not in kwargs['msg']


@pytest.mark.parametrize('option', ['api_url', 'apig_endpoint', 'iam_endpoint'])
def test_userinfo_is_redacted_from_option_errors(option):
    with pytest.raises(ConfigError) as info:
        check_connection_options({option: 'ftp://admin:hunter2secret@host'}, (option,), ())
    assert 'hunter2secret' not in str(info.value) and option in str(info.value)


def test_userinfo_is_redacted_from_api_errors():
    ace, session = ace_client([FakeResponse(503, {'detail': 'down'})],
                              api_url='https://admin:hunter2secret@platform.example')
    with pytest.raises(ApiError) as info:
        ace.request('GET', '/applications/')
    assert 'hunter2secret' not in str(info.value)
