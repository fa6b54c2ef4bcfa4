# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fidelity with the vendor's own code, in both directions.

1. The vendor SDK (``huaweicloudsdkapig``) drives the emulator through a whole quota life cycle;
   its signatures verify, its models parse the answers, and a tampered signature is refused.
2. The collection's own client signs requests that an independent verifier built on
   ``huaweicloudsdkcore``'s ``Signer`` accepts.
"""

from __future__ import annotations

import json
from urllib.parse import unquote, urlsplit

import pytest
import requests

from emulator import seed

apig = pytest.importorskip('huaweicloudsdkapig.v2')
core_credentials = pytest.importorskip('huaweicloudsdkcore.auth.credentials')
core_http = pytest.importorskip('huaweicloudsdkcore.http.http_config')
core_exceptions = pytest.importorskip('huaweicloudsdkcore.exceptions.exceptions')
core_signer = pytest.importorskip('huaweicloudsdkcore.signer.signer')
core_request = pytest.importorskip('huaweicloudsdkcore.sdk_request')


def sdk_client(url, secret=seed.SECRET_KEY):
    config = core_http.HttpConfig.get_default_config()
    config.ignore_ssl_verification = True
    config.retry_times = 0
    credentials = core_credentials.BasicCredentials(seed.ACCESS_KEY, secret, seed.PROJECT_ID)
    return apig.ApigClient.new_builder().with_http_config(config).with_credentials(credentials) \
        .with_endpoint(url).build()


def test_sdk_drives_the_quota_life_cycle(emulator):
    client = sdk_client(emulator.url)
    inst = seed.INSTANCE_ID
    app_id = seed.DEFAULT_SEED['apig']['apps'][0]['id']

    body = apig.AppQuotaCreate(name='sdk_quota', call_limits=10, time_unit='DAY', time_interval=1,
                               reset_time='2026-12-01 00:00:00', remark='made by the SDK')
    created = client.create_app_quota(apig.CreateAppQuotaRequest(instance_id=inst, body=body))
    assert created.status_code == 201 and len(created.app_quota_id) == 32
    quota_id = created.app_quota_id

    listed = client.list_app_quotas(apig.ListAppQuotasRequest(instance_id=inst, name='sdk q', limit=500))
    assert listed.total == 0  # the fuzzy filter is a substring match: 'sdk q' is not in 'sdk_quota'
    listed = client.list_app_quotas(apig.ListAppQuotasRequest(instance_id=inst, name='quota', limit=500))
    assert [q.app_quota_id for q in listed.quotas] == [quota_id]

    shown = client.show_app_quota(apig.ShowAppQuotaRequest(instance_id=inst, app_quota_id=quota_id))
    assert shown.reset_time == '2026-12-01 00:00:00 +0000 +0000' and shown.remark == 'made by the SDK'

    body = apig.AppQuotaCreate(name='sdk_quota', call_limits=20, time_unit='HOUR', time_interval=2)
    updated = client.update_app_quota(apig.UpdateAppQuotaRequest(instance_id=inst, app_quota_id=quota_id, body=body))
    assert updated.status_code == 200 and updated.call_limits == 20 and updated.time_unit == 'HOUR'

    bound = client.associate_apps_for_app_quota(apig.AssociateAppsForAppQuotaRequest(
        instance_id=inst, app_quota_id=quota_id, body=apig.CreateAppQuotaBindingApp(app_ids=[app_id])))
    assert bound.status_code == 201 and bound.applies[0].app_id == app_id

    apps = client.list_app_quota_bound_apps(apig.ListAppQuotaBoundAppsRequest(instance_id=inst, app_quota_id=quota_id))
    assert [a.app_id for a in apps.apps] == [app_id] and apps.apps[0].app_quota_name == 'sdk_quota'

    client.disassociate_app_quota_with_app(apig.DisassociateAppQuotaWithAppRequest(
        instance_id=inst, app_quota_id=quota_id, app_id=app_id))
    apps = client.list_app_quota_bound_apps(apig.ListAppQuotaBoundAppsRequest(instance_id=inst, app_quota_id=quota_id))
    assert apps.total == 0

    deleted = client.delete_app_quota(apig.DeleteAppQuotaRequest(instance_id=inst, app_quota_id=quota_id))
    assert deleted.status_code == 204
    with pytest.raises(core_exceptions.ClientRequestException) as error:
        client.show_app_quota(apig.ShowAppQuotaRequest(instance_id=inst, app_quota_id=quota_id))
    assert error.value.status_code == 404 and error.value.error_code == 'APIG.3093'
    assert error.value.request_id

    entries = emulator.requests()
    assert [e['status'] for e in entries] == [201, 200, 200, 200, 200, 201, 200, 204, 200, 204, 404]
    assert all(e['auth'] == 'aksk' for e in entries)


def test_sdk_with_a_wrong_secret_is_refused(emulator):
    client = sdk_client(emulator.url, secret='not-the-secret-key-0000000000')
    with pytest.raises(core_exceptions.ClientRequestException) as error:
        client.list_app_quotas(apig.ListAppQuotasRequest(instance_id=seed.INSTANCE_ID))
    assert error.value.status_code == 401 and error.value.error_code == 'APIGW.0301'
    assert 'verify aksk signature fail' in error.value.error_msg


def test_tampered_sdk_request_is_refused(emulator):
    """Sign with the SDK, then change the query after signing: the emulator must refuse it."""
    path = '/v2/%s/apigw/instances/%s/app-quotas' % (seed.PROJECT_ID, seed.INSTANCE_ID)
    host = urlsplit(emulator.url).netloc
    request = core_request.SdkRequest(method='GET', schema='http', host=host, resource_path=path,
                                      query_params=[('limit', 20)], header_params={
                                          'Content-Type': 'application/json', 'X-Project-Id': seed.PROJECT_ID},
                                      body='')
    signed = core_signer.Signer(core_credentials.BasicCredentials(seed.ACCESS_KEY, seed.SECRET_KEY)).sign(request)
    headers = dict(signed.header_params)
    genuine = requests.get(emulator.url + signed.uri, headers=headers, timeout=10)
    assert genuine.status_code == 200
    tampered = requests.get(emulator.url + signed.uri.replace('limit=20', 'limit=21'), headers=headers, timeout=10)
    assert tampered.status_code == 401 and tampered.json()['error_code'] == 'APIGW.0301'


class SdkVerifier:
    """An independent verifier: re-signs each received request with huaweicloudsdkcore's Signer."""

    def __init__(self):
        self.checked = []

    def verify(self, method, raw_path, headers, body):
        auth = headers['authorization']
        signed_headers = auth.split('SignedHeaders=')[1].split(',')[0].split(';')
        path, _sep, query = raw_path.partition('?')
        pairs = [tuple(unquote(part) for part in item.split('=', 1)) for item in query.split('&') if item]
        header_params = dict((name, headers[name]) for name in signed_headers)
        request = core_request.SdkRequest(method=method, schema='http', host=headers['host'], resource_path=unquote(path),
                                          query_params=pairs, header_params=header_params, body=body)

        class Credentials:
            ak = seed.ACCESS_KEY
            sk = seed.SECRET_KEY
        expected = core_signer.Signer(Credentials()).sign(request).header_params['Authorization']
        self.checked.append((method, path, expected == auth))
        return expected == auth


