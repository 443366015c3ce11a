"""``treatydraft sources import``: official texts in, verbatim, with their origin (§11).

One reader per format (:mod:`.formex`, :mod:`.eurlex_html`, :mod:`.akn`) fills a
:class:`.model.Document`; :mod:`.writer` turns it into a §3 source file;
:mod:`.importer` runs the whole import (fetch, detect, write, re-import report).
"""
