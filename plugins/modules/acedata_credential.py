#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
module: acedata_credential
short_description: Manage the API keys of an Ace Data Cloud application
version_added: 2.0.0
description:
  - Creates, updates, rotates and deletes an API key (a platform credential) of an Application on the Ace Data Cloud
    platform, the key that calls the services at C(api.acedata.cloud).
  - The key is identified by its O(name) within its application (exact match). The application is named by
    O(application_id), or by O(service), O(type) and O(scope) exactly as M(apiops.provisioning.acedata_application)
    names it; it must exist (except in check mode, where a key of an application the same run would create is
    predicted as a create).
  - When several keys of the application have the O(name), the newest is managed and a warning lists the others;
    O(state=absent) deletes them all.
  - Only the options given are compared; O(clear) resets fields to none.
author:
  - apiops.provisioning contributors (@apiops)
extends_documentation_fragment:
  - apiops.provisioning.acedata
  - apiops.provisioning.transport
attributes:
  check_mode:
    description: Nothing is written; the result is the key as a real run would leave it (a new or rotated token is
      unknown, so C(token) is null).
    support: full
  diff_mode:
    description: Shows the key's managed fields (O(limited_amount), O(expired_at), O(allowed_api_ids)) before and
      after; never its token.
    support: full
options:
  application_id:
    description:
      - The application of the key, by id. Mutually exclusive with O(service), O(type) and O(scope).
    type: str
  service:
    description:
      - The service of the key's application, by UUID or alias, as in M(apiops.provisioning.acedata_application).
      - Give O(application_id) or O(service) (or O(scope=Global)).
    type: str
  type:
    description:
      - Billing type of the key's application, with O(service) or O(scope=Global). V(Usage) when not given.
    type: str
    choices: [Usage, Period]
  scope:
    description:
      - Scope of the key's application. V(Individual) when not given; V(Global) names the account-wide application
        (without O(service)).
    type: str
    choices: [Individual, Global]
  name:
    description:
      - Name of the key, its identity within the application (at most 255 characters).
      - Required, unless O(credentials) is given.
    type: str
  limited_amount:
    description:
      - Spending cap of the key, in credits (a finite number, 0 or more). Compared only when given.
    type: float
  expired_at:
    description:
      - When the key stops working, an ISO 8601 date-time such as C(2027-01-31T00:00:00Z). Compared as an instant
        (C(2027-01-31T01:00:00+01:00) is the same). Compared only when given.
    type: str
  allowed_api_ids:
    description:
      - Restrict the key to these APIs (their UUIDs). Compared as a set; an empty list means unrestricted, as none does.
    type: list
    elements: str
  clear:
    description:
      - Fields to reset to none (unlimited, no expiry, every API). An option left out is left as it is; an option
        both given and cleared is refused.
    type: list
    elements: str
    choices: [limited_amount, expired_at, allowed_api_ids]
  rotate:
    description:
      - Give the key a new token; the old one stops working. An action, so a task that sets it reports a change on
        every run.
      - Where the platform has no rotate route (it answers HTTP 404 or 405), the key is replaced by a new key with
        the same name and options (created first, then the old one deleted), which has another id; a warning says so.
    type: bool
    default: false
  reveal_token:
    description:
      - Return the token in full. By default it is masked to its last four characters, and every token the module
        reads is kept out of its output.
    type: bool
    default: false
  state:
    description:
      - V(present) creates or updates the key; V(absent) deletes it (the key stops working at once).
    type: str
    choices: [present, absent]
    default: present
  credentials:
    description:
      - Many keys in one task (the list form); mutually exclusive with the options of a single key (O(application_id),
        O(service), O(type), O(scope), O(name), O(limited_amount), O(expired_at), O(allowed_api_ids), O(clear),
        O(rotate), O(state)).
      - Each item takes the options of a single key and is judged exactly as a single key would be.
      - Every item is validated, and every check that needs a read (an unknown service, an application that does not
        exist) is made for every item, before the first write; when any item fails them, the task fails naming each
        failing item (for example C(credentials[3]) and its message) and writes nothing.
      - Two items naming the same key (application and name) are refused naming both.
      - The account's applications are listed once (when an item names its application by service), and the keys
        of every application the items name are listed once, every page.
      - The items that need a change are then applied O(concurrency) at a time over one session; an item that fails
        then is reported failed in RV(results) and the others end as asked.
      - O(reveal_token) applies to every item.
    type: list
    elements: dict
    suboptions:
      application_id:
        description: As O(application_id).
        type: str
      service:
        description: As O(service).
        type: str
      type:
        description: As O(type).
        type: str
        choices: [Usage, Period]
      scope:
        description: As O(scope).
        type: str
        choices: [Individual, Global]
      name:
        description: As O(name).
        type: str
        required: true
      limited_amount:
        description: As O(limited_amount).
        type: float
      expired_at:
        description: As O(expired_at).
        type: str
      allowed_api_ids:
        description: As O(allowed_api_ids).
        type: list
        elements: str
      clear:
        description: As O(clear).
        type: list
        elements: str
        choices: [limited_amount, expired_at, allowed_api_ids]
      rotate:
        description: As O(rotate).
        type: bool
        default: false
      state:
        description: As O(state).
        type: str
        choices: [present, absent]
        default: present
  concurrency:
    description:
      - With O(credentials), how many items are written at once (1 to 16), sharing one session and one token.
      - An answer HTTP 429 or with C(Retry-After) holds every worker back, not only the one that met it.
    type: int
    default: 4
