#!/usr/bin/env bash
# What the test suite needs beyond Python packages: Debian's Chromium (real-browser widget
# tests), a running PostgreSQL (team-store tests) and Node packages: esbuild (front-end bundle
# check) and typescript (front-end type check; `node --test` runs the JS unit tests).
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

# node_modules as package-lock.json says (npm ls fails when a package is missing or outdated)
if [ -f package-lock.json ]; then
  if ! command -v npm >/dev/null 2>&1; then
    missing+=("Node.js + npm (front-end unit tests, type check and bundle freshness check)")
  elif ! npm ls --depth=0 >/dev/null 2>&1; then
    npm ci --no-audit --no-fund --loglevel=error >/dev/null \
      || missing+=("esbuild, typescript (npm ci)")
  fi
fi

if [ ${#missing[@]} -gt 0 ]; then
  printf 'missing: %s\n' "${missing[@]}"
  if [ -n "${CI:-}" ]; then exit 1; fi
  echo "(the tests that need these will be skipped locally; CI installs them)"
fi
exit 0
