"""`python -m tollbook` runs the CLI."""

from tollbook.cli import main

main()
