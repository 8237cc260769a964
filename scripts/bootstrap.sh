#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine lacks to build and run (and, with --test, to test)
# LLM Gateway. Idempotent: installs only missing packages.
#   scripts/bootstrap.sh          runtime + build dependencies, web UI packages
#   scripts/bootstrap.sh --test   also the test tools (chromium, wrk, ...)
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-run}
packages=(build-essential cmake ninja-build pkg-config ca-certificates
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libssl-dev libsqlite3-dev libsodium-dev libspdlog-dev libfmt-dev libcli11-dev
  nodejs npm curl)
if [ "$mode" = "--test" ]; then
  packages+=(libgtest-dev libgmock-dev chromium fonts-wqy-microhei wrk python3 procps)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# Node.js may come from elsewhere than Debian (nvm, nodesource): accept any node >= 18.
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
  missing=("${missing[@]/nodejs/}")
  missing=("${missing[@]/npm/}")
fi
missing=($(printf '%s\n' "${missing[@]}" | grep -v '^$' || true))

if [ ${#missing[@]} -gt 0 ]; then
  echo "bootstrap: installing ${missing[*]}"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
      echo "bootstrap: need root or sudo to install: ${missing[*]}" >&2; exit 1; fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "bootstrap: system packages present"
fi

# Web UI packages (npm ci only when the lock file changed since the last install).
if [ -f web/package-lock.json ]; then
  stamp=web/node_modules/.bootstrap-stamp
  if [ ! -f "$stamp" ] || ! cmp -s web/package-lock.json "$stamp"; then
    echo "bootstrap: installing web UI packages"
    (cd web && npm ci --no-audit --no-fund --loglevel=error)
    cp web/package-lock.json "$stamp"
  fi
fi
# Test clients (official SDKs) for the conformance suites.
if [ "$mode" = "--test" ] && [ -f tests/package-lock.json ]; then
  stamp=tests/node_modules/.bootstrap-stamp
  if [ ! -f "$stamp" ] || ! cmp -s tests/package-lock.json "$stamp"; then
    echo "bootstrap: installing test client packages"
    (cd tests && npm ci --no-audit --no-fund --loglevel=error)
    cp tests/package-lock.json "$stamp"
  fi
fi
