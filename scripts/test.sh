#!/usr/bin/env bash
# Install everything the tests need (nginx, Chromium, a Java runtime, npm, pango, the DejaVu
# fonts and poppler-utils from Debian when missing, Python packages into .venv, Mermaid and
# the a11y checkers axe-core and vnu-jar from the npm registry), then run the linters, the type checker, the
# shipped kb's validation and strict build, and the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
command -v npm >/dev/null 2>&1 || missing+=(npm)
# rkb build --pdf (WeasyPrint: pango, the embedded DejaVu fonts) and the PDF checks (poppler)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "test.sh: installing ${missing[*]} with apt-get" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
# The optional engines too: the tests build the site once with each (tests/test_engines.py).
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test,properdocs,zensical]'
# rkb's own modules compiled now, as pip compiles the packages it installs (it leaves an
# editable install as sources, and Python writes no .pyc where PYTHONDONTWRITEBYTECODE is set)
.venv/bin/python -m compileall -q src

# The versions pinned in tests/a11y/package-lock.json; --ignore-scripts: vnu-jar's install
# script would download a Java runtime from GitHub when it finds none (java is installed above).
if [ ! -d tests/a11y/node_modules ] || [ tests/a11y/package-lock.json -nt tests/a11y/node_modules ]; then
  echo "test.sh: installing the a11y checkers with npm ci" >&2
  npm ci --prefix tests/a11y --ignore-scripts --no-audit --no-fund --loglevel=error
fi

# Mermaid, shipped with the site for its diagrams: the version pinned in package-lock.json.
if [ ! -d node_modules/mermaid ] || [ package-lock.json -nt node_modules ]; then
  echo "test.sh: installing Mermaid with npm ci" >&2
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
fi

.venv/bin/ruff check src tests scripts
.venv/bin/ruff format --check src tests scripts
.venv/bin/mypy
.venv/bin/lint-imports --no-cache >/dev/null || .venv/bin/lint-imports --no-cache
.venv/bin/rkb validate
site=$(mktemp -d)
trap 'rm -rf "$site"' EXIT
NO_MKDOCS_2_WARNING=1 .venv/bin/mkdocs build --strict --quiet -d "$site/site"

set +e
RKB_NO_SKIPS=1 .venv/bin/pytest "$@"  # a skipped test (a tool missing) fails here
status=$?
set -e
if [ "$status" -eq 5 ]; then
  echo "test.sh: pytest collected no tests; that is a failure" >&2
  exit 1
fi
exit "$status"
