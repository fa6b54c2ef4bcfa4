# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``ansible-doc`` renders every module of the collection and its role.

Run with ``cd <repo> && PYTHONPATH=tests python -m pytest tests/functional/test_ansible_doc.py``.
conftest.py points ANSIBLE_COLLECTIONS_PATH at a folder holding this repository as
``ansible_collections/apiops/provisioning``.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys

import pytest
import yaml

TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(TESTS)
MODULES_DIR = os.path.join(ROOT, 'plugins', 'modules')
FRAGMENTS_DIR = os.path.join(ROOT, 'plugins', 'doc_fragments')
ROLES_DIR = os.path.join(ROOT, 'roles')
COLLECTION = 'apiops.provisioning'


def module_names():
    return sorted(name[:-3] for name in os.listdir(MODULES_DIR)
                  if name.endswith('.py') and not name.startswith('_'))


# BUG (plugins/modules/*_info.py, DOCUMENTATION): ansible-core has no doc fragment section
# `action_common_attributes.info_module` (its sections are DOCUMENTATION, ACTIONGROUPS, CONN, FACTS,
# FILES, FLOW and RAW), so ansible-doc exits 1 with "unknown doc_fragment(s)". A module that still
# names it is expected to fail here (strictly: the mark goes away with the line).
MISSING_FRAGMENT = 'ansible.builtin.action_common_attributes.info_module'


def documented_modules():
    """``module_names()`` as parameters, the ones that name the missing fragment marked xfail."""
    params = []
    for module in module_names():
        doc = python_strings(os.path.join(MODULES_DIR, module + '.py'))['DOCUMENTATION']
        marks = ()
        if MISSING_FRAGMENT in doc:
            marks = pytest.mark.xfail(strict=True, reason='BUG: %s extends the doc fragment %s, which ansible-core '
                                      'does not have' % (module, MISSING_FRAGMENT))
        params.append(pytest.param(module, marks=marks))
    return params


def role_names():
    return sorted(name for name in os.listdir(ROLES_DIR)
                  if os.path.isfile(os.path.join(ROLES_DIR, name, 'meta', 'argument_specs.yml')))


def python_strings(path):
    """The module-level string constants of a Python file (DOCUMENTATION, ...), read without importing it."""
    with open(path, encoding='utf-8') as handle:
        tree = ast.parse(handle.read())
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found[target.id] = node.value.value
    return found


def documented_options(module):
    """The option names of a module: its own and those of the collection's fragments it extends."""
    doc = yaml.safe_load(python_strings(os.path.join(MODULES_DIR, module + '.py'))['DOCUMENTATION'])
    options = set(doc.get('options') or {})
    for fragment in doc.get('extends_documentation_fragment') or []:
        if not fragment.startswith(COLLECTION + '.'):
            continue
        name, _dot, section = fragment[len(COLLECTION) + 1:].partition('.')
        text = python_strings(os.path.join(FRAGMENTS_DIR, name + '.py'))[section or 'DOCUMENTATION']
        options.update((yaml.safe_load(text) or {}).get('options') or {})
    return options


def ansible_doc(*args):
    binary = os.path.join(os.path.dirname(sys.executable), 'ansible-doc')
    if not os.access(binary, os.X_OK):
        binary = shutil.which('ansible-doc')
    if not binary:
        pytest.skip('ansible-doc is not installed')
    env = dict(os.environ, ANSIBLE_NOCOLOR='1', ANSIBLE_FORCE_COLOR='0', PAGER='cat', ANSIBLE_PAGER='cat')
    process = subprocess.run([binary] + list(args), env=env, capture_output=True, text=True, timeout=300, check=False)
    assert process.returncode == 0, 'ansible-doc %s exited %d:\n%s%s' % (
        ' '.join(args), process.returncode, process.stdout, process.stderr)
    assert 'ERROR' not in process.stderr, process.stderr
    return process.stdout


@pytest.mark.parametrize('module', documented_modules())
def test_module_doc_renders_every_option(module):
    text = ansible_doc('%s.%s' % (COLLECTION, module))
    assert '%s.%s' % (COLLECTION, module) in text
    options = documented_options(module)
    assert options, module
    # Each option starts a line: "= name" (required) or "- name" (optional), then its description.
    headings = set(re.findall(r'^[=-] (\w+)(?:\s|$)', text, re.MULTILINE))
    missing = sorted(options - headings)
    assert not missing, '%s: options not rendered: %s\n%s' % (module, missing, text)
    assert 'EXAMPLES' in text and 'RETURN VALUES' in text, text


@pytest.mark.parametrize('module', documented_modules())
def test_module_doc_json_matches_the_sources(module):
    data = json.loads(ansible_doc('--json', '%s.%s' % (COLLECTION, module)))
    doc = data['%s.%s' % (COLLECTION, module)]
    assert set(doc['doc']['options']) == documented_options(module)
    assert doc['examples'].strip()
    assert doc['return']


def test_module_list_names_every_module():
    listed = json.loads(ansible_doc('--list', '--json', COLLECTION))
    assert sorted(name[len(COLLECTION) + 1:] for name in listed) == module_names()


@pytest.mark.parametrize('role', role_names())
def test_role_doc_renders(role):
    text = ansible_doc('-t', 'role', '%s.%s' % (COLLECTION, role))
    with open(os.path.join(ROLES_DIR, role, 'meta', 'argument_specs.yml'), encoding='utf-8') as handle:
        specs = yaml.safe_load(handle)['argument_specs']
    for entry_point, spec in specs.items():
        # Without colours ansible-doc marks bold text with asterisks: "ENTRY POINT: *main* - ...".
        assert re.search(r'^ENTRY POINT: \*?%s\*? ' % re.escape(entry_point), text, re.MULTILINE), text
        for option in spec.get('options') or {}:
            assert option in text, '%s: option %s not rendered\n%s' % (role, option, text)


def test_role_list_names_every_role():
    listed = json.loads(ansible_doc('-t', 'role', '--list', '--json', COLLECTION))
    assert sorted(name[len(COLLECTION) + 1:] for name in listed) == role_names()
