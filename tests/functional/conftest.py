# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Functional tests import the emulator (``tests/emulator``) and the collection itself.

The emulator's fixtures are ``emulator.fixtures``: ``emulator_server`` and ``emulator``.
"""

from __future__ import annotations

import os
import sys

TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if TESTS not in sys.path:
    sys.path.insert(0, TESTS)

from collection_root import use_collections_root  # noqa: E402 pylint: disable=wrong-import-position

COLLECTIONS_ROOT = use_collections_root()

pytest_plugins = ['emulator.fixtures']
