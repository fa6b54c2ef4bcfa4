#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
module: acedata_application
short_description: Subscribe to an Ace Data Cloud service (manage a platform Application)
version_added: 1.0.0
description:
  - Ensures the caller has an Application on the Ace Data Cloud platform for a service, a billing O(type) and a
    O(scope). The application holds the balance of the subscription and the credentials (API keys) that call the service.
  - An application is identified by (service, type, scope). When several exist, the newest is managed and a warning
    lists the others.
  - The platform cannot change an application after creation, except O(allow_consume_global); a different value of
    a create-time option (O(tags), O(metadata), O(expired_at)) fails with a message naming the option.
  - The platform cannot delete an application (it answers HTTP 405), so there is no O(state=absent).
author:
  - apiops.provisioning contributors (@apiops)
extends_documentation_fragment:
  - apiops.provisioning.acedata
  - apiops.provisioning.transport
attributes:
  check_mode:
    description: Nothing is written; the result is the application as a real run would leave it.
    support: full
  diff_mode:
    description: Shows the application's managed fields before and after.
    support: full
options:
  service:
    description:
      - The service, by UUID or by alias (for example C(midjourney)).
      - Required when O(scope=Individual); not allowed when O(scope=Global).
      - A UUID costs no lookup; an alias costs one request.
    type: str
  type:
    description:
      - Billing type of the application.
    type: str
    choices: [Usage, Period]
    default: Usage
  scope:
    description:
      - V(Individual) subscribes to one service; V(Global) creates the account-wide application whose balance can be
        shared with every service.
    type: str
    choices: [Individual, Global]
    default: Individual
  allow_consume_global:
    description:
      - Whether the application may spend the balance of the Global application. Compared only when given.
    type: bool
  tags:
    description:
      - Tags set when the application is created. They cannot be changed afterwards.
    type: list
    elements: str
  metadata:
    description:
      - Metadata set when the application is created. It cannot be changed afterwards.
    type: dict
  expired_at:
    description:
      - Expiry set when the application is created, an ISO 8601 date-time such as C(2027-01-31T00:00:00Z).
        It cannot be changed afterwards.
    type: str
  reveal_credentials:
    description:
      - Return the credentials' tokens in full. By default every token is masked to its last four characters.
    type: bool
    default: false
  state:
    description:
      - Only V(present); the platform cannot delete an application.
    type: str
    choices: [present]
    default: present
  applications:
    description:
      - Many applications in one task (the list form); mutually exclusive with the options of a single application
        (O(service), O(type), O(scope), O(allow_consume_global), O(tags), O(metadata), O(expired_at)).
      - Each item takes the options of a single application and is judged exactly as a single application would be.
      - Every item is validated, and every check that needs a read (an unknown service alias, a create-time option
        that differs from the existing application) is made for every item, before the first write; when any item
        fails them, the task fails naming each failing item (for example C(applications[3]) and its message) and creates nothing.
      - Two items for the same service, type and scope are refused naming both.
      - The account's applications are listed once for all items, and the services' aliases are read from that
        listing (or from one reading of the service listing).
      - The items that need a change are then applied O(concurrency) at a time over one session; an item that fails
        then is reported failed in RV(results) and the others end as asked.
      - O(reveal_credentials) applies to every item.
    type: list
    elements: dict
    suboptions:
      service:
        description: As O(service).
        type: str
      type:
        description: As O(type).
        type: str
        choices: [Usage, Period]
        default: Usage
      scope:
        description: As O(scope).
        type: str
        choices: [Individual, Global]
        default: Individual
      allow_consume_global:
        description: As O(allow_consume_global).
        type: bool
      tags:
        description: As O(tags).
        type: list
        elements: str
      metadata:
        description: As O(metadata).
        type: dict
      expired_at:
        description: As O(expired_at).
        type: str
  concurrency:
    description:
      - With O(applications), how many items are written at once (1 to 16), sharing one session and one token.
      - An answer HTTP 429 or with C(Retry-After) holds every worker back, not only the one that met it.
    type: int
    default: 4
notes:
  - An unchanged run sends one request with a service UUID and two with an alias, and never a write.
  - A create that fails ambiguously (a timeout or a server error) is followed by a new lookup, never by a blind
    second create, so a run never makes a second application for the same service, type and scope.
seealso:
  - module: apiops.provisioning.acedata_application_info
  - name: Create Application
    description: The platform API this module calls.
    link: https://platform.acedata.cloud/documents/platform-application-create
