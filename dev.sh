#!/usr/bin/env bash
# 星级售后自评 — the two set-up commands of the README:
#   ./dev.sh app    install everything, then start the app on http://127.0.0.1:8501
#   ./dev.sh test   install everything (with the test tools), then ruff, mypy and every test
#                   (on two processes; ./dev.sh test -n 0 runs them in this one)
# Both install the Debian packages they need (Pango for WeasyPrint, Noto CJK fonts with Hanazono
# for rare CJK characters and Noto Color Emoji as fallbacks, and for the
# tests Chromium, poppler-utils and LibreOffice Calc, which recalculates the 自评表), create .venv and install the project into it.
set -euo pipefail
cd "$(dirname "$0")"

mode="${1:-}"
case "$mode" in
  app | test) shift ;;
  *) echo "usage: ./dev.sh app | test [pytest args...]" >&2; exit 2 ;;
esac

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

install_system_packages() {
  local wanted=(python3 python3-venv python3-pip libpango-1.0-0 libpangoft2-1.0-0
    libharfbuzz-subset0 fonts-noto-cjk fonts-hanazono fonts-noto-color-emoji)
  [ "$mode" = test ] && wanted+=(chromium poppler-utils libreoffice-calc)
  # npm (with Node.js) fetches axe-core for the accessibility journey; any npm on the PATH serves
  [ "$mode" = test ] && ! command -v npm >/dev/null && wanted+=(npm)
  local missing=()
  for package in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" ||
      missing+=("$package")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "==> installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends \
      "${missing[@]}"
  fi
}

install_python_env() {
  local python="${PYTHON:-python3}"
  "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' ||
    { echo "Python 3.11 or newer is needed ($python is $("$python" --version))" >&2; exit 1; }
  [ -x .venv/bin/python ] || "$python" -m venv .venv
  echo "==> installing the project into .venv"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[dev]"
}

# axe-core (WCAG checks in Chromium) for tests/journeys/test_accessibility.py, kept in the
# project's node_modules/ (ignored by git) at the version the journey names
install_axe_core() {
  local version=4.14.1
  grep -qs "\"version\": \"$version\"" node_modules/axe-core/package.json && return
  echo "==> installing axe-core $version (npm)"
  npm install --prefix . --no-save --no-audit --no-fund --loglevel=error "axe-core@$version"
}

install_system_packages
install_python_env
[ "$mode" = test ] && install_axe_core

if [ "$mode" = app ]; then
  echo "==> starting the app on http://127.0.0.1:${PORT:-8501}"
  exec .venv/bin/streamlit run audit_server.py --server.address "${HOST:-127.0.0.1}" \
    --server.port "${PORT:-8501}" --server.headless true --browser.gatherUsageStats false
fi

echo "==> ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "==> mypy"
.venv/bin/mypy
echo "==> pytest"
# two worker processes (pytest-xdist), the browser journeys all on one of them (tests/conftest.py)
exec .venv/bin/pytest -n 2 --dist loadgroup "$@"
