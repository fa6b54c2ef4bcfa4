# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""6. TLS: certificates are verified unless ``validate_certs: false``.

A self-signed certificate is made at test time (the ``openssl`` command, else the ``cryptography``
package) and the emulator serves HTTPS with it. With the default ``validate_certs: true`` the
modules fail clearly; with ``validate_certs: false`` they work; with the certificate in
``REQUESTS_CA_BUNDLE`` and validation on, they work too.
"""

from __future__ import annotations

import datetime
import json
import os
import shutil
import subprocess

import pytest

from emulator import seed as S
from emulator.client import EmulatorClient
from emulator.core import BackgroundServer
from reliability_support import (
    APPLICATION_INFO_MODULE,
    APPLICATION_MODULE,
    QUOTA_INFO_MODULE,
    QUOTA_MODULE,
    acedata_connection,
    apig_connection,
    applications_for,
    assert_no_traceback,
    assert_succeeded,
    find_leaks,
    quotas_named,
    task,
)


def self_signed(folder):
    """``(certificate, key)`` PEM files for 127.0.0.1 and localhost, valid for a day."""
    cert, key = os.path.join(folder, 'emulator.crt'), os.path.join(folder, 'emulator.key')
    if shutil.which('openssl'):
        subprocess.run(['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
                        '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-addext', 'basicConstraints=critical,CA:TRUE',
                        '-keyout', key, '-out', cert], check=True, capture_output=True)
        return cert, key
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID
    import ipaddress

    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, '127.0.0.1')])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(private.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
                   .not_valid_after(now + datetime.timedelta(days=1))
                   .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address('127.0.0.1')),
                                                               x509.DNSName('localhost')]), critical=False)
                   .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                   .sign(private, hashes.SHA256()))
    with open(cert, 'wb') as handle:
        handle.write(certificate.public_bytes(serialization.Encoding.PEM))
    with open(key, 'wb') as handle:
        handle.write(private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                           serialization.NoEncryption()))
    return cert, key


@pytest.fixture(scope='module')
def tls_run(tmp_path_factory, runner):
    cert, key = self_signed(str(tmp_path_factory.mktemp('tls')))
    with BackgroundServer(certfile=cert, keyfile=key) as server:
        assert server.url.startswith('https://')
        emulator = EmulatorClient(server.url)
        trusted = {'REQUESTS_CA_BUNDLE': cert}
        tasks = [
            task('apig, certificate verified by default', QUOTA_INFO_MODULE, {}),
            task('acedata, certificate verified by default', APPLICATION_INFO_MODULE, {}),
            task('apig, validate_certs false', QUOTA_MODULE,
                 dict(name='tls_quota', call_limits=1, time_unit='DAY', time_interval=1, validate_certs=False)),
            task('acedata, validate_certs false', APPLICATION_MODULE, {'service': 'midjourney', 'validate_certs': False}),
            task('apig, REQUESTS_CA_BUNDLE', QUOTA_INFO_MODULE, {'name': 'tls_quota'}, environment=trusted),
            task('acedata, REQUESTS_CA_BUNDLE', APPLICATION_INFO_MODULE, {'service': 'midjourney'}, environment=trusted),
        ]
        run = runner.run(tasks, emulator=emulator.url, verbosity=3, defaults={
            'huaweicloud': apig_connection(emulator.url), 'acedata': acedata_connection(emulator.url)})
        yield run, emulator.state()


def leak_check(attempt, run):
    secrets = {'secret_key': S.SECRET_KEY, 'api_token': S.ACEDATA_TOKEN}
    leaks = attempt.leaks(find_leaks(secrets, output=run.text, results=json.dumps([r['result'] for r in run.records])))
    assert not leaks, leaks


@pytest.mark.parametrize('api, name', [('APIG', 'apig, certificate verified by default'),
                                       ('Ace Data Cloud', 'acedata, certificate verified by default')])
def test_self_signed_certificate_is_refused(api, name, tls_run, ledger):
    run, _state = tls_run
    record = run.record(name)
    with ledger.attempt(6, 'self-signed certificate, default validate_certs: true', api) as attempt:
        assert_no_traceback(run)
        leak_check(attempt, run)
        message = record['result'].get('msg') or ''
        assert record['status'] == 'failed', record['result']
        assert 'certificate' in message and 'validate_certs' in message, message
        assert not record['requests'], 'the emulator answered a request it should never have received'


@pytest.mark.parametrize('api, name', [('APIG', 'apig, validate_certs false'), ('Ace Data Cloud', 'acedata, validate_certs false')])
def test_validate_certs_false_works(api, name, tls_run, ledger):
    run, state = tls_run
    with ledger.attempt(6, 'self-signed certificate, validate_certs: false', api) as attempt:
        attempt.duplicates(state)
        leak_check(attempt, run)
        assert_succeeded(run.record(name), changed=True)
        assert len(quotas_named(state, 'tls_quota')) == 1 and len(applications_for(state, 'midjourney')) == 1


@pytest.mark.parametrize('api, name, key', [('APIG', 'apig, REQUESTS_CA_BUNDLE', 'app_quotas'),
                                            ('Ace Data Cloud', 'acedata, REQUESTS_CA_BUNDLE', 'applications')])
def test_trusted_bundle_works_with_validation(api, name, key, tls_run, ledger):
    run, _state = tls_run
    with ledger.attempt(6, 'certificate in REQUESTS_CA_BUNDLE, validate_certs: true', api) as attempt:
        leak_check(attempt, run)
        record = run.record(name)
        assert_succeeded(record, changed=False)
        assert len(record['result'][key]) == 1, record['result']
