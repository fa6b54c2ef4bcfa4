#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
module: apig_app_quota
short_description: Manage credential quotas of a Huawei Cloud API Gateway
version_added: 1.0.0
description:
  - Creates, updates and deletes a credential quota ("app quota") of a Huawei Cloud APIG dedicated gateway,
    and binds the gateway's credentials (apps) to it.
  - A credential quota limits how often the credentials bound to it may call the gateway's APIs in a period.
  - The quota is identified by its O(name) (exact match; the API's own name filter is fuzzy, so every match is read
    and compared).
author:
  - apiops.provisioning contributors (@apiops)
extends_documentation_fragment:
  - apiops.provisioning.huaweicloud
  - apiops.provisioning.transport
attributes:
  check_mode:
    description: Nothing is written; the result is the quota as a real run would leave it.
    support: full
  diff_mode:
    description: Shows the quota's fields and bound apps before and after.
    support: full
options:
  name:
    description:
      - Name of the quota, unique in the gateway.
      - 3 to 255 characters, starting with a letter; letters, digits and underscores.
      - Required unless O(quotas) is given.
    type: str
  call_limits:
    description:
      - How many calls the bound credentials may make in each period, 1 to 2147483647.
      - Required to create the quota; when updating, the current value is kept if not given.
    type: int
  time_unit:
    description:
      - Unit of the period. Required to create the quota; when updating, the current value is kept if not given.
    type: str
    choices: [SECOND, MINUTE, HOUR, DAY]
  time_interval:
    description:
      - Length of the period in O(time_unit)s, 1 to 2147483647.
      - Required to create the quota; when updating, the current value is kept if not given.
    type: int
  reset_time:
    description:
      - When the quota is first reset, as C(YYYY-MM-DD HH:MM:SS).
      - Compared only when given; when not given the API starts counting at the first call.
      - An update that does not give it sends the quota's current one again while it is still to come, so that the
        update keeps it; one in the past is not sent, and a warning says so if the gateway then clears it.
    type: str
  remark:
    description:
      - Description of the quota, at most 255 characters, without C(<) or C(>).
      - Compared only when given; V("") clears it.
    type: str
  apps:
    description:
      - Credentials (APIG apps) to bind to the quota, each given by app id or by the app's exact name (any name an
        app has, hyphens included). A reference that no app has is an error, before anything is written.
      - After binding or unbinding, the module waits until the gateway's reads show the change (at most 180 seconds),
        so that an immediate re-run reports no change.
      - An app can be bound to only one quota; an app bound to another quota is an error that names both quotas.
      - When not given, the bindings are left as they are.
    type: list
    elements: str
  purge_apps:
    description:
      - Unbind the apps bound to the quota that are not listed in O(apps). Needs O(apps).
    type: bool
    default: false
  state:
    description:
      - V(present) creates or updates the quota; V(absent) deletes it (the API removes its bindings too).
    type: str
    choices: [present, absent]
    default: present
  quotas:
    description:
      - Many quotas in one task (the list form); mutually exclusive with the options of a single quota
        (O(name), O(call_limits), O(time_unit), O(time_interval), O(reset_time), O(remark), O(apps),
        O(purge_apps), O(state)).
      - Each item takes the options of a single quota and is judged exactly as a single quota would be.
      - Every item is validated, and every check that needs a read (an unknown app, an app bound to another quota,
        options missing for a create) is made for every item, before the first write; when any item fails them,
        the task fails naming each failing item (for example C(quotas[3]) and its message) and writes nothing.
      - Two items with the same O(quotas[].name), or two items binding the same app, are refused naming both.
      - The quotas of the gateway are read once for all items (one request per 500 quotas, or one lookup per name
        when that is fewer); the apps they bind are resolved from one page of apps.
      - The items that need a change are then applied O(concurrency) at a time over one session; an item that fails
        then is reported failed in RV(results) and the others end as asked.
    type: list
    elements: dict
    suboptions:
      name:
        description: Name of the quota, as O(name).
        type: str
        required: true
      call_limits:
        description: As O(call_limits).
        type: int
      time_unit:
        description: As O(time_unit).
        type: str
        choices: [SECOND, MINUTE, HOUR, DAY]
      time_interval:
        description: As O(time_interval).
        type: int
      reset_time:
        description: As O(reset_time).
        type: str
      remark:
        description: As O(remark).
        type: str
      apps:
        description: As O(apps).
        type: list
        elements: str
      purge_apps:
        description: As O(purge_apps).
        type: bool
        default: false
      state:
        description: As O(state).
        type: str
        choices: [present, absent]
        default: present
  concurrency:
    description:
      - With O(quotas), how many items are written at once (1 to 16), sharing one session and one signature key.
      - An answer HTTP 429 or with C(Retry-After) holds every worker back, not only the one that met it.
    type: int
    default: 4
notes:
  - With O(project_id) given, an unchanged run sends one request (the lookup) without O(apps), and one more to read
    the bindings with O(apps). It never sends a write.
