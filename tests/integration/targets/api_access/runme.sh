#!/usr/bin/env bash
# The target has the role's name, and a playbook inside a collection resolves a bare role name in
# the collection first: the play ansible-test generates would run the collection's api_access
# instead of this target. runme.yml runs this target by path instead.
set -eux
ansible-playbook runme.yml -i "${INVENTORY_PATH}" -e @../../integration_config.yml "$@"
