# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Request counts of the modules against the emulator: the performance targets, as assertions.

Counts, never times (``tests/bench/run.py`` prints the times). The modules run in this process
(``ansible.module_utils.testing.patch_module_args``) against the emulator in a thread; the
emulator's request log says what each module run sent.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
from unittest import mock

import pytest
import requests
import urllib3.connection

from ansible.module_utils.testing import patch_module_args
from ansible_collections.apiops.provisioning.plugins.modules import acedata_application, apig_app_quota
from emulator import seed as S
from emulator.core import BackgroundServer

LIMITS = dict(call_limits=100, time_unit='DAY', time_interval=1)
MIDJOURNEY = S.DEFAULT_SEED['acedata']['services'][0]
APPS = ['consumer_app_a', 'consumer_app_b']
PAGE = 500  # the largest page the APIG list routes accept


class Emulator:
    """The emulator in a thread, its control API and its request log."""

    def __init__(self, server):
        self.url = server.url
        self.connections = None

    def control(self, method, name, body=None):
        answer = requests.request(method, self.url + '/_emulator/' + name, json=body, timeout=60)
        answer.raise_for_status()
        return answer.json() if answer.content else None

    def last_seq(self):
        return self.control('GET', 'requests?since=%d' % (10 ** 12))['last_seq']

    def run(self, module, args):
        """Run ``module`` with ``args``; returns ``(result, requests sent)``.

        ``connections`` is then the number of connections the run opened.
        """
        before = self.last_seq()
        out = io.StringIO()
        opened = []
        connect = urllib3.connection.HTTPConnection.connect

        def counting_connect(connection):
            opened.append(connection.host)
            return connect(connection)
        with mock.patch.object(urllib3.connection.HTTPConnection, 'connect', counting_connect), patch_module_args(args), \
                contextlib.redirect_stdout(out), pytest.raises(SystemExit):
            module.main()
        self.connections = len(opened)
        result = json.loads(out.getvalue())
        assert not result.get('failed'), result.get('msg')
        return result, self.control('GET', 'requests?since=%d' % before)['requests']

    def apig(self, **args):
        connection = dict(instance_id=S.INSTANCE_ID, region=S.REGION, project_id=S.PROJECT_ID, access_key=S.ACCESS_KEY,
                          secret_key=S.SECRET_KEY, apig_endpoint=self.url, iam_endpoint=self.url)
        connection.update(args)
        return self.run(apig_app_quota, dict((k, v) for k, v in connection.items() if v is not None))

    def acedata(self, **args):
        return self.run(acedata_application, dict(args, api_token=S.ACEDATA_TOKEN, api_url=self.url))


@pytest.fixture(name='server', scope='module')
def server_fixture():
    with BackgroundServer() as server:
        yield server


@pytest.fixture(name='emulator')
def emulator_fixture(server):
    emulator = Emulator(server)
    emulator.control('POST', 'reset')
    return emulator


def writes(sent):
    """The requests of a run that change something (an IAM token exchange does not)."""
    return [r for r in sent if r['method'] != 'GET' and r['path'] != '/v3/auth/tokens']


def quota_lists(sent):
    return [r for r in sent if r['method'] == 'GET' and r['path'].endswith('/app-quotas')]


def assert_unchanged(result, sent):
    assert result['changed'] is False
    assert writes(sent) == []


def test_unchanged_quota_without_apps_is_one_lookup(emulator):
    emulator.apig(name='rc_quota', **LIMITS)
    result, sent = emulator.apig(name='rc_quota', **LIMITS)
    assert_unchanged(result, sent)
    assert len(sent) == 1 and quota_lists(sent) == sent


def test_unchanged_quota_with_apps_is_lookup_and_bindings(emulator):
    emulator.apig(name='rc_bound', apps=APPS, **LIMITS)
    result, sent = emulator.apig(name='rc_bound', apps=APPS, **LIMITS)
    assert_unchanged(result, sent)
    assert len(sent) == 2
    assert [r['path'].rsplit('/', 1)[-1] for r in sent] == ['app-quotas', 'bound-apps']


@pytest.mark.parametrize('auth', [
    dict(project_id=None),
    dict(access_key=None, secret_key=None, user=S.USER_NAME, password=S.USER_PASSWORD, domain=S.DOMAIN_NAME),
    dict(access_key=None, secret_key=None, user=S.USER_NAME, password=S.USER_PASSWORD, domain=S.DOMAIN_NAME,
         project_id=None),
], ids=['aksk-no-project-id', 'password', 'password-no-project-id'])
def test_one_iam_request_per_run_at_most(emulator, auth):
    """The project id is looked up, and the token exchanged, once per module run."""
    emulator.apig(name='rc_quota', **LIMITS)
    result, sent = emulator.apig(name='rc_quota', **dict(LIMITS, **auth))
    assert_unchanged(result, sent)
    assert len(sent) == 2
    assert len([r for r in sent if r['api'] == 'iam']) == 1


def test_unchanged_application_by_uuid_is_one_list(emulator):
    emulator.acedata(service=MIDJOURNEY['id'])
    result, sent = emulator.acedata(service=MIDJOURNEY['id'])
    assert_unchanged(result, sent)
    assert len(sent) == 1


def test_unchanged_application_by_alias_is_two_requests_at_most(emulator):
    emulator.acedata(service=MIDJOURNEY['alias'])
    result, sent = emulator.acedata(service=MIDJOURNEY['alias'])
    assert_unchanged(result, sent)
    assert len(sent) <= 2


def test_one_connection_per_api_and_run(emulator):
    """One session per API and module run: its connection is kept alive for every request."""
    for run in (lambda: emulator.apig(name='rc_bound', apps=APPS, project_id=None, **LIMITS),
                lambda: emulator.acedata(service=MIDJOURNEY['alias'])):
        result, sent = run()
        assert result['changed'] and len(sent) >= 3
        assert emulator.connections == len(set(r['api'] for r in sent))


@pytest.mark.parametrize('others, matches', [('other_%d', 1), ('rc_quota_%d', 600)], ids=['1000-non-matching', '600-fuzzy-matches'])
def test_lookup_reads_only_the_pages_of_fuzzy_matches(emulator, others, matches):
    count = 1000 if matches == 1 else matches - 1
    quotas = [dict(name='rc_quota', **LIMITS)] + [dict(name=others % i, **LIMITS) for i in range(1, count + 1)]
    emulator.control('POST', 'seed', {'apig': {'quotas': quotas}})
    result, sent = emulator.apig(name='rc_quota', **LIMITS)
    assert_unchanged(result, sent)
    assert len(sent) == math.ceil(matches / PAGE) == len(quota_lists(sent))
    assert all('limit=%d' % PAGE in r['query'].split('&') for r in sent)
