"""The ``safeplan`` command line.

Each domain contributes its commands from its own ``cli`` module through a
``register(group)`` function, so this module stays a thin entry point.

    $ safeplan --help
"""

from __future__ import annotations

import importlib
import os
import sys

import click

COMMAND_MODULES = (
    "safeplan.plans.cli",
    "safeplan.imports.cli",
    "safeplan.measures.cli",
    "safeplan.scorecard.cli",
    "safeplan.demo.cli",
    "safeplan.web.cli",
    "safeplan.accounts.cli",
    "safeplan.audit.cli",
    "safeplan.actions.cli",
    "safeplan.jobs.cli",
)


def setup_django() -> None:
    """Configure Django once; a bad setting is reported without a traceback."""
    from safeplan.config import ConfigurationError

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeplan.settings")
    try:
        import django

        django.setup()
    except ConfigurationError as exc:
        click.echo(f"safeplan: configuration error: {exc}", err=True)
        sys.exit(2)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="safeplan")
def main() -> None:
    """safeplan: run a Safeguarding Children Partnership's plan on a page as a live system."""


for _module in COMMAND_MODULES:
    importlib.import_module(_module).register(main)


@main.command(
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
    add_help_option=False,
)
@click.pass_context
def manage(ctx: click.Context) -> None:
    """Run a Django management command (for maintainers): safeplan manage migrate."""
    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["safeplan manage", *ctx.args])
