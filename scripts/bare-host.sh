#!/usr/bin/env bash
# The bare-host job: the README's first command on a pristine Debian 12, every CI run.
#
#   sudo bash scripts/bare-host.sh
#
# 1. A bare Debian 12 tree (debootstrap --variant=minbase plus git, sudo, curl, procps), built
#    once and kept as a tarball in $CLASSROOM_BARE_CACHE (default /var/cache/jupyterlab-classroom);
#    later runs only unpack it.
# 2. Into a fresh copy goes only what every machine here has (DESIGN.md, "Fresh hosts"): the CA
#    certificates, the apt settings, the resolver and /etc/hosts. proc, sys and dev are mounted,
#    the checkout's committed HEAD is cloned to /root/jupyterlab-classroom.
# 3. scripts/bare_host_check.py runs the README's first command there in the chroot (log:
#    $WORK/install.log; re-run once, as its message advises, only if it failed on the network)
#    and checks the result as the users would: the hub answers on
#    127.0.0.1:8000, the teacher logs in through the form with the printed password,
#    `classroom users add` makes a student who gets Lab in ~/notebooks, a Java cell with Gson
#    runs as that student. It prints the timings.
# 4. Always torn down (trap): the processes whose root is the tree (only those), every mount under
#    it, the tree. CLASSROOM_BARE_KEEP=1 keeps the tree (not the processes, not the mounts).
#
# The chroot shares this machine's network: it needs the default ports (8000, and 8001/8081/10101
# or 881-883 inside).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE_DIR=${CLASSROOM_BARE_CACHE:-/var/cache/jupyterlab-classroom}
INSTALL_TIMEOUT=${CLASSROOM_BARE_INSTALL_TIMEOUT:-1500}
SUITE=bookworm
INCLUDE=ca-certificates,git,sudo,curl,procps
PORTS=(8000 8001 8081 10101 881 882 883)
# Bump when the way the pristine tree is made changes (the cache key includes it).
TREE_RECIPE=1

say() { printf '[bare-host] %s\n' "$*"; }
die() { printf '[bare-host] FAIL: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, chroot, mounts): sudo bash $0"
PY=${BARE_HOST_PYTHON:-$ROOT/.venv/bin/python}
[ -x "$PY" ] || die "no $PY: run 'bash scripts/test.sh unit' first (it makes .venv)"

# The mirror this machine's apt uses (the first Debian archive in debian.sources).
mirror() {
  local src=/etc/apt/sources.list.d/debian.sources uri
  if [ -r "$src" ]; then
    uri=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i !~ /security/) { print $i; exit } }' "$src")
    [ -n "$uri" ] && { printf '%s\n' "$uri"; return; }
  fi
  printf '%s\n' http://deb.debian.org/debian
}
MIRROR=$(mirror)
KEY=$(printf '%s\n' "$TREE_RECIPE" "$SUITE" minbase "$INCLUDE" "$MIRROR" | sha256sum | cut -c1-12)
TARBALL=$CACHE_DIR/bare-$SUITE-minbase-$KEY.tar.zst

# --- mounts and processes under a tree ---------------------------------------------------------
mounts_under() { # the mount points under $1, deepest first
  awk -v d="$1" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r
}
pids_in() { # the processes whose root directory is $1 (only those)
  local p root
  for p in /proc/[0-9]*; do
    root=$(readlink "$p/root" 2>/dev/null) || continue
    [ "$root" = "$1" ] && printf '%s\n' "${p#/proc/}"
  done
  return 0
}
kill_in() {
  local pids sig
  for sig in TERM TERM KILL KILL; do
    pids=$(pids_in "$1")
    [ -n "$pids" ] || return 0
    # shellcheck disable=SC2086
    kill -s "$sig" $pids 2>/dev/null || true
    sleep 2
  done
  pids=$(pids_in "$1")
  [ -z "$pids" ] || say "WARNING: processes still running in $1: $pids"
}
unmount_under() {
  local m
  for m in $(mounts_under "$1"); do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || say "WARNING: cannot unmount $m"
  done
  for m in $(mounts_under "$1"); do umount -l "$m" 2>/dev/null || true; done
  [ -z "$(mounts_under "$1")" ] || { say "WARNING: still mounted under $1:"; mounts_under "$1"; }
}
teardown_tree() { # $1: a tree; stops its processes, unmounts, removes it
  local d=$1
  [ -n "$d" ] && [ -d "$d" ] || return 0
  kill_in "$d"
  unmount_under "$d"
  if [ -n "$(mounts_under "$d")" ]; then
    say "NOT removing $d: something is still mounted under it"
    return 1
  fi
  rm -rf --one-file-system "$d"
}

