#!/usr/bin/env bash
# One-time setup for the benchmark (issue 8): the peers it compares against.
#   bash bench/setup.sh && .venv/bin/python -m bench
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
# treatydraft itself plus the bench extras: PyYAML (the parse floor), redlines (the redline peer),
# pyinstrument (profiling)
.venv/bin/pip install -q -e '.[bench]'
# An editable install leaves treatydraft's own modules uncompiled, and where
# PYTHONDONTWRITEBYTECODE is set (as on CI machines) every run would compile them
# again: compile them once, as a regular `pip install` does, so that process timings
# measure the tool and not the compiler. (Site-packages peers are compiled already.)
.venv/bin/python -m compileall -q src
if ! command -v pandoc >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get install -y pandoc || { apt-get update && apt-get install -y pandoc; } || true
  elif command -v sudo >/dev/null 2>&1; then
    sudo apt-get install -y pandoc || true
  fi
fi
command -v pandoc >/dev/null 2>&1 || echo "bench/setup.sh: pandoc is not installed; the build-vs-pandoc row will be skipped" >&2
command -v git >/dev/null 2>&1 || echo "bench/setup.sh: git is not installed; the git word-diff reference row will be skipped" >&2
echo "ready: .venv/bin/python -m bench   (or --smoke for a quick check)"
