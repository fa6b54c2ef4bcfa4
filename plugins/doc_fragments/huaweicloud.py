# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment(object):
    # Connection options of the apig_* modules (huaweicloud.CONNECTION_ARGSPEC, with the transport
    # fragment's; validate-modules checks each module's documentation against its argument spec).
    DOCUMENTATION = r'''
options:
  region:
    description:
      - Huawei Cloud region of the gateway, for example C(cn-north-4).
      - Builds the default O(apig_endpoint) and O(iam_endpoint), and finds the project id when O(project_id) is not given.
      - If not set, the value of the E(HUAWEICLOUD_SDK_REGION) or E(HW_REGION_NAME) environment variable is used.
    type: str
  project_id:
    description:
      - Id of the project that holds the gateway.
      - When not given it is looked up once per task in IAM for O(region)
        (with a password it is read from the project-scoped token instead), which costs one request.
      - If not set, the value of the E(HUAWEICLOUD_SDK_PROJECT_ID) or E(HW_PROJECT_ID) environment variable is used.
    type: str
  instance_id:
    description:
      - Id of the APIG dedicated gateway (instance). Required.
      - If not set, the value of the E(HW_APIG_INSTANCE_ID) or E(APIG_INSTANCE_ID) environment variable is used;
        when none is set the task fails, before any request, naming them.
    type: str
  access_key:
    description:
      - Access key id (AK) for C(SDK-HMAC-SHA256) request signing, used with O(secret_key).
      - AK/SK is used when given; otherwise O(auth_token); otherwise O(user), O(password) and O(domain).
      - If not set, the value of the E(HUAWEICLOUD_SDK_AK) or E(HW_ACCESS_KEY) environment variable is used.
    type: str
  secret_key:
    description:
      - Secret access key (SK) that signs every request. It is never sent.
      - If not set, the value of the E(HUAWEICLOUD_SDK_SK) or E(HW_SECRET_KEY) environment variable is used.
    type: str
  security_token:
    description:
      - Security token of a temporary AK/SK, sent and signed as C(X-Security-Token).
      - If not set, the value of the E(HUAWEICLOUD_SDK_SECURITY_TOKEN) or E(HW_SECURITY_TOKEN) environment variable is used.
    type: str
  auth_token:
    description:
      - A project-scoped IAM token, sent as C(X-Auth-Token). Used when no AK/SK is given.
      - If not set, the value of the E(HW_AUTH_TOKEN) environment variable is used.
    type: str
  user:
    description:
      - IAM user name; with O(password) and O(domain) it is exchanged for a project-scoped IAM token
        once per task (and once more if the token expires during the task).
      - If not set, the value of the E(HW_USER_NAME) environment variable is used.
    type: str
  password:
    description:
      - Password of O(user).
      - If not set, the value of the E(HW_PASSWORD) environment variable is used.
    type: str
  domain:
    description:
      - Account (domain) name of O(user).
      - If not set, the value of the E(HW_DOMAIN_NAME) environment variable is used.
    type: str
  apig_endpoint:
    description:
      - Base URL of the APIG API.
      - If not set, the value of the E(HW_APIG_ENDPOINT) environment variable is used, else
        C(https://apig.<region>.myhuaweicloud.com) (C(.myhuaweicloud.eu) for C(eu-west-101)).
    type: str
  iam_endpoint:
    description:
      - Base URL of the IAM API (token exchange and project id lookup).
      - If not set, the value of the E(HUAWEICLOUD_SDK_IAM_ENDPOINT) or E(HW_IAM_ENDPOINT) environment variable is used,
        else C(https://iam.<region>.myhuaweicloud.com).
      - The regions that have no regional IAM endpoint (C(af-north-1), C(ap-southeast-5), C(cn-north-11),
        C(cn-south-4), C(cn-southwest-3), C(ru-northwest-2)) use the global C(https://iam.myhuaweicloud.com), as the
        vendor's SDKs do.
    type: str
notes:
  - Secrets (O(secret_key), O(security_token), O(auth_token), O(password)) are never logged or returned.
attributes:
  action_group:
    description: Use C(group/apiops.provisioning.huaweicloud) in C(module_defaults) to set the connection options once.
    support: full
    membership:
      - apiops.provisioning.huaweicloud
'''
