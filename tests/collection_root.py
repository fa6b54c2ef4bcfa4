# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""This repository as the collection ``apiops.provisioning``, for the test tools that run Ansible.

The functional and reliability tests, the demo, the benchmark and the docs builder all need a
folder holding ``ansible_collections/apiops/provisioning`` that is this repository (for
``ANSIBLE_COLLECTIONS_PATH`` and for importing the collection's Python code); they import it from
here, with ``tests/`` on ``sys.path``.
"""

from __future__ import annotations

import os
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NAMESPACE, NAME = 'apiops', 'provisioning'


def collections_root(scratch=None):
    """A folder holding ``ansible_collections/apiops/provisioning`` that is this repository.

    The repository's own ancestor when it already sits at such a path (a nox session's staged
    copy); otherwise ``<scratch>/collections`` (a new temporary folder when ``scratch`` is None)
    with a symbolic link to the repository.
    """
    parts = os.path.realpath(ROOT).split(os.sep)
    if parts[-3:] == ['ansible_collections', NAMESPACE, NAME]:
        return os.sep.join(parts[:-3])
    base = os.path.join(scratch, 'collections') if scratch else tempfile.mkdtemp(prefix='apiops-collections-')
    target = os.path.join(base, 'ansible_collections', NAMESPACE)
    os.makedirs(target, exist_ok=True)
    link = os.path.join(target, NAME)
    if not os.path.islink(link):
        os.symlink(os.path.realpath(ROOT), link)
    return base


def use_collections_root():
    """``collections_root()``, put first on ``sys.path`` (to import the collection's Python code) and
    in ``ANSIBLE_COLLECTIONS_PATH`` unless that is set; for the test suites run in this process."""
    root = collections_root()
    if root not in sys.path:
        sys.path.insert(0, root)
    os.environ.setdefault('ANSIBLE_COLLECTIONS_PATH', root)
    return root
