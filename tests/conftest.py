"""Shared fixtures. Tests run with SAFEPLAN_MODE=test (set by the Makefile or here)."""

import os

os.environ.setdefault("SAFEPLAN_MODE", "test")
