#!/usr/bin/env bash
# The target has the role's name, and a playbook inside a collection resolves a bare role name in
# the collection first: the play ansible-test generates would run the collection's api_access
# instead of this target. runme.yml runs this target by path instead.
# integration_config.yml is the nox session's; without it, runme.yml starts an emulator itself
# (the setup target setup_emulator, found on the roles path).
set -eux
export ANSIBLE_ROLES_PATH=..
if [ -f ../../integration_config.yml ]; then
    set -- -e @../../integration_config.yml "$@"
fi
ansible-playbook runme.yml -i "${INVENTORY_PATH}" "$@"
