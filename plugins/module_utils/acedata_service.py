# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ace Data Cloud services (the catalogue: what a service alias names): ``acedata_service_info``."""

from ansible_collections.apiops.provisioning.plugins.module_utils.acedata import (
    UUID_PATTERN,
    InfoReader,
    check_service,
)
from ansible_collections.apiops.provisioning.plugins.module_utils.resource import ValidationError


def validate_service_info_options(params):
    """The service listing is public: a token is optional here, but checked when given."""
    if params.get('api_token') is not None and not params['api_token'].strip():
        raise ValidationError('api_token must not be empty (leave it out: the service listing needs none)')
    check_service(params)
    if params.get('search') is not None and not params['search'].strip():
        raise ValidationError('search must not be empty')


class ServiceInfo(InfoReader):
    """The platform's services (every page), filtered by alias or UUID, a search text, a type."""

    validate = staticmethod(validate_service_info_options)

    def gather(self):
        query = {'type': self.params.get('type')}
        reference = self.params.get('service')
        if reference and UUID_PATTERN.fullmatch(reference):
            query['id'] = reference.lower()
        services = self.client.list_all('/services/', query)
        if self.params.get('type'):  # re-checked here: the server might ignore a filter
            services = [svc for svc in services if svc.get('type') == self.params['type']]
        if reference:
            services = [svc for svc in services if reference in (svc.get('alias'), svc.get('id'))
                        or (svc.get('id') or '').lower() == reference.lower()]
        search = (self.params.get('search') or '').strip().casefold()
        if search:
            services = [svc for svc in services
                        if search in (svc.get('alias') or '').casefold() or search in (svc.get('title') or '').casefold()]
        return dict(changed=False, services=services,
                    aliases=sorted(svc['alias'] for svc in services if svc.get('alias')))
