#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
module: acedata_service_info
short_description: List the Ace Data Cloud services and their aliases
version_added: 1.1.0
description:
  - Returns the services of the Ace Data Cloud platform (every page of the listing), each with its C(alias), the name
    the other modules take in their O(service) option (for example C(midjourney)).
  - The service listing is public, so O(api_token) is optional here; when given, each service's C(applied) says whether
    the account has an application for it.
author:
  - apiops.provisioning contributors (@apiops)
extends_documentation_fragment:
  - apiops.provisioning.acedata
  - apiops.provisioning.transport
  - apiops.provisioning.attributes.INFO_MODULE
options:
  service:
    description:
      - Only the service with this alias (exact) or UUID.
    type: str
  search:
    description:
      - Only the services whose alias or title contains this text (case-insensitive).
    type: str
  type:
    description:
      - Only the services of this type.
    type: str
    choices: [Api, Proxy, Integration, Dataset, Introduction, Agent]
notes:
  - Unlike the other C(acedata_*) modules, this one works without a platform token.
seealso:
  - module: apiops.provisioning.acedata_application
'''

EXAMPLES = r'''
- name: List every service alias
  apiops.provisioning.acedata_service_info: {}
  register: catalogue

- name: Show the aliases
  ansible.builtin.debug:
    msg: "{{ catalogue.aliases | join(', ') }}"

- name: Find the image generation services
  apiops.provisioning.acedata_service_info:
    search: midjourney
  register: image_services
'''

RETURN = r'''
services:
  description:
    - The services, in the platform's order, as the platform returns them.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: UUID of the service.
      type: str
      sample: d87e5e99-b797-4ade-9e73-b896896b0461
    alias:
      description: The short name the other modules accept in O(service).
      type: str
      sample: midjourney
    title:
      description: Display name.
      type: str
      sample: Midjourney
    type:
      description: Kind of service.
      type: str
      sample: Api
    applied:
      description: Whether the account has an application for the service (false without a token).
      type: bool
      sample: false
aliases:
  description: The aliases of the returned services, sorted.
  returned: always
  type: list
  elements: str
  sample: [midjourney, openai, suno]
'''

from ansible_collections.apiops.provisioning.plugins.module_utils.acedata import CONNECTION_ARGSPEC
from ansible_collections.apiops.provisioning.plugins.module_utils.acedata_service import ServiceInfo
from ansible_collections.apiops.provisioning.plugins.module_utils.resource import run_info_module

INFO_ARGSPEC = dict(
    service=dict(type='str'),
    search=dict(type='str'),
    type=dict(type='str', choices=['Api', 'Proxy', 'Integration', 'Dataset', 'Introduction', 'Agent']),
)


def main():
    run_info_module(ServiceInfo, CONNECTION_ARGSPEC, INFO_ARGSPEC)


if __name__ == '__main__':
    main()
