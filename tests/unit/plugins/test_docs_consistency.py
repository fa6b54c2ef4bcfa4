# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Documentation cannot drift: doc fragments vs connection specs, modules' options vs their argument
specs, and meta/runtime.yml action groups vs plugins/modules."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib
import os
import re

import pytest
import yaml

from ansible.module_utils.basic import env_fallback
from ansible_collections.apiops.provisioning.plugins.module_utils import acedata, huaweicloud

COLLECTION = 'apiops.provisioning'
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
MODULES_DIR = os.path.join(ROOT, 'plugins', 'modules')
RUNTIME = os.path.join(ROOT, 'meta', 'runtime.yml')

# fragment name -> (connection argument spec, module name prefix, action group)
FRAGMENTS = {
    'acedata': (acedata.CONNECTION_ARGSPEC, 'acedata_', 'acedata'),
    'huaweicloud': (huaweicloud.CONNECTION_ARGSPEC, 'apig_', 'huaweicloud'),
}
# Secrets named by the public interface: each must be no_log, and only these.
SECRETS = {
    'acedata': {'api_token'},
    'huaweicloud': {'secret_key', 'security_token', 'auth_token', 'password'},
}
COMPARED = ('type', 'required', 'default', 'choices', 'elements')
DEFAULTS = {'type': 'str', 'required': False, 'default': None, 'choices': None, 'elements': None}


def module_names():
    return sorted(name[:-3] for name in os.listdir(MODULES_DIR) if name.endswith('.py') and name != '__init__.py')


def fragment_doc(name, section='DOCUMENTATION'):
    module = importlib.import_module('ansible_collections.%s.plugins.doc_fragments.%s' % (COLLECTION, name))
    return yaml.safe_load(getattr(module.ModuleDocFragment, section))


def module_doc(name):
    module = importlib.import_module('ansible_collections.%s.plugins.modules.%s' % (COLLECTION, name))
    return yaml.safe_load(module.DOCUMENTATION)


class _Captured(Exception):
    pass


def module_argument_spec(name, monkeypatch):
    """The argument spec ``main()`` gives AnsibleModule, captured without running the module."""
    module = importlib.import_module('ansible_collections.%s.plugins.modules.%s' % (COLLECTION, name))
    captured = {}

    class Capture:
        def __init__(self, argument_spec=None, **kwargs):
            captured['spec'] = argument_spec
            captured['kwargs'] = kwargs
            raise _Captured()
    # As ansible-test's probe does: AnsibleModule where main() finds it, no parameters to read.
    from ansible.module_utils import basic
    monkeypatch.setattr(module, 'AnsibleModule', Capture, raising=False)
    monkeypatch.setattr(basic, 'AnsibleModule', Capture)
    monkeypatch.setattr(basic, '_load_params', lambda: None)
    with pytest.raises(_Captured):
        module.main()
    return captured['spec'], captured['kwargs']


def described(option):
    """The description as one text (an item YAML read as a mapping is joined back; another test flags it)."""
    text = option.get('description') or ''
    items = text if isinstance(text, list) else [text]
    return ' '.join(' '.join('%s: %s' % pair for pair in item.items()) if isinstance(item, dict) else '%s' % (item,)
                    for item in items)


