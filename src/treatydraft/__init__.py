"""treatydraft: draft treaty text from existing legal instruments, with provenance.

The public API (the CLI uses nothing else)::

    from treatydraft import load_project, check
    project = load_project(".")
    report = check(project)

Names are imported on first use, so ``treatydraft --help`` loads none of them.
``treatydraft.redline`` is the redline package; the rendering use case is
``treatydraft.api.redline`` (and ``redline_model`` here).
"""

__version__ = "0.1.0"
__all__ = [
    "build",
    "check",
    "check_path",
    "export_akn",
    "init_project",
    "list_sources",
    "load_project",
    "lookup",
    "new_clause",
    "pin",
    "redline_model",
    "table",
]


def __getattr__(name: str):
    if name in __all__:
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'treatydraft' has no attribute {name!r}")
