"""A minimal typer app with the same command names as ``treatydraft`` (peer for ``--help``).

The names come from ``BENCH_COMMANDS`` (comma-separated; the harness reads them from
``treatydraft --help``), so the two apps always list the same commands.  Same app
settings as treatydraft's (no completion, no rich markup).
"""

import os

import typer

app = typer.Typer(
    help="Minimal app for the --help benchmark.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
NAMES = os.environ.get("BENCH_COMMANDS", "check,pin,new,init,build,redline,sources").split(",")


def _make(name: str):
    def command() -> None:
        typer.echo(name)

    command.__doc__ = f"The {name} command."
    return command


for _name in NAMES:
    app.command(name=_name)(_make(_name))

if __name__ == "__main__":
    app()
