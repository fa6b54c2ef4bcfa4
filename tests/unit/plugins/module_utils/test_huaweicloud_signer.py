# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The SDK-HMAC-SHA256 signer against the documented test vector and the vendor SDK's own Signer."""

import datetime
import hashlib
import json

import pytest

from ansible_collections.apiops.provisioning.plugins.module_utils.huaweicloud import canonical_request, sign
from ansible_collections.apiops.provisioning.plugins.module_utils.transport import encode_query

AK = 'QTWAOYTTINDUT2QVKYUC'
SK = 'MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc'
VECTOR_URL = ('https://service.region.example.com/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs'
              '?limit=2&marker=13551d6b-755d-4757-b956-536f674975c0')
VECTOR_HEADERS = {'Content-Type': 'application/json', 'Host': 'service.region.example.com',
                  'X-Sdk-Date': '20191115T033655Z'}


def test_documented_vector_canonical_request():
    creq = canonical_request('GET', VECTOR_URL, VECTOR_HEADERS, ['content-type', 'host', 'x-sdk-date'], b'')
    assert creq == ('GET\n/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs/\n'
                    'limit=2&marker=13551d6b-755d-4757-b956-536f674975c0\n'
                    'content-type:application/json\nhost:service.region.example.com\nx-sdk-date:20191115T033655Z\n\n'
                    'content-type;host;x-sdk-date\n'
                    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
    assert hashlib.sha256(creq.encode()).hexdigest() == 'b25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a'


def test_documented_vector_signature():
    headers = sign('GET', VECTOR_URL, dict(VECTOR_HEADERS), b'', AK, SK)
    assert headers['Authorization'] == (
        'SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, SignedHeaders=content-type;host;x-sdk-date, '
        'Signature=7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe')


def test_sign_adds_date_and_host():
    now = datetime.datetime(2026, 11, 23, 8, 36, 27)
    headers = sign('GET', 'http://127.0.0.1:45907/v2/p/apigw/instances/i/app-quotas', {}, b'', AK, SK, now=now)
    assert headers['X-Sdk-Date'] == '20261123T083627Z'
    assert headers['Host'] == '127.0.0.1:45907'
    assert 'SignedHeaders=host;x-sdk-date,' in headers['Authorization']


def test_tampered_query_changes_signature():
    first = sign('GET', VECTOR_URL, dict(VECTOR_HEADERS), b'', AK, SK)['Authorization']
    second = sign('GET', VECTOR_URL.replace('limit=2', 'limit=3'), dict(VECTOR_HEADERS), b'', AK, SK)['Authorization']
    assert first != second


CASES = [
    ('GET', '/v2/proj/apigw/instances/inst/app-quotas', [('name', 'q demo/x'), ('limit', 500), ('offset', 0)], None, {}),
    ('GET', '/v2/proj/apigw/instances/inst/apps', [('name', u'消费者 app'), ('precise_search', 'name')], None, {}),
    ('GET', '/v2/proj/apigw/instances/inst/apps', [('name', "a+b=c&d~e*f'(g)")], None, {}),
    ('POST', '/v2/proj/apigw/instances/inst/app-quotas', [],
     {'name': 'q_demo', 'call_limits': 10, 'time_unit': 'DAY', 'time_interval': 1}, {}),
    ('PUT', '/v2/proj/apigw/instances/inst/app-quotas/abc', [],
     {'name': 'q_demo', 'remark': u'备注 <none>', 'call_limits': 10, 'time_unit': 'DAY', 'time_interval': 1}, {}),
    ('DELETE', '/v2/proj/apigw/instances/inst/app-quotas/abc/bound-apps/def', [], None, {}),
    ('POST', '/v2/proj/apigw/instances/inst/app-quotas/abc/binding-apps', [], {'app_ids': ['a', 'b']},
     {'X-Security-Token': 'temporary-security-token-value'}),
    ('GET', '/v3/projects', [('name', 'cn-north-4')], None, {'X-Project-Id': 'proj'}),
    ('GET', '/v2/proj/apigw/instances/inst/app-quotas', [('name', ''), ('flag', True)], None, {}),
]


@pytest.mark.parametrize('method, path, query, body, extra', CASES)
def test_matches_vendor_sdk(method, path, query, body, extra):
    sdk_signer = pytest.importorskip('huaweicloudsdkcore.signer.signer')
    sdk_request_mod = pytest.importorskip('huaweicloudsdkcore.sdk_request')

    class Credentials:
        ak = 'AKEXAMPLE12345678'
        sk = 'sk-example-secret-0123456789'

    payload = json.dumps(body).encode('utf-8') if body is not None else b''
    headers = {'Content-Type': 'application/json;charset=utf-8' if body is not None else 'application/json',
               'User-Agent': 'apiops.provisioning (huaweicloud)', 'X-Sdk-Date': '20261123T083627Z'}
    headers.update(extra)
    request = sdk_request_mod.SdkRequest(method=method, schema='https', host='apig.cn-north-4.myhuaweicloud.com',
                                         resource_path=path, query_params=list(query), header_params=dict(headers),
                                         body=payload)
    expected = sdk_signer.Signer(Credentials()).sign(request)

    query_string = encode_query(query)
    url = 'https://apig.cn-north-4.myhuaweicloud.com' + path + ('?' + query_string if query_string else '')
    ours = sign(method, url, dict(headers), payload, Credentials.ak, Credentials.sk)
    assert ours['Authorization'] == expected.header_params['Authorization']
    # What is sent is what was signed: the SDK puts its canonical query on the wire too.
    assert url.split('://', 1)[1].split('/', 1)[1] == expected.uri.lstrip('/')
