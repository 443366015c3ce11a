"""treatydraft's benchmark harness (issue 8): ``python -m bench`` from the repository root."""
