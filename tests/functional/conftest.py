# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Functional tests import the emulator (``tests/emulator``) and the collection itself."""

from __future__ import annotations

import os
import sys
import tempfile

TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(TESTS)


def collections_root():
    """A folder holding ``ansible_collections/apiops/provisioning`` that is this repository."""
    parts = ROOT.split(os.sep)
    if parts[-3:-1] == ['ansible_collections', 'apiops'] and parts[-1] == 'provisioning':
        return os.sep.join(parts[:-3])
    root = tempfile.mkdtemp(prefix='apiops-collections-')
    os.makedirs(os.path.join(root, 'ansible_collections', 'apiops'))
    os.symlink(ROOT, os.path.join(root, 'ansible_collections', 'apiops', 'provisioning'))
    return root


COLLECTIONS_ROOT = collections_root()
for path in (TESTS, COLLECTIONS_ROOT):
    if path not in sys.path:
        sys.path.insert(0, path)
os.environ.setdefault('ANSIBLE_COLLECTIONS_PATH', COLLECTIONS_ROOT)
