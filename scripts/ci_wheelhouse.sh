#!/usr/bin/env bash
# CI: a release installs and serves on a machine with neither npm nor network access.
#
# Builds the wheelhouse (`make wheelhouse`), then, in a network namespace with only a loopback
# (`unshare -n`; where none can be made, pip's --no-index alone, and it says so) and with npm
# and node replaced by stubs that fail the run when called: a fresh virtual environment in a
# temporary folder installs `wenming` from the wheelhouse alone, migrates a fresh SQLite
# database, creates an admin, serves with gunicorn (`wenming serve --prod`), and
# scripts/check_page_assets.py checks that the login page and, signed in, the home, map and
# admin pages load every script and style sheet (200, hashed names, a year's immutable cache).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
py=${PY:-python3}

started=$SECONDS
make wheelhouse
echo "ci: wheelhouse built in $((SECONDS - started)) s ($(du -sh dist/wheelhouse | cut -f1))"

work=$(mktemp -d /tmp/wenming-ci-wheelhouse.XXXXXX)
trap 'rm -rf "$work"' EXIT

isolate=()
if unshare -n true 2>/dev/null; then
  isolate=(unshare -n)
  echo "ci: installing and serving in a network namespace with only a loopback (unshare -n)"
else
  echo "ci: no network namespace can be made here; the install is offline by --no-index only"
fi

# The part that must work without network or npm, run inside the namespace.
cat >"$work/offline.sh" <<'OFFLINE'
set -euo pipefail
root=$1 work=$2 py=$3 isolated=$4
if [ "$isolated" = 1 ]; then
  ip link set lo up
  if "$py" -c 'import socket; socket.create_connection(("pypi.org", 443), timeout=5)' 2>/dev/null; then
    echo "ci: the network is reachable inside the namespace; this check would prove nothing" >&2
    exit 1
  fi
fi

# npm and node must not be needed: stubs that fail loudly come first on PATH.
mkdir -p "$work/stubs"
for tool in npm npx node; do
  printf '#!/bin/sh\necho "ci: %s was called; an install from the wheelhouse must not need it" >&2\ntouch %s/npm-called\nexit 1\n' \
    "$tool" "$work" >"$work/stubs/$tool"
  chmod +x "$work/stubs/$tool"
done
export PATH="$work/venv/bin:$work/stubs:$PATH"

# No index, no configured find-links or extra index: the wheelhouse alone.
unset PIP_FIND_LINKS PIP_INDEX_URL PIP_EXTRA_INDEX_URL
export PIP_CONFIG_FILE=/dev/null PIP_NO_INDEX=1 PIP_DISABLE_PIP_VERSION_CHECK=1
started=$SECONDS
"$py" -m venv "$work/venv"
pip install -q --no-index --find-links "$root/dist/wheelhouse" wenming
echo "ci: installed offline into a fresh virtual environment in $((SECONDS - started)) s"

# A clean environment and a folder outside the checkout: the installed package is what runs.
for name in $(compgen -e | grep '^WENMING_' || true); do unset "$name"; done
unset DJANGO_SETTINGS_MODULE PYTHONPATH
cd "$work"
python -c 'import sys, wenming; sys.exit(0 if sys.argv[1] in wenming.__file__ else f"wenming imported from {wenming.__file__}")' "$work/venv/"
if wenming check >"$work/check.log" 2>&1 || ! grep -q "WENMING_HOME is not set" "$work/check.log"; then
  echo "ci: an installed wenming without WENMING_HOME must refuse to start and say why" >&2
  cat "$work/check.log" >&2
  exit 1
fi

export WENMING_HOME="$work/home"
started=$SECONDS
wenming migrate --no-input >/dev/null
echo "ci: a fresh SQLite database migrated in $((SECONDS - started)) s"
password=$(python -c 'import secrets; print(secrets.token_urlsafe(18))')
WENMING_ADMIN_PASSWORD=$password wenming createadmin --username chief --no-input
port=$(python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
started=$SECONDS
setsid wenming serve --prod --host 127.0.0.1 --port "$port" >"$work/serve.log" 2>&1 &
server=$!
stop_server() { kill -- "-$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; }
trap stop_server EXIT
python - "$port" "$server" <<'WAIT'
import os, sys, time, urllib.request
port, pid = sys.argv[1], int(sys.argv[2])
deadline = time.monotonic() + 180
while time.monotonic() < deadline:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        sys.exit("ci: the server exited")
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
            sys.exit(0)
    except OSError:
        time.sleep(0.5)
sys.exit("ci: the server did not answer /healthz in 180 s")
WAIT
echo "ci: gunicorn answered /healthz $((SECONDS - started)) s after \`wenming serve\` began (the static collection included)"
base="http://127.0.0.1:$port"
status=0
python "$root/scripts/check_page_assets.py" "$base" /login/ --expect-hashed || status=1
WENMING_CHECK_PASSWORD=$password python "$root/scripts/check_page_assets.py" "$base" \
  --login chief / /points/ /admin/ --expect-hashed || status=1
if [ -e "$work/npm-called" ]; then echo "ci: npm or node was called" >&2; status=1; fi
if [ "$status" != 0 ]; then echo "ci: server log:" >&2; tail -n 40 "$work/serve.log" >&2; fi
exit "$status"
OFFLINE

isolated=0
[ ${#isolate[@]} -gt 0 ] && isolated=1
"${isolate[@]}" bash "$work/offline.sh" "$root" "$work" "$py" "$isolated"
echo "ci: the wheelhouse installs and serves complete pages without npm$([ "$isolated" = 1 ] && echo " or network")"
