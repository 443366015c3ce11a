"""treatydraft: draft treaty text from existing legal instruments, with provenance.

The public API (the CLI uses nothing else)::

    from treatydraft import load_project, check
    project = load_project(".")
    report = check(project)
"""

from .api import check, check_path, load_project, lookup, new_clause, pin

__all__ = ["check", "check_path", "load_project", "lookup", "new_clause", "pin"]
__version__ = "0.1.0"