# --- 1. the pristine tree, cached -----------------------------------------------------------------
ensure_tarball() {
  mkdir -p "$CACHE_DIR"
  exec 9>"$CACHE_DIR/.lock"
  flock 9 # two jobs at once: the second waits for the first's tarball
  if [ -s "$TARBALL" ]; then
    say "pristine tree: $TARBALL (cached)"
    exec 9>&-
    return
  fi
  command -v debootstrap >/dev/null || {
    say "installing debootstrap (apt)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends debootstrap ||
      { DEBIAN_FRONTEND=noninteractive apt-get update -q &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends debootstrap; }
  }
  command -v zstd >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q zstd
  local t0=$SECONDS build old
  for old in "$CACHE_DIR"/build.*; do # a build that was killed (we hold the lock: none runs)
    [ -d "$old" ] && teardown_tree "$old"
  done
  build=$(mktemp -d "$CACHE_DIR/build.XXXXXX")
  BUILD_TREE=$build
  say "pristine tree: debootstrap --variant=minbase --include=$INCLUDE $SUITE (mirror $MIRROR), once"
  if ! debootstrap --variant=minbase --include="$INCLUDE" "$SUITE" "$build/root" "$MIRROR" \
      >"$build/debootstrap.log" 2>&1; then
    tail -n 30 "$build/debootstrap.log" | sed 's/^/  | /'
    [ -f "$build/root/debootstrap/debootstrap.log" ] &&
      tail -n 30 "$build/root/debootstrap/debootstrap.log" | sed 's/^/  | /'
    die "debootstrap failed (above); the mirror was $MIRROR"
  fi
  [ -z "$(mounts_under "$build")" ] || unmount_under "$build"
  # apt's downloaded .debs are not part of a bare host
  rm -rf "$build/root/var/cache/apt/archives/"*.deb "$build/root/var/lib/apt/lists/"*
  tar -C "$build/root" --numeric-owner -cf - . | zstd -q -T0 -3 -o "$TARBALL.tmp"
  mv "$TARBALL.tmp" "$TARBALL"
  teardown_tree "$build"
  BUILD_TREE=""
  # older recipes' tarballs
  find "$CACHE_DIR" -maxdepth 1 -name "bare-$SUITE-minbase-*.tar.zst" ! -name "${TARBALL##*/}" -delete
  say "pristine tree cached in $((SECONDS - t0)) s: $TARBALL ($(du -h "$TARBALL" | cut -f1))"
  exec 9>&-
}

# --- teardown, always ---------------------------------------------------------------------------
WORK="" BUILD_TREE="" CHECKER_PID=""
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  set +e
  if [ -n "$CHECKER_PID" ]; then
    kill -TERM "$CHECKER_PID" 2>/dev/null
    wait "$CHECKER_PID" 2>/dev/null
  fi
  [ -z "$BUILD_TREE" ] || teardown_tree "$BUILD_TREE"
  if [ -n "$WORK" ] && [ -d "$WORK" ]; then
    local t0=$SECONDS
    if [ "$status" -ne 0 ] && [ -s "$WORK/install.log" ]; then
      # the whole logs of a failed run outlive the tree (the last 3 runs)
      keep=/var/tmp/classroom-bare-failed.$(date +%Y%m%d-%H%M%S)
      mkdir -p "$keep" && cp "$WORK/install.log" "$keep/" &&
        cp -r "$WORK/root/var/log/jupyterhub-classroom" "$keep/" 2>/dev/null
      say "the whole logs of this run: $keep"
      ls -d /var/tmp/classroom-bare-failed.* | sort | head -n -3 | xargs -r rm -rf
    fi
    say "teardown: stopping the processes in the chroot, unmounting, removing $WORK"
    kill_in "$WORK/root"
    unmount_under "$WORK/root"
    if [ "${CLASSROOM_BARE_KEEP:-0}" = 1 ]; then
      say "kept $WORK (CLASSROOM_BARE_KEEP=1)"
    elif [ -z "$(mounts_under "$WORK")" ]; then
      rm -rf --one-file-system "$WORK"
    else
      say "NOT removing $WORK: something is still mounted under it"
      status=1
    fi
    say "teardown done in $((SECONDS - t0)) s"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- preconditions ------------------------------------------------------------------------------
for port in "${PORTS[@]}"; do
  if ss -Hltn "sport = :$port" | grep -q .; then
    ss -Hltnp "sport = :$port" | sed 's/^/  | /'
    die "port $port is taken (above); the bare host's hub needs its default ports (${PORTS[*]})"
  fi
done
README_CMD=$(awk '/^```bash/ { inblock = 1; next } inblock && NF { print; exit }' "$ROOT/README.md" |
  sed 's/[[:space:]]*#.*$//')
