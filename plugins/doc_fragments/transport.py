# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment(object):
    # How every module sends its requests (transport.TRANSPORT_ARGSPEC, part of each API's
    # CONNECTION_ARGSPEC).
    DOCUMENTATION = r'''
options:
  validate_certs:
    description:
      - Verify the TLS certificates of the API endpoints. Set to V(false) only for an endpoint you trust.
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
      - A create (POST) is never retried blindly; after an ambiguous failure the resource is read again first.
    type: int
    default: 4
  retry_max_delay:
    description:
      - The longest wait, in seconds, between two attempts (a longer C(Retry-After) is cut to this).
    type: float
    default: 30
requirements:
  - requests
'''