seealso:
  - module: apiops.provisioning.apig_app_quota_info
  - name: Credential quota API reference
    description: The Huawei Cloud APIG API this module calls.
    link: https://support.huaweicloud.com/intl/en-us/api-apig/CreateAppQuota.html
'''

EXAMPLES = r'''
- name: Allow the consumers of the image API 1000 calls a day
  apiops.provisioning.apig_app_quota:
    region: cn-north-4
    instance_id: eddc4d25480b4cd6b512f270a1b8b341
    access_key: "{{ lookup('ansible.builtin.env', 'HUAWEICLOUD_SDK_AK') }}"
    secret_key: "{{ lookup('ansible.builtin.env', 'HUAWEICLOUD_SDK_SK') }}"
    name: images_daily
    call_limits: 1000
    time_unit: DAY
    time_interval: 1
    remark: Consumers of the image API
    apps:
      - consumer_app_a
      - consumer_app_b

- name: Bind exactly these apps (unbind any other)
  apiops.provisioning.apig_app_quota:
    instance_id: eddc4d25480b4cd6b512f270a1b8b341
    name: images_daily
    apps: [consumer_app_a]
    purge_apps: true

- name: Raise the limit, keeping the other settings
  apiops.provisioning.apig_app_quota:
    instance_id: eddc4d25480b4cd6b512f270a1b8b341
    name: images_daily
    call_limits: 5000

- name: Delete the quota (its bindings go with it)
  apiops.provisioning.apig_app_quota:
    instance_id: eddc4d25480b4cd6b512f270a1b8b341
    name: images_daily
    state: absent

- name: Many quotas in one task (one module run), four written at a time
  apiops.provisioning.apig_app_quota:
    instance_id: eddc4d25480b4cd6b512f270a1b8b341
    quotas:
      - name: images_hourly
        call_limits: 100
        time_unit: HOUR
        time_interval: 1
        apps: [consumer_app_a]
      - name: music_hourly
        call_limits: 60
        time_unit: HOUR
        time_interval: 1
        apps: [consumer_app_b]
      - name: retired_quota
        state: absent
  register: quotas
'''

RETURN = r'''
results:
  description:
    - With O(quotas), one entry per item in the order given, shaped like the entries of a registered loop.
    - Each has C(item) (the item as given), C(changed), C(failed), C(msg) when it failed, C(diff) with C(--diff),
      and C(app_quota) (as RV(app_quota) of a single quota; absent for an item that failed).
  returned: when O(quotas) is given
  type: list
  elements: dict
  sample: [{item: {name: images_daily, call_limits: 1000}, changed: true, failed: false, app_quota: {name: images_daily}}]
app_quota:
  description:
    - The quota as read back from the API (as it would be, in check mode), or an empty dict after deletion.
  returned: when O(quotas) is not given
  type: dict
  contains:
    app_quota_id:
      description: Id of the quota (null for a quota check mode would create).
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
      description: First reset time, normalised to C(YYYY-MM-DD HH:MM:SS); null when not set.
      type: str
      sample: '2026-12-01 00:00:00'
    create_time:
      description: When the quota was created, as the API reports it.
      type: str
      sample: '2026-11-23T07:27:47Z'
    bound_app_num:
      description:
        - Number of apps bound to the quota, counted from RV(app_quota.bound_apps) when the bindings were read;
          otherwise what the API says (0 when it says nothing), which is no evidence of the bindings.
      type: int
      sample: 2
    bound_apps:
      description:
        - The apps (credentials) bound to the quota.
        - The bindings are read from the gateway's list of bound apps only when O(apps) is given (so that an unchanged
          run without O(apps) costs a single request). The quota's own count is not used instead, as the API's examples
          show it wrong. M(apiops.provisioning.apig_app_quota_info) always lists them.
      returned: when O(apps) is given
      type: list
      elements: dict
      contains:
        app_id:
          description: Id of the app.
          type: str
          sample: a1f0c3e5b7d94f2a8c6e4b2d0f1a3c5e
        name:
          description: Name of the app.
          type: str
          sample: consumer_app_a
'''

from ansible_collections.apiops.provisioning.plugins.module_utils.apig_app_quota import AppQuota
from ansible_collections.apiops.provisioning.plugins.module_utils.huaweicloud import CONNECTION_ARGSPEC
from ansible_collections.apiops.provisioning.plugins.module_utils.resource import run_resource_module

QUOTA_ITEM_ARGSPEC = dict(
    name=dict(type='str', required=True),
    call_limits=dict(type='int'),
    time_unit=dict(type='str', choices=['SECOND', 'MINUTE', 'HOUR', 'DAY']),
    time_interval=dict(type='int'),
    reset_time=dict(type='str'),
    remark=dict(type='str'),
    apps=dict(type='list', elements='str'),
    purge_apps=dict(type='bool', default=False),
    state=dict(type='str', default='present', choices=['present', 'absent']),
)


def main():
    run_resource_module(AppQuota, 'quotas', CONNECTION_ARGSPEC, QUOTA_ITEM_ARGSPEC)


if __name__ == '__main__':
    main()