def non_text_items(node, path=()):
    """Every description, note or short description item that is not a string (YAML read ``a: b`` as a mapping)."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ('description', 'notes', 'short_description'):
                for index, item in enumerate(value if isinstance(value, list) else [value]):
                    if not isinstance(item, str):
                        found.append('%s[%d]: %r' % ('.'.join(str(p) for p in path + (key,)), index, item))
            found.extend(non_text_items(value, path + (key,)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found.extend(non_text_items(value, path + (index,)))
    return found


def attributes(option):
    """The compared attributes of one option, with the implicit defaults filled in."""
    values = dict(DEFAULTS)
    for key in COMPARED:
        if option.get(key) is not None:
            values[key] = option[key]
    if values['choices'] is not None:
        values['choices'] = list(values['choices'])
    return values


def compare_options(documented, spec, where):
    problems = []
    missing = sorted(set(spec) - set(documented))
    extra = sorted(set(documented) - set(spec))
    if missing:
        problems.append('%s: in the argument spec but not documented: %s' % (where, ', '.join(missing)))
    if extra:
        problems.append('%s: documented but not in the argument spec: %s' % (where, ', '.join(extra)))
    for name in sorted(set(spec) & set(documented)):
        doc, arg = attributes(documented[name]), attributes(spec[name])
        for key in COMPARED:
            if doc[key] != arg[key]:
                problems.append('%s: option %s: %s is %r in the documentation but %r in the argument spec'
                                % (where, name, key, doc[key], arg[key]))
    return problems


def fallback_env_vars(option_spec):
    fallback = option_spec.get('fallback')
    if not fallback:
        return []
    assert fallback[0] is env_fallback
    return list(fallback[1])


# ---------------------------------------------------------------------------------------------
# Doc fragments vs connection argument specs
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize('fragment', sorted(FRAGMENTS))
def test_fragment_matches_connection_argspec(fragment):
    spec = FRAGMENTS[fragment][0]
    documented = fragment_doc(fragment)['options']
    assert compare_options(documented, spec, 'doc fragment %s' % fragment) == []


@pytest.mark.parametrize('fragment', sorted(FRAGMENTS))
def test_secrets_are_no_log_and_documented(fragment):
    spec = FRAGMENTS[fragment][0]
    documented = fragment_doc(fragment)['options']
    no_log = set(name for name, option in spec.items() if option.get('no_log'))
    assert no_log == SECRETS[fragment]
    for name in no_log:
        assert name in documented, '%s is no_log but not documented in fragment %s' % (name, fragment)


@pytest.mark.parametrize('fragment', sorted(FRAGMENTS))
def test_fallback_env_vars_are_documented(fragment):
    spec = FRAGMENTS[fragment][0]
    documented = fragment_doc(fragment)['options']
    problems = []
    for name, option in sorted(spec.items()):
        env_vars = fallback_env_vars(option)
        text = described(documented.get(name, {}))
        for var in env_vars:
            if var not in text:
                problems.append('%s: %s falls back to %s, which its description does not mention' % (fragment, name, var))
        # The other way round: an environment variable the description promises is really read.
        for var in re.findall(r'E\(([A-Z0-9_]+)\)', text):
            if var not in env_vars:
                problems.append('%s: %s documents %s, which is not in its fallback' % (fragment, name, var))
    assert problems == []


def test_interface_env_fallbacks():
    # The environment variables fixed by the public interface.
    expected = {
        'api_token': ['ACEDATACLOUD_PLATFORM_TOKEN'],
        'api_url': ['ACEDATACLOUD_PLATFORM_URL'],
    }
    for name, env_vars in expected.items():
        assert fallback_env_vars(acedata.CONNECTION_ARGSPEC[name]) == env_vars
    expected = {
        'region': ['HUAWEICLOUD_SDK_REGION', 'HW_REGION_NAME'],
        'project_id': ['HUAWEICLOUD_SDK_PROJECT_ID', 'HW_PROJECT_ID'],
        'access_key': ['HUAWEICLOUD_SDK_AK', 'HW_ACCESS_KEY'],
        'secret_key': ['HUAWEICLOUD_SDK_SK', 'HW_SECRET_KEY'],
        'security_token': ['HUAWEICLOUD_SDK_SECURITY_TOKEN', 'HW_SECURITY_TOKEN'],
        'auth_token': ['HW_AUTH_TOKEN'],
        'user': ['HW_USER_NAME'],
        'password': ['HW_PASSWORD'],
        'domain': ['HW_DOMAIN_NAME'],
        'apig_endpoint': ['HW_APIG_ENDPOINT'],
        'iam_endpoint': ['HUAWEICLOUD_SDK_IAM_ENDPOINT', 'HW_IAM_ENDPOINT'],
    }
    for name, env_vars in expected.items():
        assert fallback_env_vars(huaweicloud.CONNECTION_ARGSPEC[name]) == env_vars


def _doc_sources():
    sources = [('doc_fragments', name, section) for name in sorted(FRAGMENTS) for section in ('DOCUMENTATION', 'ATTRIBUTES')]
    sources += [('modules', name, section) for name in module_names() for section in ('DOCUMENTATION', 'RETURN')]
    return [pytest.param(source, id='-'.join(source)) for source in sources]


@pytest.mark.parametrize('source', _doc_sources())
def test_descriptions_are_text(source):
    kind, name, section = source
    module = importlib.import_module('ansible_collections.%s.plugins.%s.%s' % (COLLECTION, kind, name))
    holder = module.ModuleDocFragment if kind == 'doc_fragments' else module
    assert non_text_items(yaml.safe_load(getattr(holder, section))) == []


# ---------------------------------------------------------------------------------------------
# Modules: DOCUMENTATION vs argument spec
# ---------------------------------------------------------------------------------------------
def test_modules_exist():
    names = module_names()
    assert names, 'no module found in %s' % MODULES_DIR
    for name in names:
        assert any(name.startswith(prefix) for dummy, prefix, dummy2 in FRAGMENTS.values()), name


@pytest.mark.parametrize('name', module_names())
def test_module_options_match_argument_spec(name, monkeypatch):
    doc = module_doc(name)
    assert doc['module'] == name
    fragments = [f for f in doc.get('extends_documentation_fragment') or [] if f.startswith(COLLECTION + '.')]
    connection = [f[len(COLLECTION) + 1:] for f in fragments if '.' not in f[len(COLLECTION) + 1:]]
    assert len(connection) == 1, '%s must extend exactly one connection fragment, has %r' % (name, fragments)
    fragment = connection[0]
    connection_spec, prefix, dummy = FRAGMENTS[fragment]
    assert name.startswith(prefix), '%s extends the %s fragment' % (name, fragment)

    spec, kwargs = module_argument_spec(name, monkeypatch)
    assert kwargs.get('supports_check_mode') is True
    # The module takes the whole connection spec, unchanged.
    for option, value in connection_spec.items():
        assert spec.get(option) == value, '%s: connection option %s differs from the fragment spec' % (name, option)
    own_spec = dict((k, v) for k, v in spec.items() if k not in connection_spec)
    own_doc = doc.get('options') or {}
    overlap = sorted(set(own_doc) & set(fragment_doc(fragment)['options']))
    assert overlap == [], '%s documents fragment options again: %s' % (name, ', '.join(overlap))
    assert compare_options(own_doc, own_spec, 'module %s' % name) == []


@pytest.mark.parametrize('name', module_names())
def test_module_documents_its_action_group(name):
    doc = module_doc(name)
    fragments = doc.get('extends_documentation_fragment') or []
    group = [group for dummy, prefix, group in FRAGMENTS.values() if name.startswith(prefix)][0]
    assert '%s.%s.ATTRIBUTES' % (COLLECTION, group) in fragments
    membership = fragment_doc(group, 'ATTRIBUTES')['attributes']['action_group']['membership']
    assert membership == ['%s.%s' % (COLLECTION, group)]


# ---------------------------------------------------------------------------------------------
# meta/runtime.yml
# ---------------------------------------------------------------------------------------------
def test_runtime_action_groups_match_modules():
    if not os.path.exists(RUNTIME):
        pytest.fail('meta/runtime.yml does not exist: it must define action_groups %s' % ', '.join(
            '%s: [%s]' % (group, ', '.join(n for n in module_names() if n.startswith(prefix)))
            for dummy, prefix, group in sorted(FRAGMENTS.values(), key=lambda v: v[2])))
    with open(RUNTIME) as handle:
        runtime = yaml.safe_load(handle) or {}
    groups = runtime.get('action_groups') or {}
    for dummy, prefix, group in FRAGMENTS.values():
        expected = sorted(n for n in module_names() if n.startswith(prefix))
        listed = groups.get(group)
        assert listed is not None, 'meta/runtime.yml has no action group %s' % group
        short = sorted(item[len(COLLECTION) + 1:] if str(item).startswith(COLLECTION + '.') else item
                       for item in listed)
        assert short == expected, 'action group %s lists %r; plugins/modules has %r' % (group, short, expected)
