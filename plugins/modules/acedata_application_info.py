#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
module: acedata_application_info
short_description: List the caller's Ace Data Cloud applications
version_added: 1.0.0
description:
  - Returns the caller's Applications on the Ace Data Cloud platform, reading every page of the listing.
author:
  - apiops.provisioning contributors (@apiops)
extends_documentation_fragment:
  - apiops.provisioning.acedata
  - apiops.provisioning.transport
  - apiops.provisioning.attributes.INFO_MODULE
options:
  service:
    description:
      - Only the applications of this service, given by UUID or alias.
    type: str
  type:
    description:
      - Only applications of this billing type.
    type: str
    choices: [Usage, Period]
  scope:
    description:
      - Only applications of this scope.
    type: str
    choices: [Individual, Global]
  reveal_credentials:
    description:
      - Return the credentials' tokens in full. By default every token is masked to its last four characters.
    type: bool
    default: false
seealso:
  - module: apiops.provisioning.acedata_application
'''

EXAMPLES = r'''
- name: Read every application of the account
  apiops.provisioning.acedata_application_info:
    api_token: "{{ lookup('ansible.builtin.env', 'ACEDATACLOUD_PLATFORM_TOKEN') }}"
  register: apps

- name: Read the Midjourney applications billed by usage
  apiops.provisioning.acedata_application_info:
    service: midjourney
    type: Usage
'''

RETURN = r'''
applications:
  description:
    - The applications, newest first, each as M(apiops.provisioning.acedata_application) returns one
      (credential tokens masked unless O(reveal_credentials=true)).
  returned: always
  type: list
  elements: dict
  sample:
    - id: 107f8d0f-e465-4a7e-a49e-d633d26f7aa2
      service_id: d87e5e99-b797-4ade-9e73-b896896b0461
      type: Usage
      scope: Individual
      allow_consume_global: true
      credentials: [{id: 4b1e0c9a-1f0e-4d55-9e0a-3c2b1a0f9e8d, token: '********3f9a', type: Token}]
'''

from ansible_collections.apiops.provisioning.plugins.module_utils.acedata import CONNECTION_ARGSPEC
from ansible_collections.apiops.provisioning.plugins.module_utils.acedata_application import ApplicationInfo
from ansible_collections.apiops.provisioning.plugins.module_utils.resource import run_info_module

INFO_ARGSPEC = dict(
    service=dict(type='str'),
    type=dict(type='str', choices=['Usage', 'Period']),
    scope=dict(type='str', choices=['Individual', 'Global']),
    reveal_credentials=dict(type='bool', default=False),
)


def main():
    run_info_module(ApplicationInfo, CONNECTION_ARGSPEC, INFO_ARGSPEC)


if __name__ == '__main__':
    main()
