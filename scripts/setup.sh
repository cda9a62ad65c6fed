#!/usr/bin/env bash
# Installs the system libraries Hoso builds against (Debian/Ubuntu): LMDB (the engine),
# SQLite (the benchmark comparison), libedit (the shell's line editing), tmux (the
# interactive shell test), strace (the crash test kills a compaction at each of its
# file-system steps), python3 (scripts/doc-examples.py, which the documentation tests
# run), chromium (the report tests render the demo's HTML report to a PNG and a PDF) and
# Python's openpyxl from PyPI (the report tests read the .xlsx back with it). Safe to run
# again: it installs only what is missing.
set -euo pipefail
need=()
dpkg -s liblmdb-dev >/dev/null 2>&1 || need+=(liblmdb-dev)
dpkg -s libsqlite3-dev >/dev/null 2>&1 || need+=(libsqlite3-dev)
dpkg -s libedit-dev >/dev/null 2>&1 || need+=(libedit-dev)
command -v tmux >/dev/null 2>&1 || need+=(tmux)
command -v strace >/dev/null 2>&1 || need+=(strace)
command -v python3 >/dev/null 2>&1 || need+=(python3)
python3 -m pip --version >/dev/null 2>&1 || need+=(python3-pip)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "setup: installing ${need[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
if ! python3 -c "import openpyxl" >/dev/null 2>&1; then
  echo "setup: installing openpyxl (PyPI)" >&2
  python3 -m pip install -q openpyxl >/dev/null 2>&1 || python3 -m pip install -q --break-system-packages openpyxl
fi
command -v swift >/dev/null 2>&1 || { echo "setup: Swift 6.1 or newer must be on PATH (swift.org/install)" >&2; exit 1; }
