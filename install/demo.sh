#!/usr/bin/env bash
# From a fresh checkout to a running demo hub on http://127.0.0.1:8000 (Debian 12 / Ubuntu 24.04, root).
#
#   sudo bash install/demo.sh [--port 8000]
#
# Installs what is needed (apt: python3-venv, Node.js/npm; npm: configurable-http-proxy), builds
# the lab extension, installs this package into /opt/jupyterhub-classroom-demo/venv (outside the
# checkout, so that the students' servers can run it even when the checkout is in /root), then
# runs `classroom demo`: a teacher and two students (passwords printed), removed again on Ctrl-C.
# Safe to re-run; it never touches an existing hub's config or accounts.
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=$PWD
DEMO=${CLASSROOM_DEMO_DIR:-/opt/jupyterhub-classroom-demo}
VENV=$DEMO/venv

step() { printf '==> %s\n' "$*"; }
die() { printf 'install/demo.sh: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run it as root (sudo bash install/demo.sh): the demo creates system accounts."
. /etc/os-release 2>/dev/null || true
case "${ID:-}" in debian|ubuntu) ;; *) echo "warning: tested on Debian 12 and Ubuntu 24.04, this is ${PRETTY_NAME:-unknown}" >&2 ;; esac

step "system packages (apt)"
export DEBIAN_FRONTEND=noninteractive
pkgs=(python3 python3-venv python3-dev git)
# A Node.js from NodeSource bundles npm and conflicts with Debian's npm package: only ask apt
# for Node.js when the commands are missing.
command -v node >/dev/null && command -v npm >/dev/null || pkgs+=(nodejs npm)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  echo "    nothing to change"
fi

step "configurable-http-proxy (npm)"
if command -v configurable-http-proxy >/dev/null; then
  echo "    nothing to change"
else
  npm install -g --no-audit --no-fund configurable-http-proxy
fi

step "Python venv ($VENV, from /usr/bin/python3 so that every account can run it)"
mkdir -p "$DEMO"
chmod 755 "$DEMO"
[ -x "$VENV/bin/python" ] || /usr/bin/python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --upgrade pip
"$VENV/bin/python" -m pip install -q "jupyter-builder>=1.2,<2" hatchling hatch-nodejs-version \
  hatch-jupyter-builder editables

step "lab extension (npm ci, build)"
export PATH="$VENV/bin:$PATH"
npm ci --no-audit --no-fund
npm run build:prod

step "this package into the venv (with JupyterHub and JupyterLab)"
# Not editable: the venv must not depend on the checkout's folder being readable by students.
"$VENV/bin/python" -m pip install -q --no-build-isolation "$SRC[hub]"
# (output captured first: `grep -q` in a pipe would end jupyter with SIGPIPE under pipefail)
extensions=$("$VENV/bin/jupyter" server extension list 2>&1 || true)
grep -q "jupyter_extension_companion.*enabled" <<<"$extensions" \
  || die "the server extension is not enabled in $VENV"

step "starting the demo (Ctrl-C stops it and removes the demo accounts)"
exec "$VENV/bin/classroom" demo "$@"
