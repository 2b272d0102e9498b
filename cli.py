"""The ``psikg`` command: the group, its global options and the error handling. The commands
themselves live in :mod:`psikg.commands`, one module per group of commands; each parses, calls
the Python API (:mod:`psikg.api`) and formats. The group is lazy (click's "lazily loading
subcommands" pattern): a command's module is imported only when it runs, so a command pays only
for what it uses (``python -X importtime -m psikg ...`` shows it; docs/cli.md). The ``psikg``
program starts in :mod:`psikg.__main__`, which sets the process up first. Nothing imports this
module back but that.

Exit codes: 0 success; 1 a failure (store, server, environment); 2 bad input or an unknown id
(nothing was written).
"""

from __future__ import annotations

import logging
import os

import click

from .commands import COMMAND_MODULES, load_command
from .commands.common import report_issues
from .errors import InputError, PsikgError

__all__ = ["main", "cli"]


class PsikgGroup(click.Group):
    """Lists every command but imports one only when it is asked for; turns psikg's errors into
    messages and exit codes."""

    def list_commands(self, ctx) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMAND_MODULES})

    def get_command(self, ctx, cmd_name):
        return super().get_command(ctx, cmd_name) or load_command(cmd_name)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except InputError as error:
            report_issues(error.issues, limit=len(error.issues))
            if error.truncated:
                click.echo(f"... and {error.truncated} more", err=True)
            click.echo(f"Error: {len(error.issues) + error.truncated} problem(s) in the input; "
                       "nothing was written.", err=True)
            ctx.exit(2)
        except PsikgError as error:
            click.echo(f"Error: {error}", err=True)
            ctx.exit(error.exit_code)


@click.group(cls=PsikgGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--store", type=click.Path(dir_okay=False), envvar="PSIKG_STORE",
              help="The store: a file for the embedded store (default: per-user data folder), or a "
                   "database URI. Also PSIKG_STORE.")
@click.option("--trace", is_flag=True, help="Log every database query with its parameters.")
@click.option("-v", "--verbose", count=True, help="More logging (-vv for debug).")
@click.version_option(package_name="psikg")
@click.pass_context
def cli(ctx, store, trace, verbose):
    """psikg: a knowledge graph and matchmaking engine for public-service innovation transfer.

    \b
    Example:
      psikg load && psikg stats
    """
    logging.basicConfig(level=[logging.WARNING, logging.INFO, logging.DEBUG][min(verbose, 2)],
                        format="%(levelname)s %(name)s: %(message)s")
    ctx.obj = {"store": store, "trace": trace}


def main() -> None:
    # psikg's array arithmetic is a few hundred rows: OpenBLAS's worker threads would only add
    # their start-up (15 ms of a 170 ms command) and contend with the user's other work.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    cli(prog_name="psikg")


if __name__ == "__main__":
    main()
