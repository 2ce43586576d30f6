"""``python -m netweave`` runs the command line."""

from netweave.cli import main

main()
