"""`python -m octavo`: the same program as the `octavo` command."""

import sys

from octavo.cli.main import command

sys.exit(command())
