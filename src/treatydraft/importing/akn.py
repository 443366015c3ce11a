"""Akoma Ntoso 3.0 (placeholder until written)."""

from __future__ import annotations


def sniff(root) -> bool:
    return False


def read(root, doc):
    return doc
