#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
module: apig_app_info
short_description: List the credentials (apps) of a Huawei Cloud API Gateway
version_added: 2.0.0
description:
  - Returns every credential ("app") of an APIG dedicated gateway, reading all pages of the API's list, each with the
    credential quota it is bound to.
  - Secrets are masked to their last four characters unless O(reveal_secret).
author:
  - apiops.provisioning contributors (@apiops)
extends_documentation_fragment:
  - apiops.provisioning.huaweicloud
  - apiops.provisioning.transport
  - apiops.provisioning.attributes.INFO_MODULE
options:
  name:
    description:
      - Return only the app with exactly this name. Mutually exclusive with O(names).
    type: str
  names:
    description:
      - Return only the apps with exactly these names, in this order; a name no app has is left out.
      - An empty list returns no app and sends no request. Mutually exclusive with O(name).
    type: list
    elements: str
  reveal_secret:
    description:
      - Return the apps' secrets in full; when false each is masked to its last four characters and hidden from
        every output.
    type: bool
    default: false
notes:
  - Each app costs a read of its detail when the list does not show its whole secret or its remark, and one of
    its bound quota.
seealso:
  - module: apiops.provisioning.apig_app
'''

EXAMPLES = r'''
- name: Read every app of the gateway
  apiops.provisioning.apig_app_info:
    region: cn-north-4
    instance_id: eddc4d25480b4cd6b512f270a1b8b341
  register: apps

- name: Show which quota throttles each app
  ansible.builtin.debug:
    msg: "{{ item.name }}: {{ (item.app_quota or {}).name | default('no quota') }}"
  loop: "{{ apps.apps }}"

- name: Read two apps by name
  apiops.provisioning.apig_app_info:
    instance_id: eddc4d25480b4cd6b512f270a1b8b341
    names: [consumer_app_a, consumer_app_b]
'''

RETURN = r'''
apps:
  description: The apps, each as M(apiops.provisioning.apig_app) returns one (without C(authorized_apis)).
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Id of the app.
      type: str
      sample: a1f0c3e5b7d94f2a8c6e4b2d0f1a3c5e
    name:
      description: Name of the app.
      type: str
      sample: consumer_app_a
    remark:
      description: Description (empty when none).
      type: str
      sample: Team A
    app_key:
      description: The app's key.
      type: str
      sample: a1f0c3e5b7d94f2a8c6e4b2d0f1a3c5e
    app_secret:
      description: The app's secret, masked to its last four characters unless O(reveal_secret).
      type: str
      sample: '********3c5e'
    app_quota:
      description: The credential quota the app is bound to, as C(app_quota_id) and C(name), or null.
      type: dict
      sample: {app_quota_id: c900c5612dbe451bb43cbcc49cfaf2f3, name: images_daily}
'''

from ansible_collections.apiops.provisioning.plugins.module_utils.apig_app import AppInfo
from ansible_collections.apiops.provisioning.plugins.module_utils.huaweicloud import CONNECTION_ARGSPEC
from ansible_collections.apiops.provisioning.plugins.module_utils.resource import run_info_module

INFO_ARGSPEC = dict(name=dict(type='str'), names=dict(type='list', elements='str'),
                    reveal_secret=dict(type='bool', default=False))


def main():
    run_info_module(AppInfo, CONNECTION_ARGSPEC, INFO_ARGSPEC, mutually_exclusive=[('name', 'names')])


if __name__ == '__main__':
    main()
