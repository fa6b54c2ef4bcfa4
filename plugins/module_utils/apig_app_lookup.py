# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""APIG apps (credentials) as others refer to them: references by id or name, their lookups, the
quota an app is bound to. Used by ``apig_app`` and ``apig_app_quota``; kept apart from the app
resource so that a quota module run loads (and Ansible scans) only what it uses."""

import re
import threading

from ansible_collections.apiops.provisioning.plugins.module_utils.resource import ValidationError, unique
from ansible_collections.apiops.provisioning.plugins.module_utils.transport import ApiError

from urllib.parse import quote

APP_ID_PATTERN = re.compile(r'^(?:[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$')
# An app reference is checked only for what no app id or name can hold. The create docs allow
# letters, digits and underscores, but apps named with hyphens exist (``app-demo`` in the vendor's
# own examples and Terraform's docs): an existing app's real name is always a valid reference,
# and an unknown one is refused once the lookup has found no app of that id or name.
APP_REFERENCE_MAX = 255


def app_reference_problem(value):
    """What makes ``value`` no app reference (id or name), or None."""
    if not value:
        return 'must be an app id or an app name, not empty'
    if len(value) > APP_REFERENCE_MAX:
        return 'must be an app id or an app name of at most %d characters' % APP_REFERENCE_MAX
    if any(ord(ch) < 32 or ch.isspace() for ch in value):
        return 'must be an app id or an app name, without spaces or control characters'
    return None


def bound_app(item):
    """``{app_id, name}`` of an APIG app, from either of the API's two shapes."""
    return {'app_id': item.get('app_id') or item.get('id'), 'name': item.get('name')}


def matches(reference, app):
    return reference in (app['app_id'], app['name'])


class AppLookup:
    """The apps of one APIG instance, looked up by id or exact name."""

    def __init__(self, cloud):
        self.cloud = cloud

    def resolve(self, references):
        """``{app_id, name}`` of each app given by id or exact name, in order.

        One reference costs one request. For several, one unfiltered page of apps is read first:
        when it holds every app of the gateway, it resolves them all; otherwise each is looked up.
        """
        references = unique(references)
        listed = self.cloud.everything('/apps', 'apps') if len(references) > 1 else None
        if listed is None:
            return [self.resolve_one(ref) for ref in references]
        apps = [bound_app(item) for item in listed]
        return [self.pick(ref, apps) for ref in references]

    def pick(self, reference, apps):
        """The app ``reference`` names among ``apps`` (all of the gateway's): by id, else by name."""
        for key in ('app_id', 'name'):
            for app in apps:
                if app[key] == reference:
                    return app
        raise self.unknown(reference)

    def unknown(self, reference):
        return ValidationError('apps: no app (credential) with the id or name %r exists in instance %s'
                               % (reference, self.cloud.params['instance_id']))

    def resolve_one(self, reference):
        """``{app_id, name}`` of the app given by id or exact name; a clear error when unknown."""
        queries = [{'name': reference, 'precise_search': 'name'}]
        if APP_ID_PATTERN.fullmatch(reference):
            queries.insert(0, {'id': reference})
        for query in queries:
            for item in self.cloud.list_all('/apps', 'apps', query=query):
                app = bound_app(item)
                if matches(reference, app):
                    return app
        raise self.unknown(reference)

    def bound_quota_of(self, app):
        """The quota an app is bound to, or None.

        A free app's answer is undocumented: a 404, or a Go zero-valued quota
        (``{"app_quota_id": "", "name": "", ...}``) or an empty body; each means "none"
        (reading ``bound_quota_zero``).
        """
        try:
            quota = self.cloud.request('GET', '/apps/%s/bound-quota' % quote(app['app_id'], safe='')).data
        except ApiError as exc:
            if exc.status == 404:
                return None
            raise
        return quota if isinstance(quota, dict) and quota.get('app_quota_id') else None


class SharedAppLookup(AppLookup):
    """The lookups of a list run: apps resolved from one shared read, each at most once.

    The unfiltered page of apps is read (once, by the first item that needs it) when the items
    name more than one app between them; while it holds every app of the gateway it resolves
    every reference, otherwise each reference is looked up on its own, once.
    """

    def __init__(self, cloud, references):
        super().__init__(cloud)
        self.references = references
        self.resolved = {}
        self._lock = threading.Lock()
        self._apps = None
        self._apps_read = False

    def resolve(self, references):
        references = unique(references)
        if not references:
            return []
        with self._lock:
            if not self._apps_read and len(self.references) > 1:
                listed = self.cloud.everything('/apps', 'apps')
                self._apps = [bound_app(item) for item in listed] if listed is not None else None
            self._apps_read = True
        found = []
        for ref in references:
            if ref not in self.resolved:
                self.resolved[ref] = self.pick(ref, self._apps) if self._apps is not None else self.resolve_one(ref)
            found.append(self.resolved[ref])
        return found
