# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The rules of acedata_credential's resource: validation, comparison, identity, rotation."""

import pytest

from ansible_collections.apiops.provisioning.plugins.module_utils.acedata_credential import (
    Credential,
    validate_credential_options,
)
from ansible_collections.apiops.provisioning.plugins.module_utils.resource import Engine, ValidationError
from ansible_collections.apiops.provisioning.plugins.module_utils.transport import ApiError
from ansible_collections.apiops.provisioning.tests.unit.plugins.module_utils.fakes import (
    FakeModule,
    FakeResponse,
    FakeSession,
)

TOKEN = 'platform-v1-5b8fSECRETtokenValue'
APP = '107f8d0f-e465-4a7e-a49e-d633d26f7aa2'
API_A = '6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a41'
API_B = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c42'


def params(**resource):
    values = dict(api_token=TOKEN, api_url='https://platform.acedata.cloud', validate_certs=True, timeout=30.0,
                  retries=0, retry_max_delay=1.0, application_id=APP, service=None, type=None, scope=None,
                  name='backend', limited_amount=None, expired_at=None, allowed_api_ids=None, clear=None,
                  rotate=False, reveal_token=False, state='present')
    values.update(resource)
    return values


def credential(script, check_mode=False, **resource):
    module = FakeModule(params(**resource), check_mode=check_mode)
    res = Credential(module)
    session = FakeSession(script, json_body=True)
    res.client.transport._session = session
    res.client.transport.sleep = [].append
    return res, session, module


def key(key_id='k1', token='sk-0000000000000000000000000000aaaa', **extra):
    obj = {'id': key_id, 'application_id': APP, 'name': 'backend', 'type': 'Token', 'token': token,
           'limited_amount': None, 'expired_at': None, 'allowed_api_ids': None, 'host': None, 'used_amount': 0,
           'created_at': '2026-11-23T10:00:00.000000Z'}
    obj.update(extra)
    return obj


def page(items):
    return FakeResponse(200, {'count': len(items), 'items': items})


@pytest.mark.parametrize('resource, option', [
    (dict(name=None), 'name is required'),
    (dict(name=' '), 'name must not be empty'),
    (dict(name='x' * 256), 'name must be at most 255'),
    (dict(application_id='not-a-uuid'), 'application_id must be the UUID'),
    (dict(service='midjourney'), 'application_id and service are mutually exclusive'),
    (dict(application_id=None), 'give application_id, or service'),
    (dict(application_id=None, service='midjourney', scope='Global'), 'service is not allowed when scope is Global'),
    (dict(limited_amount=-1.0), 'limited_amount must be a finite number of credits, 0 or more'),
    (dict(limited_amount=float('nan')), 'limited_amount must be a finite number of credits, 0 or more'),
    (dict(limited_amount=float('inf')), 'limited_amount must be a finite number of credits, 0 or more'),
    (dict(expired_at='tomorrow'), "expired_at: 'tomorrow' is not an ISO 8601"),
    (dict(allowed_api_ids=[API_A, 'mj_imagine']), 'allowed_api_ids[1]: must be a UUID'),
    (dict(limited_amount=5.0, clear=['limited_amount']), 'limited_amount: given and cleared at once'),
    (dict(state='absent', rotate=True), 'rotate is not allowed with state=absent'),
])
def test_invalid_options_are_named(resource, option):
    with pytest.raises(ValidationError) as error:
        validate_credential_options(params(**resource))
    assert str(error.value).startswith(option)


def test_valid_options():
    validate_credential_options(params(application_id=None, service='midjourney', type='Period', limited_amount=0.0,
                                       expired_at='2027-01-31T01:00:00+01:00', allowed_api_ids=[API_A]))
    validate_credential_options(params(application_id=None, scope='Global', clear=['expired_at']))


@pytest.mark.parametrize('resource, current', [
    (dict(limited_amount=500.0), key(limited_amount=500)),
    (dict(limited_amount=500.0), key(limited_amount='500.00')),  # a DRF decimal
    (dict(expired_at='2027-01-31T01:00:00+01:00'), key(expired_at='2027-01-31T00:00:00.000000Z')),
    (dict(allowed_api_ids=[API_B.upper(), API_A]), key(allowed_api_ids=[API_A, API_B])),
    (dict(allowed_api_ids=[]), key(allowed_api_ids=None)),  # empty means unrestricted, as null does
    (dict(clear=['limited_amount', 'expired_at', 'allowed_api_ids']), key(allowed_api_ids=[])),
])
def test_equal_values_are_no_change(resource, current):
    res, dummy, dummy2 = credential([], **resource)
    assert res.changes(current, res.desired()) == {}


