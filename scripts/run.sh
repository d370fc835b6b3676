#!/usr/bin/env bash
# Install rkb into .venv (with WeasyPrint for `rkb build --pdf`), Mermaid for the site's
# diagrams (npm ci), and the system packages they need from Debian when missing (npm,
# pango, the DejaVu fonts); then build the site from kb/ and docs/ and serve it on
# http://127.0.0.1:8000/ (rebuilding when kb/, docs/ or overrides/ change).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v npm >/dev/null 2>&1 || missing+=(npm)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
if [ ${#missing[@]} -gt 0 ] && command -v apt-get >/dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "run.sh: installing ${missing[*]} with apt-get" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[pdf]'
# rkb's own modules compiled now, as pip compiles the packages it installs (it leaves an
# editable install as sources, and Python writes no .pyc where PYTHONDONTWRITEBYTECODE is set)
.venv/bin/python -m compileall -q src
if [ ! -d node_modules/mermaid ] || [ package-lock.json -nt node_modules ]; then
  echo "run.sh: installing Mermaid with npm ci" >&2
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
fi
exec .venv/bin/rkb serve "$@"