notes:
  - An unchanged run sends one request with O(application_id) (the key's listing) and two with a service UUID (the
    application's listing too); an alias costs one more.
  - A create that fails ambiguously (a timeout or a server error) is followed by a new lookup, never by a blind second
    create, so a run never makes a second key of the same name.
seealso:
  - module: apiops.provisioning.acedata_credential_info
  - module: apiops.provisioning.acedata_application
  - name: Create Credential
    description: The platform API this module calls.
    link: https://platform.acedata.cloud/documents/platform-credential-create
'''

EXAMPLES = r'''
- name: A key for the gateway's backend, capped at 500 credits
  apiops.provisioning.acedata_credential:
    api_token: "{{ lookup('ansible.builtin.env', 'ACEDATACLOUD_PLATFORM_TOKEN') }}"
    service: midjourney
    name: apig-backend
    limited_amount: 500
  register: backend_key

- name: The same key, by application id, expiring at the end of January, without its cap
  apiops.provisioning.acedata_credential:
    application_id: "{{ backend_key.credential.application_id }}"
    name: apig-backend
    expired_at: "2027-01-31T00:00:00Z"
    clear: [limited_amount]

- name: Give the key a new token, and return it (keep the result out of logs)
  apiops.provisioning.acedata_credential:
    service: midjourney
    name: apig-backend
    rotate: true
    reveal_token: true
  register: rotated
  no_log: true

- name: Several keys in one task (one module run)
  apiops.provisioning.acedata_credential:
    credentials:
      - service: midjourney
        name: team-a
        limited_amount: 100
      - service: midjourney
        name: team-b
      - service: midjourney
        name: retired
        state: absent
  register: keys
'''

RETURN = r'''
results:
  description:
    - With O(credentials), one entry per item in the order given, shaped like the entries of a registered loop.
    - Each has C(item) (the item as given), C(changed), C(failed), C(msg) when it failed, C(diff) with C(--diff),
      and C(credential) (as RV(credential) of a single key; absent for an item that failed).
  returned: when O(credentials) is given
  type: list
  elements: dict
  sample: [{item: {service: midjourney, name: team-a}, changed: true, failed: false, credential: {}}]
credential:
  description:
    - The key as the platform returns it (as it would be, in check mode); empty after O(state=absent).
    - The token is masked to its last four characters unless O(reveal_token=true).
  returned: when O(credentials) is not given
  type: dict
  contains:
    id:
      description: Id of the key (null for one check mode would create).
      type: str
      sample: 4b1e0c9a-1f0e-4d55-9e0a-3c2b1a0f9e8d
    application_id:
      description: Id of its application (null in check mode when the application does not exist yet).
      type: str
      sample: 107f8d0f-e465-4a7e-a49e-d633d26f7aa2
    name:
      description: Name of the key.
      type: str
      sample: apig-backend
    type:
      description: Kind of credential (C(Token), or C(Identity) for proxy services).
      type: str
      sample: Token
    token:
      description: The API key, masked unless O(reveal_token=true); null in check mode for a new or rotated key.
      type: str
      sample: '********3f9a'
    limited_amount:
      description: Spending cap in credits (null for none).
      type: float
      sample: 500
    used_amount:
      description: Credits spent with the key.
      type: float
      sample: 0
    expired_at:
      description: Expiry (null for none).
      type: str
      sample: '2027-01-31T00:00:00.000000Z'
    allowed_api_ids:
      description: The APIs the key is restricted to (null or empty for every API).
      type: list
      elements: str
      sample: null
    host:
      description: The domain the key is bound to (null for none).
      type: str
      sample: null
    created_at:
      description: Creation time.
      type: str
      sample: '2026-11-23T10:00:00.000000Z'
    updated_at:
      description: Time of the last change.
      type: str
      sample: '2026-11-23T10:00:00.000000Z'
'''

from ansible_collections.apiops.provisioning.plugins.module_utils.acedata import CONNECTION_ARGSPEC
from ansible_collections.apiops.provisioning.plugins.module_utils.acedata_credential import CLEARABLE, Credential
from ansible_collections.apiops.provisioning.plugins.module_utils.resource import run_resource_module

CREDENTIAL_ITEM_ARGSPEC = dict(
    application_id=dict(type='str'),
    service=dict(type='str'),
    type=dict(type='str', choices=['Usage', 'Period']),
    scope=dict(type='str', choices=['Individual', 'Global']),
    name=dict(type='str', required=True),
    limited_amount=dict(type='float'),
    expired_at=dict(type='str'),
    allowed_api_ids=dict(type='list', elements='str'),
    clear=dict(type='list', elements='str', choices=list(CLEARABLE)),
    rotate=dict(type='bool', default=False),
    state=dict(type='str', default='present', choices=['present', 'absent']),
)
# How the result is shown, for the single key or every item of the list.
CREDENTIAL_TASK_ARGSPEC = dict(reveal_token=dict(type='bool', default=False))


def main():
    run_resource_module(Credential, 'credentials', CONNECTION_ARGSPEC, CREDENTIAL_ITEM_ARGSPEC, CREDENTIAL_TASK_ARGSPEC)


if __name__ == '__main__':
    main()
