"""Readers of project files. The only modules that read files from disk."""