'''

EXAMPLES = r'''
- name: Subscribe to Midjourney, billed by usage
  apiops.provisioning.acedata_application:
    api_token: "{{ lookup('ansible.builtin.env', 'ACEDATACLOUD_PLATFORM_TOKEN') }}"
    service: midjourney
  register: subscription

- name: Subscribe by service UUID, with metadata, and forbid spending the global balance
  apiops.provisioning.acedata_application:
    service: d87e5e99-b797-4ade-9e73-b896896b0461
    type: Period
    allow_consume_global: false
    tags: [team-images]
    metadata:
      cost_center: cc-1042

- name: Ensure the account-wide Global application
  apiops.provisioning.acedata_application:
    scope: Global

- name: Subscribe to several services in one task (one module run)
  apiops.provisioning.acedata_application:
    applications:
      - service: midjourney
      - service: suno
        type: Period
      - scope: Global
  register: subscriptions
'''

RETURN = r'''
results:
  description:
    - With O(applications), one entry per item in the order given, shaped like the entries of a registered loop.
    - Each has C(item) (the item as given), C(changed), C(failed), C(msg) when it failed, C(diff) with C(--diff),
      and C(application) (as RV(application) of a single application; absent for an item that failed).
  returned: when O(applications) is given
  type: list
  elements: dict
  sample: [{item: {service: midjourney, type: Usage, scope: Individual}, changed: true, failed: false, application: {}}]
application:
  description:
    - The application as the platform returns it (as it would be, in check mode).
    - Credential tokens are masked to their last four characters unless O(reveal_credentials=true).
  returned: when O(applications) is not given
  type: dict
  contains:
    id:
      description: Id of the application (null for one check mode would create).
      type: str
      sample: 107f8d0f-e465-4a7e-a49e-d633d26f7aa2
    service_id:
      description: Id of the service (null for a Global application).
      type: str
      sample: d87e5e99-b797-4ade-9e73-b896896b0461
    type:
      description: Billing type.
      type: str
      sample: Usage
    scope:
      description: Scope.
      type: str
      sample: Individual
    allow_consume_global:
      description: Whether the Global balance may be spent.
      type: bool
      sample: true
    remaining_amount:
      description: Remaining balance, in credits.
      type: float
      sample: 0
    credentials:
      description: The application's credentials (API keys); tokens masked unless revealed.
      type: list
      elements: dict
      sample: [{id: 4b1e0c9a-1f0e-4d55-9e0a-3c2b1a0f9e8d, token: '********3f9a', type: Token}]
    service:
      description: The service, as C(id), C(alias) and C(name).
      type: dict
      sample: {id: d87e5e99-b797-4ade-9e73-b896896b0461, alias: midjourney, name: Midjourney}
    tags:
      description: Tags set at creation.
      type: list
      elements: str
      sample: [team-images]
    metadata:
      description: Metadata set at creation.
      type: dict
      sample: {cost_center: cc-1042}
    expired_at:
      description: Expiry set at creation.
      type: str
      sample: null
    created_at:
      description: Creation time.
      type: str
      sample: '2026-11-23T10:00:00.000000Z'
'''

from ansible_collections.apiops.provisioning.plugins.module_utils.acedata import CONNECTION_ARGSPEC
from ansible_collections.apiops.provisioning.plugins.module_utils.acedata_application import Application
from ansible_collections.apiops.provisioning.plugins.module_utils.resource import run_resource_module

APPLICATION_ITEM_ARGSPEC = dict(
    service=dict(type='str'),
    type=dict(type='str', default='Usage', choices=['Usage', 'Period']),
    scope=dict(type='str', default='Individual', choices=['Individual', 'Global']),
    allow_consume_global=dict(type='bool'),
    tags=dict(type='list', elements='str'),
    metadata=dict(type='dict'),
    expired_at=dict(type='str'),
)
# The options of the task as a whole, for the single application or every item of the list.
APPLICATION_TASK_ARGSPEC = dict(
    reveal_credentials=dict(type='bool', default=False),
    state=dict(type='str', default='present', choices=['present']),
)


def main():
    run_resource_module(Application, 'applications', CONNECTION_ARGSPEC, APPLICATION_ITEM_ARGSPEC, APPLICATION_TASK_ARGSPEC)


if __name__ == '__main__':
    main()
