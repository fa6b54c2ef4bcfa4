#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
module: apig_app_quota_info
short_description: List the credential quotas of a Huawei Cloud API Gateway
version_added: 1.0.0
description:
  - Returns every credential quota ("app quota") of an APIG dedicated gateway, reading all pages of the API's list,
    each with the apps (credentials) bound to it.
author:
  - apiops.provisioning contributors (@apiops)
extends_documentation_fragment:
  - apiops.provisioning.huaweicloud
  - apiops.provisioning.transport
  - apiops.provisioning.attributes.INFO_MODULE
options:
  name:
    description:
      - Return only the quota with exactly this name (the API's own filter is fuzzy; the exact match is made here).
      - Mutually exclusive with O(names).
    type: str
  names:
    description:
      - Return only the quotas with exactly these names, in this order; a name no quota has is left out.
      - Reads several quotas in one task. One page of quotas is read first; when the gateway holds at most 500 quotas,
        that one request finds them all. Otherwise each name is then looked up with the API's (fuzzy) name filter, one
        request per 500 quotas whose names contain it, at least one.
      - A quota with bound apps costs one more request for its bindings, as with O(name).
      - An empty list returns no quota and sends no request.
      - Mutually exclusive with O(name).
    type: list
    elements: str
    version_added: 1.1.0
seealso:
  - module: apiops.provisioning.apig_app_quota
'''

EXAMPLES = r'''
- name: Read every quota of the gateway
  apiops.provisioning.apig_app_quota_info:
    region: cn-north-4
    instance_id: eddc4d25480b4cd6b512f270a1b8b341
  register: quotas

- name: Show which apps each quota throttles
  ansible.builtin.debug:
    msg: "{{ item.name }}: {{ item.bound_apps | map(attribute='name') | join(', ') }}"
  loop: "{{ quotas.app_quotas }}"

- name: Read one quota by its exact name
  apiops.provisioning.apig_app_quota_info:
    instance_id: eddc4d25480b4cd6b512f270a1b8b341
    name: images_daily

- name: Read several quotas in one task
  apiops.provisioning.apig_app_quota_info:
    instance_id: eddc4d25480b4cd6b512f270a1b8b341
    names: [images_daily, chat_hourly]
'''

RETURN = r'''
app_quotas:
  description: The quotas, each as M(apiops.provisioning.apig_app_quota) returns one.
  returned: always
  type: list
  elements: dict
  contains:
    app_quota_id:
      description: Id of the quota.
      type: str
      sample: c900c5612dbe451bb43cbcc49cfaf2f3
    name:
      description: Name of the quota.
      type: str
      sample: images_daily
    call_limits:
      description: Calls allowed per period.
      type: int
      sample: 1000
    time_unit:
      description: Unit of the period.
      type: str
      sample: DAY
    time_interval:
      description: Length of the period.
      type: int
      sample: 1
    remark:
      description: Description (empty when none).
      type: str
      sample: Consumers of the image API
    reset_time:
      description: First reset time as C(YYYY-MM-DD HH:MM:SS); null when not set.
      type: str
      sample: '2026-12-01 00:00:00'
    create_time:
      description: When the quota was created.
      type: str
      sample: '2026-11-23T07:27:47Z'
    bound_app_num:
      description: Number of apps bound to the quota.
      type: int
      sample: 1
    bound_apps:
      description: The apps bound to the quota, as C(app_id) and C(name).
      type: list
      elements: dict
      sample: [{app_id: a1f0c3e5b7d94f2a8c6e4b2d0f1a3c5e, name: consumer_app_a}]
'''

from ansible_collections.apiops.provisioning.plugins.module_utils.apig_app_quota import AppQuotaInfo
from ansible_collections.apiops.provisioning.plugins.module_utils.huaweicloud import CONNECTION_ARGSPEC
from ansible_collections.apiops.provisioning.plugins.module_utils.resource import run_info_module

INFO_ARGSPEC = dict(name=dict(type='str'), names=dict(type='list', elements='str'))


def main():
    run_info_module(AppQuotaInfo, CONNECTION_ARGSPEC, INFO_ARGSPEC, mutually_exclusive=[('name', 'names')])


if __name__ == '__main__':
    main()
