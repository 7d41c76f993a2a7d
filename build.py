#!/usr/bin/env python3
"""Build the articles in content/ (the same program as the `octavo` command)."""

import sys

from octavo.cli.main import command

if __name__ == "__main__":
    sys.exit(command())