def test_changes_hold_only_what_differs_and_clear_sends_null():
    res, dummy, dummy2 = credential([], limited_amount=20.0, clear=['expired_at', 'allowed_api_ids'])
    current = key(limited_amount=10, expired_at='2027-01-31T00:00:00Z')
    assert res.changes(current, res.desired()) == {'limited_amount': 20.0, 'expired_at': None}


def test_exact_name_newest_managed_with_a_warning_and_tokens_registered():
    listed = [key('k-old', created_at='2026-01-01T00:00:00Z'), key('k-new', created_at='2026-06-01T00:00:00Z'),
              key('k-fuzzy', name='backend-2', token='sk-fuzzy-token-000000000000000bbbb')]
    res, session, module = credential([page(listed)])
    found = res.find()
    assert found['id'] == 'k-new'
    assert len(module.warnings) == 1 and 'k-old' in module.warnings[0] and 'k-fuzzy' not in module.warnings[0]
    assert session.calls[0]['query'] == {'user_id': 'me', 'application_id': APP, 'name': 'backend',
                                         'ordering': '-created_at', 'offset': '0', 'limit': '100'}
    assert {key()['token'], 'sk-fuzzy-token-000000000000000bbbb'} <= module.no_log_values
    assert res.returned(found)['token'] == '********aaaa'


def test_revealed_tokens_are_not_registered():
    res, dummy, module = credential([page([key()])], reveal_token=True)
    assert res.returned(res.find())['token'] == key()['token']
    assert module.no_log_values == set()


def test_rotation_whose_answer_was_lost_is_not_repeated():
    """The rotate POST times out after the platform applied it: the key is read again, and its new
    token shows the rotation went through; no second rotation."""
    rotated = key(token='sk-1111111111111111111111111111cccc')
    lost = ApiError('timed out', status=None, ambiguous=True)
    res, session, dummy = credential([page([key()]), lost, page([rotated])], rotate=True)
    result = Engine(res).present()
    assert result['changed'] is True and result['credential']['token'] == '********cccc'
    assert [c['method'] + ' ' + c['path'] for c in session.calls] == [
        'GET /api/v1/credentials/', 'POST /api/v1/credentials/k1/rotate/', 'GET /api/v1/credentials/']


def test_rotation_without_a_rotate_route_creates_then_deletes():
    new = key('k2', token='sk-2222222222222222222222222222dddd', limited_amount=5)
    res, session, module = credential([page([key(limited_amount=5, host='https://a.example')]),
                                       FakeResponse(404, {'detail': 'Not found.', 'code': 'not_found'}),
                                       FakeResponse(201, new), FakeResponse(204)], rotate=True)
    result = Engine(res).present()
    assert result['changed'] is True and result['credential']['id'] == 'k2'
    assert [c['method'] + ' ' + c['path'] for c in session.calls] == [
        'GET /api/v1/credentials/', 'POST /api/v1/credentials/k1/rotate/', 'POST /api/v1/credentials/',
        'DELETE /api/v1/credentials/k1']
    assert session.calls[2]['body'] == {'application_id': APP, 'name': 'backend', 'limited_amount': 5,
                                        'host': 'https://a.example'}
    assert 'no rotate route' in module.warnings[0] and 'k2' in module.warnings[0]


def test_check_mode_create_of_a_key_whose_application_is_missing():
    """In a check-mode task, a key of an application (named by service) that does not exist yet is
    predicted as a create; in a real run it is refused, naming the service."""
    res, dummy, dummy2 = credential([FakeResponse(200, {'id': 'svc', 'alias': 'suno'}), page([])], check_mode=True,
                                    application_id=None, service='suno')
    result = Engine(res).present()
    assert result['changed'] is True
    assert result['credential']['id'] is None and result['credential']['application_id'] is None
    res, dummy, dummy2 = credential([FakeResponse(200, {'id': 'svc', 'alias': 'suno'}), page([])],
                                    application_id=None, service='suno')
    with pytest.raises(ValidationError) as error:
        Engine(res).present()
    assert "no Usage Individual application for service 'suno' exists" in str(error.value)
