"""Commands of this domain (filled in by its owner)."""

import click


def register(group: click.Group) -> None:
    """Add this domain's commands to the ``safeplan`` group."""
