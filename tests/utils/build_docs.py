# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``make docs``: render the collection's reference (modules and roles) into ``docs/collection/``.

    .venv/bin/python tests/utils/build_docs.py                  # render into docs/collection/
    .venv/bin/python tests/utils/build_docs.py --dest DIR       # render elsewhere (nox -s docs-check)

Exit code 2: the docs could not be rendered. The reference is generated, not kept in git
(docs/collection/ is ignored; ``ansible-doc apiops.provisioning.<module>`` shows the same).

The RST comes from the plugins' own DOCUMENTATION, EXAMPLES and RETURN and from the roles'
``meta/argument_specs.yml``, rendered by ``antsibull-docs collection --use-current`` (the format of
Ansible's documentation site). Run it with the project venv's interpreter: ``antsibull-docs`` and
``ansible-doc`` are taken from that venv, so the pinned antsibull-docs decides the output.

antsibull-docs finds the collection through ``ANSIBLE_COLLECTIONS_PATH``; unless
``--collections-root`` names a folder that already holds this tree as
``ansible_collections/apiops/provisioning``, a temporary one with a symbolic link to this
repository is made. Nothing is fetched from the network.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, 'tests'))

from collection_root import NAME, NAMESPACE, collections_root  # noqa: E402 pylint: disable=wrong-import-position

COLLECTION = '%s.%s' % (NAMESPACE, NAME)
DEST = os.path.join(ROOT, 'docs', 'collection')
VENV_BIN = os.path.dirname(os.path.abspath(sys.executable))
# antsibull-docs options: one flat folder (index.rst and one file per plugin and role), and a
# plugin whose documentation does not parse fails the run instead of becoming an error page.
ANTSIBULL_OPTIONS = ['--use-current', '--squash-hierarchy', '--fail-on-error']


class RenderError(Exception):
    """antsibull-docs could not render the docs (exit code 2, as opposed to 1: stale docs)."""


def tool(name):
    """A command of this venv (preferred) or of PATH."""
    path = os.path.join(VENV_BIN, name)
    if os.access(path, os.X_OK):
        return path
    return shutil.which(name)


def environment(collections_root):
    env = dict(os.environ)
    for name in ('PYTHONPATH', 'ANSIBLE_COLLECTIONS_PATHS', 'ANSIBLE_CONFIG'):
        env.pop(name, None)
    env['PATH'] = VENV_BIN + os.pathsep + env.get('PATH', '')  # antsibull-docs runs ansible-doc from PATH
    env['ANSIBLE_COLLECTIONS_PATH'] = collections_root
    env['ANSIBLE_COLLECTIONS_SCAN_SYS_PATH'] = 'False'
    env['ANSIBLE_NOCOLOR'] = '1'
    env['ANSIBLE_DEPRECATION_WARNINGS'] = 'False'
    return env


def render(collections_root, scratch):
    """Run antsibull-docs into a new folder under ``scratch``; return that folder."""
    antsibull = tool('antsibull-docs')
    if not antsibull:
        raise RenderError('antsibull-docs is not installed (pin it in tests/requirements-test.txt, then `make venv`)')
    out = os.path.join(scratch, 'rendered')
    os.mkdir(out, 0o700)  # antsibull-docs wants a folder that only its owner can write
    command = [antsibull, 'collection'] + ANTSIBULL_OPTIONS + ['--dest-dir', out, COLLECTION]
    proc = subprocess.run(command, cwd=scratch, env=environment(collections_root), stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False)
    output = proc.stdout.decode('utf-8', errors='replace')
    if proc.returncode:
        sys.stderr.write(output)
        raise RenderError('antsibull-docs failed (exit code %d): %s' % (proc.returncode, ' '.join(command)))
    files = list_files(out)
    if not any(name.endswith('_module.rst') for name in files):
        sys.stderr.write(output)
        raise RenderError('antsibull-docs wrote no module page: is %s in %s?' % (COLLECTION, collections_root))
    write_environment_page(out, collections_root)
    return out


ENV_PAGE = 'environment_variables.rst'
NO_ENV_LINE = 'No environment variables have been defined.'
# The action group whose modules share each connection argument spec (meta/runtime.yml).
CONNECTION_SPECS = (('acedata', 'acedata'), ('huaweicloud', 'huaweicloud'))