case "$README_CMD" in
  "sudo bash install/bootstrap.sh "*) ;;
  *) die "the README's first command is '$README_CMD'; this job expects 'sudo bash install/bootstrap.sh ...' (update scripts/bare-host.sh with the README)" ;;
esac
HEAD=$(git -C "$ROOT" rev-parse HEAD)
if [ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
  say "note: $ROOT has uncommitted changes; this job tests the committed HEAD $HEAD"
fi

# Trees of earlier runs that were killed before their teardown (SIGKILL, a crash): their job is gone.
for old in /var/tmp/classroom-bare.*; do
  [ -d "$old" ] || continue
  pid=$(cat "$old/job.pid" 2>/dev/null || true)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then continue; fi
  # (no job.pid yet: a run that is just starting, unless the folder is old)
  [ -n "$pid" ] || [ -n "$(find "$old" -maxdepth 0 -mmin +10)" ] || continue
  say "removing the tree of an earlier run that was not torn down: $old"
  teardown_tree "$old/root" || true
  [ -n "$(mounts_under "$old")" ] || rm -rf --one-file-system "$old"
done

T_START=$SECONDS
ensure_tarball

# --- 2. a fresh bare host ---------------------------------------------------------------------------
WORK=$(mktemp -d /var/tmp/classroom-bare.XXXXXX)
TREE=$WORK/root
LOG=$WORK/install.log
echo $$ >"$WORK/job.pid"
mkdir "$TREE"
t0=$SECONDS
# In memory when there is room (the installed host is about 3 GB): faster to fill, and the
# teardown is an unmount instead of minutes of rm -rf. CLASSROOM_BARE_TMPFS=0 (or _KEEP=1) uses the disk.
avail_kb=$(awk '/^MemAvailable:/ { print $2 }' /proc/meminfo)
if [ "${CLASSROOM_BARE_TMPFS:-1}" = 1 ] && [ "${CLASSROOM_BARE_KEEP:-0}" != 1 ] && [ "${avail_kb:-0}" -gt $((10 * 1024 * 1024)) ]; then
  mount -t tmpfs -o size=8g,mode=0755 bare-host "$TREE"
  say "the bare host's disk is a tmpfs (8 GB at most; $((avail_kb / 1024 / 1024)) GB of memory available)"
fi
zstd -q -dc "$TARBALL" | tar -C "$TREE" --numeric-owner -xpf -
# Only what every machine here has (DESIGN.md, "Fresh hosts").
shopt -s nullglob
crts=(/usr/local/share/ca-certificates/*.crt)
shopt -u nullglob
[ ${#crts[@]} -eq 0 ] || cp "${crts[@]}" "$TREE/usr/local/share/ca-certificates/"
for f in /etc/apt/apt.conf.d/99artifact-registry /etc/apt/sources.list.d/debian.sources \
         /etc/resolv.conf /etc/hosts; do
  [ -e "$f" ] && cp -L "$f" "$TREE$f"
done
# apt reads the same sources as this machine (debootstrap wrote its own sources.list)
[ -e /etc/apt/sources.list ] || [ ! -e /etc/apt/sources.list.d/debian.sources ] || rm -f "$TREE/etc/apt/sources.list"
mount -t proc proc "$TREE/proc"
mount -t sysfs sysfs "$TREE/sys"
mount --bind /dev "$TREE/dev"
mount --bind /dev/pts "$TREE/dev/pts"
# a login's environment, not this machine's (no PIP_*, NODE_*, proxies of the CI)
CHROOT_ENV=(env -i HOME=/root USER=root LOGNAME=root TERM=dumb
            PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin)
chroot "$TREE" "${CHROOT_ENV[@]}" update-ca-certificates >"$WORK/ca.log" 2>&1 ||
  { cat "$WORK/ca.log"; die "update-ca-certificates failed in the chroot"; }
: >"$LOG" # appended to (O_APPEND): every writer in the chroot adds at the end
git clone -q --no-hardlinks "$ROOT" "$TREE/root/jupyterlab-classroom"
git -C "$TREE/root/jupyterlab-classroom" checkout -q --detach "$HEAD"
say "bare host ready in $((SECONDS - t0)) s: $TREE (clone of $HEAD)"

# --- 3. the README's first command, then the checks ----------------------------------------------
say "running in the chroot, in /root/jupyterlab-classroom: $README_CMD"
# In the background + wait: a signal to this script runs the teardown at once (bash runs traps
# only after a foreground command ends); the teardown stops the checker too.
"$PY" "$ROOT/scripts/bare_host_check.py" --tree "$TREE" --install-log "$LOG" \
  --install-timeout "$INSTALL_TIMEOUT" --readme-cmd "$README_CMD" &
CHECKER_PID=$!
wait "$CHECKER_PID" || exit $?
CHECKER_PID=""
say "bare-host job passed in $((SECONDS - T_START)) s (including the teardown that follows)"
