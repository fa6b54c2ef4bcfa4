#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
module: acedata_credential_info
short_description: List the API keys of the caller's Ace Data Cloud applications
version_added: 2.0.0
description:
  - Returns the caller's API keys (platform credentials) on the Ace Data Cloud platform, reading every page of the
    listing, of every application or of one named by O(application_id) or by O(service), O(type) and O(scope).
author:
  - apiops.provisioning contributors (@apiops)
extends_documentation_fragment:
  - apiops.provisioning.acedata
  - apiops.provisioning.transport
  - apiops.provisioning.attributes.INFO_MODULE
options:
  application_id:
    description:
      - Only the keys of this application, by id. Mutually exclusive with O(service), O(type) and O(scope).
    type: str
  service:
    description:
      - Only the keys of the caller's application for this service (UUID or alias), as
        M(apiops.provisioning.acedata_application) names it. No key when that application does not exist.
    type: str
  type:
    description:
      - With O(service) (or O(scope=Global)), the billing type of the application. V(Usage) when not given.
    type: str
    choices: [Usage, Period]
  scope:
    description:
      - With O(service), the scope of the application (V(Individual) when not given); V(Global) alone names the
        account-wide application.
    type: str
    choices: [Individual, Global]
  name:
    description:
      - Only the keys of this name (exact match).
    type: str
  reveal_token:
    description:
      - Return the tokens in full. By default every token is masked to its last four characters.
    type: bool
    default: false
seealso:
  - module: apiops.provisioning.acedata_credential
'''

EXAMPLES = r'''
- name: Read every API key of the account
  apiops.provisioning.acedata_credential_info:
    api_token: "{{ lookup('ansible.builtin.env', 'ACEDATACLOUD_PLATFORM_TOKEN') }}"
  register: keys

- name: Read the key named apig-backend of the Midjourney application
  apiops.provisioning.acedata_credential_info:
    service: midjourney
    name: apig-backend
'''

RETURN = r'''
credentials:
  description:
    - The keys, newest first, each as M(apiops.provisioning.acedata_credential) returns one (tokens masked unless
      O(reveal_token=true)).
  returned: always
  type: list
  elements: dict
  sample:
    - id: 4b1e0c9a-1f0e-4d55-9e0a-3c2b1a0f9e8d
      application_id: 107f8d0f-e465-4a7e-a49e-d633d26f7aa2
      name: apig-backend
      type: Token
      token: '********3f9a'
      limited_amount: 500
'''

from ansible_collections.apiops.provisioning.plugins.module_utils.acedata import CONNECTION_ARGSPEC
from ansible_collections.apiops.provisioning.plugins.module_utils.acedata_credential import CredentialInfo
from ansible_collections.apiops.provisioning.plugins.module_utils.resource import run_info_module

INFO_ARGSPEC = dict(
    application_id=dict(type='str'),
    service=dict(type='str'),
    type=dict(type='str', choices=['Usage', 'Period']),
    scope=dict(type='str', choices=['Individual', 'Global']),
    name=dict(type='str'),
    reveal_token=dict(type='bool', default=False),
)


def main():
    run_info_module(CredentialInfo, CONNECTION_ARGSPEC, INFO_ARGSPEC)


if __name__ == '__main__':
    main()