def module_environment_variables(collections_root):
    """``[(variable, option, group)]``: the environment fallbacks of the modules' connection options.

    antsibull-docs lists only the variables that plugins declare for their configuration (modules
    declare none there), so its page says there are none; the modules' own fallbacks are read from
    their argument specs, the source the doc fragments are checked against.
    """
    import importlib

    import yaml

    if collections_root not in sys.path:
        sys.path.insert(0, collections_root)
    with open(os.path.join(ROOT, 'meta', 'runtime.yml'), encoding='utf-8') as handle:
        groups = yaml.safe_load(handle).get('action_groups') or {}
    found = []
    for group, util in CONNECTION_SPECS:
        spec = importlib.import_module('ansible_collections.%s.%s.plugins.module_utils.%s' % (NAMESPACE, NAME, util))
        for option, settings in spec.CONNECTION_ARGSPEC.items():
            fallback = settings.get('fallback')
            for variable in (fallback[1] if fallback else []):
                found.append((variable, option, group, groups.get(group) or []))
    return found


def write_environment_page(rendered, collections_root):
    """Replace antsibull-docs' "none defined" with the variables the modules read."""
    path = os.path.join(rendered, ENV_PAGE)
    if not os.path.exists(path):
        return
    with open(path, encoding='utf-8') as handle:
        text = handle.read()
    if NO_ENV_LINE not in text:
        return
    with open(path, 'w', encoding='utf-8') as handle:
        handle.write(text.replace(NO_ENV_LINE, '\n'.join(environment_lines(collections_root))))


def environment_lines(collections_root):
    """The RST lines of the environment variables page: each variable, its option and modules."""
    lines = ['The collection\'s plugins declare no configuration variables. The modules read these environment',
             'variables for an option that the task (or ``module_defaults``) does not set:', '']
    for variable, option, _group, modules in module_environment_variables(collections_root):
        lines.append('* ``%s``: option ``%s`` of %s' % (
            variable, option, ', '.join(':ansplugin:`%s.%s.%s#module`' % (NAMESPACE, NAME, m) for m in modules)))
    return lines


def list_files(folder):
    """Relative paths of the files under ``folder`` (sorted)."""
    found = []
    if not os.path.isdir(folder):
        return found
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames.sort()
        for filename in filenames:
            found.append(os.path.relpath(os.path.join(dirpath, filename), folder))
    return sorted(found)


def install(rendered, dest):
    """Make ``dest`` hold exactly the rendered files; return ``(written, removed)`` counts."""
    written = removed = 0
    wanted = set(list_files(rendered))
    for name in list_files(dest):
        if name not in wanted:
            os.remove(os.path.join(dest, name))
            removed += 1
    for name in sorted(wanted):
        src, dst = os.path.join(rendered, name), os.path.join(dest, name)
        if os.path.exists(dst) and filecmp.cmp(src, dst, shallow=False):
            continue
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copyfile(src, dst)
        written += 1
    for dirpath, _dirnames, _filenames in os.walk(dest, topdown=False):
        if dirpath != dest and not os.listdir(dirpath):
            os.rmdir(dirpath)
    return written, removed


def build(args, dest, label, scratch):
    """Render, then install into ``dest``; returns the exit code."""
    root = args.collections_root or collections_root(scratch)
    rendered = render(root, scratch)
    os.makedirs(dest, exist_ok=True)
    written, removed = install(rendered, dest)
    print('%s: %d files, %d written, %d removed' % (label, len(list_files(dest)), written, removed))
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--dest', default=DEST, help='where the RST goes (default: docs/collection/)')
    parser.add_argument('--collections-root', help='a folder holding ansible_collections/apiops/provisioning '
                        '(default: a temporary one linking to this repository)')
    args = parser.parse_args(argv)
    dest = os.path.abspath(args.dest)
    label = os.path.relpath(dest, ROOT) if dest.startswith(ROOT + os.sep) else dest

    scratch = tempfile.mkdtemp(prefix='apiops-docs-')
    try:
        return build(args, dest, label, scratch)
    except RenderError as ex:
        print('error: %s' % ex, file=sys.stderr)
        return 2
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main())
