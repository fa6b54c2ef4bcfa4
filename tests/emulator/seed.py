# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The default seed: the accounts, gateway, consumer apps and services the emulator starts with.

These are fake, public test values. Tests, the demo and the benchmarks use them.
"""

REGION = 'cn-north-4'
PROJECT_ID = '0b1c5e7d9a4f4e2b8c6d3a1f2e4b6c8d'
DOMAIN_ID = '5d1e3f7a9b2c4d6e8f0a1b3c5d7e9f1a'
DOMAIN_NAME = 'acme'
INSTANCE_ID = 'eddc4d25480b4cd6b512f270a1b8b341'
ACCESS_KEY = 'EMULATORAK7Q2X9LM4PB'
SECRET_KEY = 'emulatorSK3vQ9zT6wY1uR8pL5nK2jH4gF7dS0aZ'
USER_NAME = 'provisioner'
USER_PASSWORD = 'emulator-Passw0rd!'

ACEDATA_TOKEN = 'platform-v1-5b8f0e2c9a7d4e61b3f8a2c4d6e8f0a1'
ACEDATA_USER_ID = 'b87f67c1-b04f-4332-99a1-7a5e651331c6'

DEFAULT_SEED = {
    'iam': {
        'domains': [{'id': DOMAIN_ID, 'name': DOMAIN_NAME}],
        'projects': [{'id': PROJECT_ID, 'name': REGION, 'domain_id': DOMAIN_ID}],
        'users': [{'name': USER_NAME, 'password': USER_PASSWORD, 'domain': DOMAIN_NAME,
                   'id': '7a9c1e3b5d7f4a2c8e6b0d2f4a6c8e0b'}],
        'access_keys': [{'access': ACCESS_KEY, 'secret': SECRET_KEY}],
        'token_ttl_seconds': 86400,
    },
    'apig': {
        'instances': [{'id': INSTANCE_ID, 'project_id': PROJECT_ID}],
        'apps': [
            {'instance_id': INSTANCE_ID, 'id': 'a1f0c3e5b7d94f2a8c6e4b2d0f1a3c5e', 'name': 'consumer_app_a',
             'remark': 'Consumer A', 'app_key': 'a1f0c3e5b7d94f2a8c6e4b2d0f1a3c5e'},
            {'instance_id': INSTANCE_ID, 'id': 'b2e1d4f6c8a05e3b9d7f5c3e1a2b4d6f', 'name': 'consumer_app_b',
             'remark': 'Consumer B', 'app_key': 'b2e1d4f6c8a05e3b9d7f5c3e1a2b4d6f'},
            {'instance_id': INSTANCE_ID, 'id': 'c3f2e5a7d9b16f4c0e8a6d4f2b3c5e7a', 'name': 'consumer_app_c',
             'remark': 'Consumer C', 'app_key': 'c3f2e5a7d9b16f4c0e8a6d4f2b3c5e7a'},
            {'instance_id': INSTANCE_ID, 'id': 'd4a3f6b8e0c27a5d1f9b7e5a3c4d6f8b', 'name': 'consumer_app_ab',
             'remark': 'Name shares a prefix with consumer_app_a', 'app_key': 'd4a3f6b8e0c27a5d1f9b7e5a3c4d6f8b'},
        ],
        'quotas': [],
    },
    'acedata': {
        'tokens': [{'token': ACEDATA_TOKEN, 'user_id': ACEDATA_USER_ID,
                    'permissions': ['applications:read', 'applications:write',
                                    'credentials:read', 'credentials:write']}],
        'users': [{'id': ACEDATA_USER_ID, 'username': 'provisioner', 'email': 'provisioner@example.com'}],
        'services': [
            {'id': 'd87e5e99-b797-4ade-9e73-b896896b0461', 'alias': 'midjourney', 'title': 'Midjourney'},
            {'id': '2f6c1a9e-3b8d-4e7f-a1c5-9d2b4f6e8a01', 'alias': 'suno', 'title': 'Suno'},
            {'id': '7c4e2a1b-9d3f-4b6a-8e5c-1f3a5b7d9e02', 'alias': 'openai', 'title': 'OpenAI'},
            {'id': '9a1b3c5d-7e9f-4a2b-8c4d-6e8f0a2b4c03', 'alias': 'midjourney-fast', 'title': 'Midjourney Fast'},
        ],
        'applications': [],
    },
}

# The seed values the integration tests get, by variable name (tests/integration: the nox sessions
# writes them to integration_config.yml, the setup target setup_emulator sets them as facts).
INTEGRATION_VARS = (
    ('apig_region', 'REGION'),
    ('apig_project_id', 'PROJECT_ID'),
    ('apig_instance_id', 'INSTANCE_ID'),
    ('apig_access_key', 'ACCESS_KEY'),
    ('apig_secret_key', 'SECRET_KEY'),
    ('apig_user', 'USER_NAME'),
    ('apig_password', 'USER_PASSWORD'),
    ('apig_domain', 'DOMAIN_NAME'),
    ('acedata_api_token', 'ACEDATA_TOKEN'),
)


def integration_config(url, reading=''):
    """The integration tests' variables for an emulator at ``url`` playing ``reading``, in order."""
    values = [('emulator_url', url), ('apig_endpoint', url), ('iam_endpoint', url), ('acedata_api_url', url),
              ('emulator_reading', reading)]
    values += [(name, str(globals()[constant])) for name, constant in INTEGRATION_VARS]
    return dict(values)
