# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The expected request counts of the modules' operations, stated once.

``MINIMUM`` gives, per module and operation, the fewest requests the API references allow and
why. ``tests/bench/run.py`` prints it next to what each operation sent (section 1: the operations
run in that order, each starting from what the previous left);
``tests/functional/test_request_counts.py`` asserts that the modules send exactly that many where
an operation of its own is the same one. A module that sends more than the minimum on purpose
says so in the reason (the bench shows the excess).
"""

from __future__ import annotations

import math

PAGE = 500  # the largest page the APIG list routes accept

MINIMUM = {
    ('apig_app_quota', 'create, no apps'): (3, 'lookup, POST, GET (the create answer lacks remark and bound_app_num)'),
    ('apig_app_quota', 'unchanged, no apps'): (1, 'lookup'),
    ('apig_app_quota', 'update call_limits (check mode)'): (1, 'lookup; nothing written'),
    ('apig_app_quota', 'update call_limits, no apps'): (2, 'lookup, PUT (its answer is the quota)'),
    ('apig_app_quota', 'delete, no apps'): (2, 'lookup, DELETE'),
    ('apig_app_quota', 'delete again (absent)'): (1, 'lookup'),
    ('apig_app_quota', 'create, apps [a, b] by name'): (
        8, 'lookup, one page of apps (names to ids), 1 bound-quota per app (is it free?), POST, GET, bind, bound-apps '
           '(the bind shows in reads: they may lag, docs/fidelity.md A4)'),
    ('apig_app_quota', 'unchanged, apps [a, b]'): (2, 'lookup, bound-apps'),
    ('apig_app_quota', 'bind one more app, apps [a, b, c]'): (
        5, 'lookup, bound-apps, bindable-apps (resolves c and shows it free, if its inferred meaning holds), bind, '
           'bound-apps (the bind shows in reads); the '
           'module resolves c and reads its bound-quota instead (1 more): the reference only infers what bindable-apps '
           'lists, and binding an app that another quota holds might move it'),
    ('apig_app_quota', 'update remark, apps [a, b, c]'): (3, 'lookup, bound-apps, PUT'),
    ('apig_app_quota', 'purge b, apps [a, c]'): (
        4, 'lookup, bound-apps, DELETE bound-apps/{b}, bound-apps (the unbind shows in reads)'),
    ('apig_app_quota', 'unchanged, AK/SK, no project_id'): (2, 'IAM project lookup, lookup'),
    ('apig_app_quota', 'unchanged, auth_token'): (1, 'lookup'),
    ('apig_app_quota', 'unchanged, auth_token, no project_id'): (2, 'IAM auth/projects, lookup'),
    ('apig_app_quota', 'unchanged, user/password'): (2, 'token exchange, lookup'),
    ('apig_app_quota', 'unchanged, user/password, no project_id'): (
        2, 'token exchange (the token names the project), lookup'),
    ('apig_app_quota_info', 'all quotas (1 quota, 2 bound apps)'): (2, 'list, bound-apps of each quota'),
    ('apig_app_quota_info', 'name bench_bound'): (2, 'list by name, bound-apps'),
    ('apig_app_quota_info', 'names [bench_bound, bench_plain, bench_none]'): (
        3, 'one page of quotas (it holds the whole gateway), bound-apps of each quota found (bound_app_num is no '
           'evidence: docs/fidelity.md A3)'),
    ('apig_app_quota', 'delete, apps [a, c] given'): (2, 'lookup, DELETE (the bindings go with the quota)'),
    ('acedata_application', 'create, service UUID'): (2, 'list (service filter), POST (its answer is complete)'),
    ('acedata_application', 'unchanged, service UUID'): (1, 'list'),
    ('acedata_application', 'update allow_consume_global, UUID'): (2, 'list, POST update-allow-consume-global'),
    ('acedata_application', 'unchanged, service alias'): (2, 'service by alias, list'),
    ('acedata_application', 'create (check mode), alias'): (2, 'service by alias, list'),
    ('acedata_application', 'create, service alias'): (3, 'service by alias, list, POST'),
    ('acedata_application', 'update allow_consume_global, alias'): (
        3, 'service by alias, list, POST update-allow-consume-global'),
    ('acedata_application', 'unchanged, alias, service detail route broken'): (2, 'list of services (<= 100), list'),
    ('acedata_application_info', 'all applications (2)'): (1, 'list (<= 100 applications)'),
    ('acedata_application_info', 'service alias'): (2, 'service by alias, list'),
}


def minimum(module, operation):
    """The fewest requests the APIs allow for ``operation`` of ``module`` (a ``MINIMUM`` key)."""
    return MINIMUM[module, operation][0]


def lookup_requests(matches):
    """The requests of an unchanged quota lookup while ``matches`` quotas match its name (the name
    filter is a substring match, and every match is read to find the exact name): a page each 500."""
    return math.ceil(matches / PAGE)
