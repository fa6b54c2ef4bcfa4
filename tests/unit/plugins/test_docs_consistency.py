# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What validate-modules (ansible-test sanity) does not check: the secrets are no_log, the
environment fallbacks are documented and fixed by the interface, each module documents its action
group, and meta/runtime.yml's action groups list the modules. (It does check that each module's
documentation, fragments included, matches its argument spec, and that descriptions are text.)"""

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


def module_names():
    return sorted(name[:-3] for name in os.listdir(MODULES_DIR) if name.endswith('.py') and name != '__init__.py')


def fragment_doc(name, section='DOCUMENTATION'):
    module = importlib.import_module('ansible_collections.%s.plugins.doc_fragments.%s' % (COLLECTION, name))
    return yaml.safe_load(getattr(module.ModuleDocFragment, section))


def module_doc(name):
    module = importlib.import_module('ansible_collections.%s.plugins.modules.%s' % (COLLECTION, name))
    return yaml.safe_load(module.DOCUMENTATION)


def described(option):
    """The description as one text (an item YAML read as a mapping is joined back; another test flags it)."""
    text = option.get('description') or ''
    items = text if isinstance(text, list) else [text]
    return ' '.join(' '.join('%s: %s' % pair for pair in item.items()) if isinstance(item, dict) else '%s' % (item,)
                    for item in items)


def fallback_env_vars(option_spec):
    fallback = option_spec.get('fallback')
    if not fallback:
        return []
    assert fallback[0] is env_fallback
    return list(fallback[1])


# ---------------------------------------------------------------------------------------------
# Doc fragments and connection argument specs
# ---------------------------------------------------------------------------------------------
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


# ---------------------------------------------------------------------------------------------
# Modules
# ---------------------------------------------------------------------------------------------
def test_modules_exist():
    names = module_names()
    assert names, 'no module found in %s' % MODULES_DIR
    for name in names:
        assert any(name.startswith(prefix) for dummy, prefix, dummy2 in FRAGMENTS.values()), name


@pytest.mark.parametrize('name', module_names())
def test_module_documents_its_action_group(name):
    doc = module_doc(name)
    fragments = doc.get('extends_documentation_fragment') or []
    group = [group for dummy, prefix, group in FRAGMENTS.values() if name.startswith(prefix)][0]
    assert '%s.%s' % (COLLECTION, group) in fragments
    membership = fragment_doc(group)['attributes']['action_group']['membership']
    assert membership == ['%s.%s' % (COLLECTION, group)]


# ---------------------------------------------------------------------------------------------
# meta/runtime.yml
# ---------------------------------------------------------------------------------------------
def test_runtime_action_groups_match_modules():
    if not os.path.exists(RUNTIME):
        pytest.fail('meta/runtime.yml does not exist: it must define action_groups %s' % ', '.join(
            '%s: [%s]' % (group, ', '.join(n for n in module_names() if n.startswith(prefix)))
            for _spec, prefix, group in sorted(FRAGMENTS.values(), key=lambda v: v[2])))
    with open(RUNTIME) as handle:
        runtime = yaml.safe_load(handle) or {}
    groups = runtime.get('action_groups') or {}
    for _spec, prefix, group in FRAGMENTS.values():
        expected = sorted(n for n in module_names() if n.startswith(prefix))
        listed = groups.get(group)
        assert listed is not None, 'meta/runtime.yml has no action group %s' % group
        short = sorted(item[len(COLLECTION) + 1:] if str(item).startswith(COLLECTION + '.') else item
                       for item in listed)
        assert short == expected, 'action group %s lists %r; plugins/modules has %r' % (group, short, expected)
