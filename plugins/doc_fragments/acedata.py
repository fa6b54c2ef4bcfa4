# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment(object):
    # Connection options of the acedata_* modules (acedata.CONNECTION_ARGSPEC, with the transport
    # fragment's; validate-modules checks each module's documentation against its argument spec).
    DOCUMENTATION = r'''
options:
  api_token:
    description:
      - 'Ace Data Cloud platform token (it starts with C(platform-)), sent as C(Authorization: Bearer <token>).'
      - A service credential (the key used to call C(api.acedata.cloud)) is refused by the platform API.
      - Required. If not set, the value of the E(ACEDATACLOUD_PLATFORM_TOKEN) environment variable is used;
        when neither is set the task fails, before any request, naming both.
    type: str
  api_url:
    description:
      - Base URL of the platform, without C(/api/v1).
      - If not set, the value of the E(ACEDATACLOUD_PLATFORM_URL) environment variable is used.
    type: str
    default: https://platform.acedata.cloud
notes:
  - The platform token is never logged or returned.
attributes:
  action_group:
    description: Use C(group/apiops.provisioning.acedata) in C(module_defaults) to set the connection options once.
    support: full
    membership:
      - apiops.provisioning.acedata
'''
