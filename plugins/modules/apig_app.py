#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
module: apig_app
short_description: Manage credentials (apps) of a Huawei Cloud API Gateway and the APIs they may call
version_added: 2.0.0
description:
  - Creates, updates and deletes a credential ("app") of a Huawei Cloud APIG dedicated gateway, resets or sets its
    secret, and authorizes it to call the gateway's APIs in one environment.
  - The app is identified by its O(name) (exact match; the API's lookup is made with its precise name search and the
    exact matches kept).
  - The app's secret is never shown unless O(reveal_secret) is set; every secret the module reads is hidden from
    Ansible's output, diff, warnings and errors.
author:
  - apiops.provisioning contributors (@apiops)
extends_documentation_fragment:
  - apiops.provisioning.huaweicloud
  - apiops.provisioning.transport
attributes:
  check_mode:
    description: Nothing is written; the result is the app as a real run would leave it (a new secret is not known).
    support: full
  diff_mode:
    description: Shows the app's name, remark, key and authorized APIs before and after, and a marker (never the
      secret) when the secret changes.
    support: full
options:
  name:
    description:
      - Name of the app, unique in the gateway. The gateway accepts 3 to 64 characters, starting with a letter;
        letters, digits and underscores (an existing app's own name is always accepted).
      - Required unless O(apps) is given.
    type: str
  remark:
    description:
      - Description of the app, at most 255 characters, without C(<) or C(>). Compared only when given; V("") clears it.
    type: str
  app_key:
    description:
      - The app's key, set when the app is created (the gateway generates one when it is not given). Not a secret.
      - 8 to 200 characters, letters, digits, C(_) and C(-), starting with a letter or digit.
      - The key of an existing app cannot be changed; a different one is an error naming the option.
    type: str
  app_secret:
    description:
      - The app's secret, set when the app is created (the gateway generates one when it is not given); see
        O(update_secret).
      - 8 to 128 characters, letters, digits and C(_-!@#$%), starting with a letter or digit.
    type: str
  update_secret:
    description:
      - V(on_create) sets O(app_secret) only when the app is created.
      - V(always) writes O(app_secret) whenever the app's secret differs from it.
    type: str
    choices: [on_create, always]
    default: on_create
  reset_secret:
    description:
      - Ask the gateway for a new secret (the old one stops working at once). An action, so every run that sets it
        reports a change (in check mode too); the key stays as it is.
      - With O(app_secret) and O(update_secret=always) the new secret is O(app_secret); otherwise the gateway makes
        one, returned masked unless O(reveal_secret).
      - A new app's secret is new already, so creating an app does not reset it again.
    type: bool
    default: false
  apis:
    description:
      - The APIs the app is authorized to call in O(environment), each given by id or by exact name. An API name
        used in several groups must be given by id.
      - An unknown API (or environment), or one not published in O(environment), is an error naming it, before
        anything is written, in check mode too.
      - After authorizing, the module waits until the gateway's reads show it (at most 180 seconds), so that an
        immediate re-run reports no change.
      - When not given, the authorizations are left as they are and not read.
    type: list
    elements: str
  environment:
    description:
      - The environment (name or id) of the authorizations.
    type: str
    default: RELEASE
  purge_apis:
    description:
      - Cancel the app's authorizations in O(environment) of the APIs not listed in O(apis). Needs O(apis).
    type: bool
    default: false
  reveal_secret:
    description:
      - Return the app's secret in full. When false, RV(app.app_secret) is masked to its last four characters
        (eight C(*) and the last four) and the secret is hidden from every output.
      - A secret given in O(app_secret) stays hidden by Ansible (the option is C(no_log)) even when revealed.
    type: bool
    default: false
  state:
    description:
      - V(present) creates or updates the app; V(absent) deletes it (the gateway removes its quota binding and its
        authorizations with it).
    type: str
    choices: [present, absent]
    default: present
  apps:
    description:
      - Many apps in one task (the list form); mutually exclusive with the options of a single app.
      - Each item takes the options of a single app and is judged exactly as a single app would be.
      - Every item is validated, and every check that needs a read (an unknown API or environment, a key that
        differs) is made for every item, before the first write; when any item fails them, the task fails naming
        each failing item (for example C(apps[3])) and writes nothing.
      - Two items with the same O(apps[].name) are refused naming both.
      - The apps of the gateway are listed once for all items, the environments and APIs once, and the apps' quotas
        from the quotas' bindings when the gateway has fewer quotas than the list has apps.
      - The items that need a change are then applied O(concurrency) at a time over one session.
      - O(reveal_secret) applies to every item (as O(apiops.provisioning.acedata_credential#module:reveal_token) and
        O(apiops.provisioning.acedata_application#module:reveal_credentials) do in their list forms).
    type: list
    elements: dict
    suboptions:
      name:
        description: Name of the app, as O(name).
        type: str
        required: true
      remark:
        description: As O(remark).
        type: str
      app_key:
        description: As O(app_key).
        type: str
      app_secret:
        description: As O(app_secret).
        type: str
      update_secret:
        description: As O(update_secret).
        type: str
        choices: [on_create, always]
        default: on_create
      reset_secret:
        description: As O(reset_secret).
        type: bool
        default: false
      apis:
        description: As O(apis).
        type: list
        elements: str
      environment:
        description: As O(environment).
        type: str
        default: RELEASE
      purge_apis:
        description: As O(purge_apis).
        type: bool
        default: false
      state:
        description: As O(state).
        type: str
        choices: [present, absent]
        default: present
  concurrency:
    description:
      - With O(apps), how many items are written at once (1 to 16), sharing one session and one signature key.
    type: int
    default: 4
notes:
  - An unchanged run without O(apis) costs three requests (the lookup, the app's detail, for its whole secret and
    remark, and its bound quota); O(apis) adds the environments, the APIs and the app's authorizations.
seealso:
  - module: apiops.provisioning.apig_app_info
  - module: apiops.provisioning.apig_app_quota
  - name: App API reference
    description: The Huawei Cloud APIG API this module calls.
    link: https://support.huaweicloud.com/intl/en-us/api-apig/CreateApp.html
'''

EXAMPLES = r'''
- name: A consumer credential authorized to call two APIs in RELEASE
  apiops.provisioning.apig_app:
    region: cn-north-4
    instance_id: eddc4d25480b4cd6b512f270a1b8b341
    access_key: "{{ lookup('ansible.builtin.env', 'HUAWEICLOUD_SDK_AK') }}"
    secret_key: "{{ lookup('ansible.builtin.env', 'HUAWEICLOUD_SDK_SK') }}"
    name: consumer_app_a
    remark: Team A
    apis: [mj_imagine, mj_fetch]
  register: app

- name: Exactly these APIs in the TEST environment (cancel any other)
  apiops.provisioning.apig_app:
    instance_id: eddc4d25480b4cd6b512f270a1b8b341
    name: consumer_app_a
    apis: [mj_imagine]
    environment: TEST
    purge_apis: true

- name: A new secret, shown once to store it elsewhere
  apiops.provisioning.apig_app:
    instance_id: eddc4d25480b4cd6b512f270a1b8b341
    name: consumer_app_a
    reset_secret: true
    reveal_secret: true
  register: rotated
  no_log: true

- name: Keep the secret at a value kept elsewhere (written whenever it differs)
  apiops.provisioning.apig_app:
    instance_id: eddc4d25480b4cd6b512f270a1b8b341
    name: consumer_app_b
    app_secret: "{{ consumer_b_secret }}"
    update_secret: always
  vars:
    consumer_b_secret: "{{ lookup('ansible.builtin.env', 'CONSUMER_B_SECRET') | default('Consumer_B_secret_2026', true) }}"

- name: Many apps in one task
  apiops.provisioning.apig_app:
    instance_id: eddc4d25480b4cd6b512f270a1b8b341
    apps:
      - name: consumer_app_c
        apis: [suno_generate]
      - name: consumer_app_d
        remark: Team D
      - name: retired_app
        state: absent

- name: Delete an app (its quota binding and authorizations go with it)
  apiops.provisioning.apig_app:
    instance_id: eddc4d25480b4cd6b512f270a1b8b341
    name: consumer_app_d
    state: absent
'''

RETURN = r'''
results:
  description:
    - With O(apps), one entry per item in the order given, shaped like the entries of a registered loop.
    - Each has C(item), C(changed), C(failed), C(msg) when it failed, C(diff) with C(--diff), and C(app) (as RV(app)
      of a single app; absent for an item that failed).
  returned: when O(apps) is given
  type: list
  elements: dict
  sample: [{item: {name: consumer_app_a}, changed: false, failed: false, app: {name: consumer_app_a}}]
app:
  description:
    - The app as read back from the API (as it would be, in check mode), or an empty dict after deletion.
    - Keys are those the API returns, plus RV(app.authorized_apis) and RV(app.app_quota).
  returned: when O(apps) is not given
  type: dict
  contains:
    id:
      description: Id of the app (null for an app check mode would create).
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
      description: The app's key (null for a new app in check mode, unless O(app_key) is given).
      type: str
      sample: a1f0c3e5b7d94f2a8c6e4b2d0f1a3c5e
    app_secret:
      description:
        - The app's secret, masked to its last four characters (C(********) and the last four) unless O(reveal_secret).
        - Null in check mode when the secret is new (created or reset) and not given.
      type: str
      sample: '********3c5e'
    creator:
      description: Who created the app, as the API says (C(USER) for apps created through the API).
      type: str
      sample: USER
    register_time:
      description: When the app was created.
      type: str
      sample: '2026-11-23T07:27:47Z'
    update_time:
      description: When the app was last changed.
      type: str
      sample: '2026-11-23T07:27:47Z'
    status:
      description: Status of the app (1 is valid).
      type: int
      sample: 1
    app_type:
      description: Type of the app.
      type: str
      sample: apig
    authorized_apis:
      description: The APIs the app is authorized to call in O(environment).
      returned: when O(apis) is given
      type: list
      elements: dict
      contains:
        api_id:
          description: Id of the API.
          type: str
          sample: 5f918d104dc84480a75166ba99efff21
        name:
          description: Name of the API.
          type: str
          sample: mj_imagine
    app_quota:
      description: The credential quota the app is bound to, as C(app_quota_id) and C(name), or null.
      type: dict
      sample: {app_quota_id: c900c5612dbe451bb43cbcc49cfaf2f3, name: images_daily}
'''

from ansible_collections.apiops.provisioning.plugins.module_utils.apig_app import App
from ansible_collections.apiops.provisioning.plugins.module_utils.huaweicloud import CONNECTION_ARGSPEC
from ansible_collections.apiops.provisioning.plugins.module_utils.resource import run_resource_module

APP_ITEM_ARGSPEC = dict(
    name=dict(type='str', required=True),
    remark=dict(type='str'),
    app_key=dict(type='str', no_log=False),
    app_secret=dict(type='str', no_log=True),
    update_secret=dict(type='str', default='on_create', choices=['on_create', 'always']),
    reset_secret=dict(type='bool', default=False),
    apis=dict(type='list', elements='str'),
    environment=dict(type='str', default='RELEASE'),
    purge_apis=dict(type='bool', default=False),
    state=dict(type='str', default='present', choices=['present', 'absent']),
)
# How the result is shown, for the single app or every item of the list.
APP_TASK_ARGSPEC = dict(reveal_secret=dict(type='bool', default=False))


def main():
    run_resource_module(App, 'apps', CONNECTION_ARGSPEC, APP_ITEM_ARGSPEC, APP_TASK_ARGSPEC)


if __name__ == '__main__':
    main()
