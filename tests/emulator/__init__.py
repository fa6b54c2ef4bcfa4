# -*- coding: utf-8 -*-
# Copyright (c) 2026, apiops.provisioning contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A local emulator of the Huawei Cloud APIG/IAM and Ace Data Cloud platform APIs (test only)."""
