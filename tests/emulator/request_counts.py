# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The expected request counts of the modules' operations, stated once.

``MINIMUM`` gives, per module and operation, the fewest requests the API references allow and
why, as the table ``request_counts.yml`` states them. ``tests/bench/run.py`` prints it next to
what each operation sent; ``tests/functional/test_request_counts.py`` asserts that the modules send exactly that many where
an operation of its own is the same one. A module that sends more than the minimum on purpose
says so in the reason (the bench shows the excess).
"""

from __future__ import annotations

import math
import os

import yaml

PAGE = 500  # the largest page the APIG list routes accept

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'request_counts.yml'), encoding='utf-8') as _handle:
    MINIMUM = dict(((module, operation), (entry['requests'], entry['why']))
                   for module, operations in yaml.safe_load(_handle).items() for operation, entry in operations.items())


def minimum(module, operation):
    """The fewest requests the APIs allow for ``operation`` of ``module`` (a ``MINIMUM`` key)."""
    return MINIMUM[module, operation][0]


def lookup_requests(matches):
    """The requests of an unchanged quota lookup while ``matches`` quotas match its name (the name
    filter is a substring match, and every match is read to find the exact name): a page each 500."""
    return math.ceil(matches / PAGE)
