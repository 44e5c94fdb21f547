"""`python -m tadmur.mkdocs_quiet build ...`: MkDocs' own command line, printing warnings and errors only.

`mkdocs build -q` would be quieter still, but it raises the log level to ERROR, so warnings are never
logged and `--strict` (which counts the warnings logged) passes a site with broken links. This sets the
level to WARNING instead: the build's INFO lines are dropped before they are even formatted (a shard
logs one for every link to a page another shard builds), and --strict sees every warning.
"""

from __future__ import annotations

import logging
import sys

from mkdocs import __main__ as mkdocs_cli


def main() -> None:
    # MkDocs keeps its level on a State object made while the options are parsed; its default is INFO.
    mkdocs_cli.State.__init__.__defaults__ = ("mkdocs", logging.WARNING)
    sys.argv[0] = "mkdocs"
    mkdocs_cli.cli()


if __name__ == "__main__":
    main()