def test_collection_signatures_pass_an_sdk_verifier():
    """Every request of a module run verifies with the SDK's own signer."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    import threading

    verifier = SdkVerifier()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = 'HTTP/1.1'

        def log_message(self, *args):  # pylint: disable=arguments-differ
            pass

        def _answer(self):
            body = self.rfile.read(int(self.headers.get('Content-Length') or 0))
            headers = dict((k.lower(), v) for k, v in self.headers.items())
            ok = verifier.verify(self.command, self.path, headers, body)
            payload = json.dumps({'total': 0, 'size': 0, 'quotas': [], 'projects': [
                {'id': seed.PROJECT_ID, 'name': seed.REGION}]} if ok else {'error_code': 'APIGW.0301'}).encode()
            self.send_response(200 if ok else 401)
            self.send_header('Content-Type', 'application/json')
            self.send_header('Content-Length', str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_DELETE = _answer

    server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = 'http://127.0.0.1:%d' % server.server_address[1]
    try:
        from ansible_collections.apiops.provisioning.plugins.module_utils.huaweicloud import HuaweiCloud
        from ansible_collections.apiops.provisioning.plugins.module_utils.apig_app_quota import QuotaApi

        cloud = HuaweiCloud({'region': seed.REGION, 'instance_id': seed.INSTANCE_ID, 'access_key': seed.ACCESS_KEY,
                             'secret_key': seed.SECRET_KEY, 'security_token': None, 'apig_endpoint': url,
                             'iam_endpoint': url, 'validate_certs': True, 'timeout': 10, 'retries': 0,
                             'retry_max_delay': 1})
        api = QuotaApi(cloud)
        assert api.find_by_name('a quota/with spaces+plus') is None   # project lookup, then a list with a tricky name
        cloud.request('POST', '/app-quotas', body={'name': u'配额_quota', 'call_limits': 1})
        cloud.close()
    finally:
        server.shutdown()
        server.server_close()
    assert [c[0] for c in verifier.checked] == ['GET', 'GET', 'POST']
    assert all(c[2] for c in verifier.checked), verifier.checked


def test_sdk_drives_the_app_life_cycle(emulator):
    """The vendor SDK (ApigClient v2) against the emulator's app, environment, API and authorization routes."""
    client = sdk_client(emulator.url)
    inst = seed.INSTANCE_ID

    body = apig.AppCreate(name='sdk_app', remark='made by the SDK', app_key='sdk_key_0001', app_secret='Sdk_secret_01')
    created = client.create_an_app_v2(apig.CreateAnAppV2Request(instance_id=inst, body=body))
    assert created.status_code == 201 and len(created.id) == 32 and created.app_secret == 'Sdk_secret_01'
    app_id = created.id

    listed = client.list_apps_v2(apig.ListAppsV2Request(instance_id=inst, name='sdk_app', precise_search='name'))
    assert [a.id for a in listed.apps] == [app_id] and listed.apps[0].app_key == 'sdk_key_0001'

    body = apig.AppCreate(name='sdk_app', remark='changed by the SDK')
    updated = client.update_app_v2(apig.UpdateAppV2Request(instance_id=inst, app_id=app_id, body=body))
    assert updated.status_code == 200 and updated.remark == 'changed by the SDK'

    request = apig.ResettingAppSecretV2Request(instance_id=inst, app_id=app_id, body=apig.AppResetCreate())
    reset = client.resetting_app_secret_v2(request)
    assert reset.status_code == 200 and reset.app_secret not in (None, 'Sdk_secret_01')
    shown = client.show_details_of_app_v2(apig.ShowDetailsOfAppV2Request(instance_id=inst, app_id=app_id))
    assert shown.app_secret == reset.app_secret and shown.app_key == 'sdk_key_0001'

    envs = client.list_environments_v2(apig.ListEnvironmentsV2Request(instance_id=inst))
    release = [env.id for env in envs.envs if env.name == 'RELEASE'][0]
    apis = client.list_apis_v2(apig.ListApisV2Request(instance_id=inst, name='mj_imagine', precise_search='name'))
    api_id = apis.apis[0].id
    assert apis.total == 1 and release in apis.apis[0].run_env_id.split('|')

    body = apig.ApiAuthCreate(env_id=release, app_ids=[app_id], api_ids=[api_id])
    authorized = client.create_authorizing_apps_v2(apig.CreateAuthorizingAppsV2Request(instance_id=inst, body=body))
    assert authorized.status_code == 201 and authorized.auths[0].auth_result.status == 'SUCCESS'
    binded = client.list_apis_binded_to_app_v2(apig.ListApisBindedToAppV2Request(instance_id=inst, app_id=app_id,
                                                                                 env_id=release))
    assert [a.api_id for a in binded.auths] == [api_id] and binded.auths[0].id == authorized.auths[0].id
    unbinded = client.list_apis_unbinded_to_app_v2(apig.ListApisUnbindedToAppV2Request(instance_id=inst, app_id=app_id,
                                                                                       env_id=release))
    assert api_id not in [a.id for a in unbinded.apis]

    cancelled = client.canceling_authorization_v2(apig.CancelingAuthorizationV2Request(
        instance_id=inst, app_auth_id=authorized.auths[0].id))
    assert cancelled.status_code == 204
    assert client.list_apis_binded_to_app_v2(apig.ListApisBindedToAppV2Request(
        instance_id=inst, app_id=app_id, env_id=release)).total == 0

    deleted = client.delete_app_v2(apig.DeleteAppV2Request(instance_id=inst, app_id=app_id))
    assert deleted.status_code == 204
    with pytest.raises(core_exceptions.ClientRequestException) as error:
        client.show_details_of_app_v2(apig.ShowDetailsOfAppV2Request(instance_id=inst, app_id=app_id))
    assert error.value.status_code == 404 and error.value.error_code == 'APIG.3004'
    assert all(e['auth'] == 'aksk' for e in emulator.requests())


