# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # Connection options of the acedata_* modules; kept equal to acedata.CONNECTION_ARGSPEC
    # (a unit test compares the two).
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
  validate_certs:
    description:
      - Verify the platform's TLS certificate. Set to V(false) only for an endpoint you trust.
    type: bool
    default: true
  timeout:
    description:
      - Seconds to wait for each HTTP request (above 0).
    type: float
    default: 30
  retries:
    description:
      - How many times a request is retried after a transient failure (connection error, timeout, HTTP 429 or 5xx),
        with exponential backoff and jitter, honouring C(Retry-After). 0 to 20.
      - A create (POST) is never retried blindly; after an ambiguous failure the applications are listed again first.
    type: int
    default: 4
  retry_max_delay:
    description:
      - The longest wait, in seconds, between two attempts (a longer C(Retry-After) is cut to this).
    type: float
    default: 30
requirements:
  - requests
notes:
  - The platform token is never logged or returned.
'''

    ATTRIBUTES = r'''
attributes:
  action_group:
    description: Use C(group/apiops.provisioning.acedata) in C(module_defaults) to set the connection options once.
    support: full
    membership:
      - apiops.provisioning.acedata
'''
