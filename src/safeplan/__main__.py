"""``python -m safeplan`` runs the command line."""

from safeplan.cli import main

main()
