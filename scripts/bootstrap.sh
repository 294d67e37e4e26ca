#!/usr/bin/env bash
# Idempotent set-up of a fresh Debian/Ubuntu machine for Tollgate and its reference stack.
# On a ready machine it prints one line and exits 0 in well under a second.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
start=$(date +%s%N)

packages=(chromium chromium-driver default-jre-headless nginx postgresql python3-flask python3-psycopg2 python3-pytest gunicorn)

fail() { echo "bootstrap: $*" >&2; exit 1; }

# Node first: everything else is useless without a Node the dependencies accept.
command -v node >/dev/null 2>&1 || fail "node is not installed; install Node.js 20.19 or newer, then run this again."
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' \
  || fail "node $(node --version) is too old; Tollgate needs Node.js 20.19 or newer."

# One dpkg-query for all packages keeps the ready-machine path fast.
missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  installed=$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${packages[@]}" 2>/dev/null || true)
  for p in "${packages[@]}"; do
    grep -qx "$p installed" <<<"$installed" || missing+=("$p")
  done
else
  fail "this is not a Debian/Ubuntu machine (no dpkg-query); install the equivalents of: ${packages[*]}"
fi

did=()
if ((${#missing[@]})); then
  if [ "$(id -u)" -eq 0 ]; then
    as_root=()
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
  else
    echo "bootstrap: missing Debian packages: ${missing[*]}" >&2
    echo "bootstrap: install them as root, then run this again:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
  echo "bootstrap: installing ${missing[*]} (apt-get)…"
  export DEBIAN_FRONTEND=noninteractive
  "${as_root[@]}" apt-get update -qq >/tmp/tollgate-apt.log 2>&1 \
    || { tail -20 /tmp/tollgate-apt.log >&2; fail "apt-get update failed (log above, full log in /tmp/tollgate-apt.log)"; }
  "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >>/tmp/tollgate-apt.log 2>&1 \
    || { tail -20 /tmp/tollgate-apt.log >&2; fail "apt-get install failed (log above, full log in /tmp/tollgate-apt.log)"; }
  did+=("installed ${#missing[@]} Debian packages")
fi

# npm ci rewrites node_modules/.package-lock.json, so its mtime marks the last install.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "bootstrap: installing npm dependencies (npm ci)…"
  npm ci --no-audit --no-fund --loglevel=error >/tmp/tollgate-npm.log 2>&1 \
    || { tail -20 /tmp/tollgate-npm.log >&2; fail "npm ci failed (log above, full log in /tmp/tollgate-npm.log)"; }
  did+=("npm ci")
fi

ms=$(( ($(date +%s%N) - start) / 1000000 ))
if ((${#did[@]})); then
  summary=$(IFS=','; echo "${did[*]}" | sed 's/,/, /g')
  echo "bootstrap: ready (${summary}) in ${ms} ms"
else
  echo "bootstrap: ready (${#packages[@]} Debian packages present, node_modules current) in ${ms} ms"
fi
