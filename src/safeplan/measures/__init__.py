"""Computed results of the twelve measures: storage, orchestration and reading."""
