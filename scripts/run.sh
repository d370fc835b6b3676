#!/usr/bin/env bash
# Install rkb into .venv, build the site from kb/ and docs/, and serve it on
# http://127.0.0.1:8000/ (rebuilding when kb/, docs/ or overrides/ change).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e .
exec .venv/bin/rkb serve "$@"
