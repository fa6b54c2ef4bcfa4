# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pytest fixtures of the emulator, one set for every suite (``pytest_plugins = ['emulator.fixtures']``).

``emulator_server``: an emulator in a thread of this process (``BackgroundServer``), one per test
module, with the default seed; tests that use it alone share its state. ``emulator``: an
``EmulatorClient`` of that server, reset before each test (the seed, no faults, no latency, an
empty log); the client keeps the server as ``emulator.server``.
"""

from __future__ import annotations

import pytest

from .client import EmulatorClient
from .core import BackgroundServer


@pytest.fixture(scope='module')
def emulator_server():
    with BackgroundServer() as server:
        yield server


@pytest.fixture
def emulator(emulator_server):  # pylint: disable=redefined-outer-name
    """The module's emulator, back to its seed."""
    client = EmulatorClient(emulator_server.url, emulator_server)
    client.reset()
    return client
