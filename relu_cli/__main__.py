"""``python -m relu_cli`` runs the command line."""

from relu_cli.cli import main

main()
