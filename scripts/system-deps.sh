#!/usr/bin/env bash
# What the test suite needs beyond Python packages: Debian's Chromium (real-browser widget
# tests), a running PostgreSQL (team-store tests) and esbuild (front-end bundle check).
# Installs what it can; tells you what it could not. In CI (CI set) anything missing is fatal.
set -uo pipefail
cd "$(dirname "$0")/.."
missing=()

if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian's chromium (browser tests)…"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null \
      || missing+=("chromium (apt-get install chromium)")
  else
    missing+=("chromium (sudo apt-get install chromium)")
  fi
fi

if [ -z "${LABELWIDGETS_TEST_PG_URL:-}" ] && command -v pg_ctlcluster >/dev/null 2>&1; then
  if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
    echo "starting PostgreSQL…"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start \
      || missing+=("a running PostgreSQL on 127.0.0.1:5432 (or set LABELWIDGETS_TEST_PG_URL)")
    for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 0.5; done
  fi
fi

if [ -f package-lock.json ] && [ ! -x node_modules/.bin/esbuild ]; then
  if command -v npm >/dev/null 2>&1; then
    npm ci --no-audit --no-fund --loglevel=error >/dev/null || missing+=("esbuild (npm ci)")
  else
    missing+=("Node.js + npm (the JS bundle freshness check)")
  fi
fi

if [ ${#missing[@]} -gt 0 ]; then
  printf 'missing: %s\n' "${missing[@]}"
  if [ -n "${CI:-}" ]; then exit 1; fi
  echo "(the tests that need these will be skipped locally; CI installs them)"
fi
exit 0