# -- the Ace Data Cloud SDK (acedatacloud) on the platform routes ---------------------------------

def acedata_sdk(url):
    sdk = pytest.importorskip('acedatacloud')
    return sdk.AceDataCloud(api_token=seed.ACEDATA_TOKEN, platform_base_url=url, max_retries=0, timeout=10)


def test_acedata_sdk_drives_applications_and_credentials(emulator):
    """The vendor's own client (acedatacloud 2026.10.20.0) creates, lists and reads an application,
    and creates, lists, rotates a credential on the emulator; its answers are what it expects."""
    platform = acedata_sdk(emulator.url).platform
    service_id = seed.DEFAULT_SEED['acedata']['services'][0]['id']
    app = platform.applications.create(service_id=service_id, type='Usage')
    assert app['service_id'] == service_id and len(app['credentials']) == 1
    listed = platform.applications.list(user_id='me', service_id=service_id)
    assert [a['id'] for a in listed['items']] == [app['id']] and listed['count'] == 1
    assert platform.applications.get(app['id'])['id'] == app['id']  # the SDK's trailing slash

    key = platform.credentials.create(application_id=app['id'], name='sdk-key', limited_amount=12.5)
    assert key['name'] == 'sdk-key' and key['limited_amount'] == 12.5 and key['token'].startswith('sk-')
    keys = platform.credentials.list(user_id='me', application_id=app['id'], name='sdk-key')
    assert [k['id'] for k in keys['items']] == [key['id']]
    rotated = platform.credentials.rotate(key['id'])
    assert rotated['id'] == key['id'] and rotated['token'] != key['token']
    entries = emulator.requests()
    assert [(e['method'], e['status']) for e in entries] == [('POST', 201), ('GET', 200), ('GET', 200), ('POST', 201),
                                                             ('GET', 200), ('POST', 200)]
    assert all(e['auth'] == 'bearer' for e in entries)


def test_sdk_credentials_delete_needs_a_body(emulator):
    """Evidence for the reading delete_200_body (docs/fidelity.md B8): the SDK decodes every 2xx
    answer as JSON, so its credentials.delete fails on the documented empty 204 (the delete is
    applied all the same) and works when the platform answers 200 with a body."""
    platform = acedata_sdk(emulator.url).platform
    app = platform.applications.create(service_id=seed.DEFAULT_SEED['acedata']['services'][0]['id'])
    first, second = [platform.credentials.create(application_id=app['id'], name=name)['id'] for name in ('a', 'b')]
    with pytest.raises(ValueError):  # json.JSONDecodeError, from httpx's Response.json()
        platform.credentials.delete(first)
    assert first not in [c['id'] for c in emulator.state()['acedata']['credentials']]
    emulator.readings(['delete_200_body'])
    deleted = platform.credentials.delete(second)
    assert deleted['id'] == second
    assert second not in [c['id'] for c in emulator.state()['acedata']['credentials']]
