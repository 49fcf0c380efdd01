#!/bin/bash
# Tests/system/systemd-sandbox.sh BUILD_DIR
#
# System test of the systemd packaging: boots a throwaway systemd (Tests/system/boot-sandbox) over
# an overlay of this machine, installs Systemd/reld.service,
# Systemd/sysusers.d/reld.conf, Systemd/tmpfiles.d/reld.conf and the reld/relctl binaries found in
# BUILD_DIR (e.g. .build/debug), and checks the service as an administrator would use it:
# start, sd_notify status, socket permissions for a member (alice) and a non-member (mallory) of
# group reld, journal priorities, watchdog pings, sync through relhub.service (credentials, token,
# network under both units' hardening), clean stop. Nothing reaches the host.
#
# Needs root. Prints `skipped: <reason>` and exits 0 where this machine cannot boot a sandbox (not
# root, no overlayfs, no systemd or util-linux tools).
# Output: one `ok - ...` / `not ok - ...` line per check, then `N passed, M failed`; exits 1 if any
# check failed, 2 on bad usage.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BOOT=Tests/system/boot-sandbox                 # relative to $ROOT
TIMEOUT=60                                     # seconds; bound on every wait below

if [ $# -ne 1 ]; then echo "usage: $0 BUILD_DIR   (a folder holding reld, relctl and relhub)" >&2; exit 2; fi
if [ "$(id -u)" -ne 0 ]; then echo "skipped: needs root to boot the systemd sandbox"; exit 0; fi
cd "$ROOT" || exit 2
if ! grep -qw overlay /proc/filesystems && ! modprobe overlay 2>/dev/null; then
  echo "skipped: no overlayfs in this kernel to boot the systemd sandbox on"; exit 0
fi
[ -x /lib/systemd/systemd ] || { echo "skipped: systemd is not installed"; exit 0; }
for t in unshare nsenter pgrep runuser useradd timeout curl; do
  command -v "$t" >/dev/null || { echo "skipped: $t not installed"; exit 0; }
done
BUILD=$(realpath "$1") || exit 2
for b in reld relctl relhub; do
  [ -x "$BUILD/$b" ] || { echo "$0: $BUILD/$b is missing or not executable" >&2; exit 2; }
done

passed=0 failed=0
ok()     { passed=$((passed + 1)); echo "ok - $*"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $*"; }
diag()   { sed 's/^/#   /'; }              # indent command output under a failed check
# check DESCRIPTION COMMAND...: ok if COMMAND exits 0, else not ok plus its output.
check() {
  local desc=$1 out; shift
  if out=$("$@" 2>&1); then ok "$desc"; else not_ok "$desc"; printf '%s\n' "$out" | diag; fi
}
# expect DESCRIPTION WANT COMMAND...: ok if COMMAND's trimmed output equals WANT (exit status ignored).
expect() {
  local desc=$1 want=$2 out; shift 2
  out=$("$@" 2>&1)
  if [ "$out" = "$want" ]; then ok "$desc"; else not_ok "$desc"; printf 'want: %s\ngot:  %s\n' "$want" "$out" | diag; fi
}
# poll SECONDS COMMAND...: run COMMAND every 0.1 s until it succeeds; fail after SECONDS.
poll() {
  local end=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$end" ] || return 1
    sleep 0.1
  done
}

W=$(mktemp -d /var/tmp/sbx.XXXXXX) || exit 2
BOOT_PID='' SBX=''
# boot_gone: the boot process has exited. (kill -0 is not enough: an exited but not yet reaped
# child is a zombie and still "exists".)
boot_gone() {
  local st
  st=$(sed 's/.*) //' "/proc/$BOOT_PID/stat" 2>/dev/null) || return 0
  [ -z "$st" ] || [ "${st:0:1}" = Z ]
}
sandbox_up() { [ -s "$W/pid" ] || boot_gone; }

# sandbox_init: host pid of the sandbox's PID 1 (boot -> unshare -> init), empty if not (yet) there.
sandbox_init() {
  local u; u=$(pgrep -P "$BOOT_PID" -x unshare | head -n1)
  [ -n "$u" ] && pgrep -P "$u" | head -n1
}
find_sandbox() {
  [ -s "$W/pid" ] && SBX=$(cat "$W/pid") && return 0
  local i; i=$(sandbox_init)
  [ -n "$i" ] && [ "$(cat "/proc/$i/comm" 2>/dev/null)" = systemd ] && SBX=$i
}

cleanup() {
  [ -z "$BOOT_PID" ] && [ -n "${BOOTING:-}" ] && BOOT_PID=$!
  if [ -n "$BOOT_PID" ] && ! boot_gone; then
    # Ask the sandbox's systemd to power off (it then exits, which ends the boot process), again
    # every 2 s: when interrupted during boot, systemd may not be up or listening yet.
    local end=$((SECONDS + TIMEOUT)) next=0
    while ! boot_gone && [ "$SECONDS" -lt "$end" ]; do
      if [ "$SECONDS" -ge "$next" ] && { [ -n "$SBX" ] || find_sandbox; }; then
        timeout 5 nsenter -t "$SBX" -a systemctl poweroff --no-block >/dev/null 2>&1
        next=$((SECONDS + 2))
      fi
      sleep 0.1
    done
    if ! boot_gone; then
      echo "# sandbox did not power off within ${TIMEOUT}s; killing it" >&2
      # Killing the sandbox's PID 1 ends its whole pid namespace, then unshare and boot exit.
      local i; i=$(sandbox_init)
      [ -n "$i" ] && kill -KILL "$i" 2>/dev/null
      poll 10 boot_gone || kill -KILL "$BOOT_PID" 2>/dev/null
    fi
  fi
  [ -n "$BOOT_PID" ] && wait "$BOOT_PID" 2>/dev/null
  # The overlay and tmpfs mounts lived in the sandbox's private mount namespace, gone by now.
  rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- boot ----------------------------------------------------------------------------------
BOOTING=1   # for cleanup: a signal may arrive between the launch and BOOT_PID=$!
"$BOOT" "$W" Systemd/reld.service Systemd/sysusers.d/reld.conf Systemd/tmpfiles.d/reld.conf \
  Systemd/relhub.service Systemd/sysusers.d/relhub.conf Systemd/tmpfiles.d/relhub.conf \
  -- "$BUILD" >"$W/boot.log" 2>&1 &
BOOT_PID=$!
if poll "$TIMEOUT" sandbox_up && [ -s "$W/pid" ]; then
  SBX=$(cat "$W/pid")
  ok "sandbox booted (systemd pid $SBX)"
else
  wait "$BOOT_PID"; boot_status=$?
  if [ "$boot_status" -eq 3 ]; then    # boot-sandbox: this machine cannot boot one
    echo "skipped: $(tail -n1 "$W/boot.log")"; exit 0
  fi
  not_ok "sandbox booted within ${TIMEOUT}s"; diag <"$W/boot.log"
  echo "$passed passed, $failed failed"; exit 1
fi

# Run a command inside the sandbox, with a clean environment (no host XDG_*/HOME leaking into
# relctl's socket lookup) and a time bound.
# Bound: $TIMEOUT, or LIMIT seconds when set (LIMIT=15 in_sbx ...).
in_sbx() {
  timeout "${LIMIT:-$TIMEOUT}" nsenter -t "$SBX" -a \
    env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"
}
# as USER COMMAND...: run COMMAND in the sandbox as USER.
as() { local u=$1; shift; in_sbx runuser -u "$u" -- "$@"; }

# ---- install, as docs/systemd.md describes ---------------------------------------------------
check "install reld and relctl to /usr/local/bin" \
  in_sbx install -m 0755 "$BUILD/reld" "$BUILD/relctl" /usr/local/bin/
check "systemd-sysusers creates user and group reld" \
  in_sbx bash -c 'systemd-sysusers && getent passwd reld | grep -q ":/var/lib/reld:/usr/sbin/nologin$" && getent group reld'
check "systemd-tmpfiles creates /etc/reld" \
  in_sbx bash -c 'systemd-tmpfiles --create /etc/tmpfiles.d/reld.conf && [ "$(stat -c %a:%U /etc/reld)" = 755:root ]'
check "users alice (in group reld) and mallory (not) created" \
  in_sbx bash -c 'useradd --no-create-home --groups reld alice && useradd --no-create-home mallory &&
                  id -nG alice | grep -qw reld && ! id -nG mallory | grep -qw reld'

# Test-only runtime drop-in: SyslogLevel= is the priority journald gives lines WITHOUT a <N> prefix
# (default info). Setting it to warning makes PRIORITY=6 below prove that reld's <6> prefixes are
# parsed, rather than that it logged something unprefixed. Nothing else of the unit changes.
in_sbx bash -c 'mkdir -p /run/systemd/system/reld.service.d &&
                printf "[Service]\nSyslogLevel=warning\n" >/run/systemd/system/reld.service.d/50-test.conf &&
                systemctl daemon-reload' >/dev/null 2>&1

# ---- start ---------------------------------------------------------------------------------
# Type=notify: `systemctl start` returns once reld has sent READY=1 (or failed).
if ! out=$(in_sbx systemctl start reld 2>&1); then
  # Everything below needs a running reld; say why it did not start and stop here.
  not_ok "systemctl start reld"; printf '%s\n' "$out" | diag
  echo "# journal of reld.service:"
  in_sbx journalctl --no-pager -u reld -o short-monotonic 2>&1 | tail -n 40 | diag
  echo "$passed passed, $failed failed"; exit 1         # cleanup powers the sandbox off
fi
ok "systemctl start reld"
expect "systemctl is-active reld = active" active in_sbx systemctl is-active reld
status=$(in_sbx systemctl status reld --no-pager --lines=0 2>&1)
if line=$(printf '%s\n' "$status" | grep -E '^ *Status: "'); then
  ok "systemctl status shows the sd_notify status:${line#*Status:}"
else
  not_ok "systemctl status shows a Status: line from sd_notify STATUS="; printf '%s\n' "$status" | diag
fi
expect "/run/reld is drwxr-x--- reld reld" "drwxr-x--- reld reld" in_sbx stat -c '%A %U %G' /run/reld
expect "socket /run/reld/reld.sock is srw-rw---- group reld" "srw-rw---- reld" \
  in_sbx stat -c '%A %G' /run/reld/reld.sock
expect "state dir /var/lib/reld is drwxr-x--- reld reld" "drwxr-x--- reld reld" \
  in_sbx stat -c '%A %U %G' /var/lib/reld
check "reld wrote its database in /var/lib/reld" in_sbx bash -c '[ -n "$(ls -A /var/lib/reld)" ]'

# ---- control access --------------------------------------------------------------------------
check "alice (group reld): relctl status exits 0" as alice relctl status
# relctl documents exit status 3 for "reld is not reachable (... no permission)". Bounded to
# 15 s: a relctl that hangs on EACCES must fail this check, not pass it by our timeout.
out=$(LIMIT=15 as mallory relctl status 2>&1); rc=$?
if [ "$rc" -eq 3 ]; then
  ok "mallory (not in group reld): relctl status is refused (exit 3): $(printf '%s\n' "$out" | grep -m1 .)"
else
  not_ok "mallory (not in group reld): relctl status is refused with exit 3 within 15 s (got exit $rc$([ "$rc" -eq 124 ] && echo ', timed out'))"
  printf '%s\n' "$out" | diag
fi
check "root: relctl status exits 0" in_sbx relctl status
# The second gate: with the directory and socket loosened by hand, reld's own peer check
# (SO_PEERCRED/SO_PEERGROUPS, through PrivateUsers=yes, where mallory shows as nobody) still
# gives mallory status only, while alice keeps full access through her supplementary group.
in_sbx chmod 0755 /run/reld && in_sbx chmod 0666 /run/reld/reld.sock
check "loosened socket: mallory may read status" as mallory relctl status
out=$(LIMIT=15 as mallory relctl list 2>&1); rc=$?
if [ "$rc" -eq 3 ] && printf '%s' "$out" | grep -q "may only read status"; then
  ok "loosened socket: mallory's relctl list is refused by reld (exit 3): $(printf '%s\n' "$out" | grep -m1 .)"
else
  not_ok "loosened socket: mallory's relctl list is refused by reld with exit 3 (got exit $rc)"
  printf '%s\n' "$out" | diag
fi
check "loosened socket: alice may still list" as alice relctl list
in_sbx chmod 0750 /run/reld && in_sbx chmod 0660 /run/reld/reld.sock

# ---- watchdog: reld must send WATCHDOG=1 every WatchdogSec/2 = 15 s ---------------------------
expect "WatchdogUSec=30s" "WatchdogUSec=30s" in_sbx systemctl show -p WatchdogUSec reld
wd0=$(in_sbx systemctl show -P WatchdogTimestampMonotonic reld)
if poll 25 bash -c "[ \"\$(timeout 10 nsenter -t $SBX -a systemctl show -P WatchdogTimestampMonotonic reld)\" != '$wd0' ]"; then
  ok "reld pinged the watchdog (WATCHDOG=1) within 25 s"
else
  not_ok "reld pinged the watchdog (WATCHDOG=1) within 25 s"
fi
expect "still active, no restarts (hardening did not kill it)" "active NRestarts=0" \
  bash -c "echo \$(timeout 10 nsenter -t $SBX -a systemctl is-active reld) \$(timeout 10 nsenter -t $SBX -a systemctl show -p NRestarts reld)"

# ---- journal --------------------------------------------------------------------------------
# Only reld's own lines (its stderr stream), not PID 1's "Starting reld..." messages, which also
# carry PRIORITY=6 and UNIT=reld.service.
journal() { in_sbx journalctl --no-pager _SYSTEMD_UNIT=reld.service _TRANSPORT=stdout "$@"; }
info=$(journal -p info..info -o cat 2>&1)
if [ -n "$info" ]; then
  ok "journal: reld's lines at info carry PRIORITY=6: $(printf '%s\n' "$info" | head -n1)"
else
  not_ok "journal: reld logged lines at info (PRIORITY=6)"
  journal -o verbose --output-fields=PRIORITY,MESSAGE 2>&1 | grep -E "^ +(PRIORITY|MESSAGE)=" | tail -n 20 | diag
fi
if raw=$(journal -o cat 2>&1 | grep -E '^<[0-7]>'); then
  not_ok "journal: no raw <N> prefixes in messages"; printf '%s\n' "$raw" | head | diag
else
  ok "journal: no raw <N> prefixes in messages"
fi

# ---- sync through relhub, each under its shipped hardening ---------------------------------------
# LoadCredential= needs mounts to propagate from the sandbox's root into a unit's namespace.
in_sbx mount --make-rshared / >/dev/null 2>&1
check "install relhub; systemd-sysusers and -tmpfiles create user relhub and /etc/relhub" \
  in_sbx bash -c "install -m 0755 '$BUILD/relhub' /usr/local/bin/ && systemd-sysusers && getent passwd relhub >/dev/null &&
                  systemd-tmpfiles --create /etc/tmpfiles.d/relhub.conf && [ -d /etc/relhub ]"
check "a token for both, as the credentials feed-tokens and feed-token; reld.toml names the feed" \
  in_sbx bash -c 'umask 077 && head -c 32 /dev/urandom | od -An -tx1 | tr -d " \n" > /etc/relhub/feed-tokens &&
                  cp /etc/relhub/feed-tokens /etc/reld/feed-token &&
                  printf "[sync]\nfeed = \"http://127.0.0.1:8470\"\ninterval = 3600\n" > /etc/reld/reld.toml && chmod 644 /etc/reld/reld.toml &&
                  mkdir -p /run/systemd/system/reld.service.d &&
                  printf "[Service]\nLoadCredential=feed-token:/etc/reld/feed-token\n" > /run/systemd/system/reld.service.d/60-feed.conf &&
                  systemctl daemon-reload'
check "systemctl start relhub" in_sbx systemctl start relhub
expect "relhub is active" active in_sbx systemctl is-active relhub
check "relhub answers /v1/health without a token, and 401 on /v1/changes" in_sbx bash -c '
  curl -fsS http://127.0.0.1:8470/v1/health | grep -q "\"status\":\"ok\"" &&
  [ "$(curl -s -o /dev/null -w "%{http_code}" http://127.0.0.1:8470/v1/changes)" = 401 ]'
check "systemctl restart reld, now with the feed" in_sbx systemctl restart reld
check "alice adds a record, and relctl sync exits 0" as alice bash -c '
  relctl add-event --title "Sandbox visit" --category diplomatic >/dev/null && relctl sync'
check "relhub holds the pushed changes (head > 0)" in_sbx bash -c '
  curl -fsS http://127.0.0.1:8470/v1/health | grep -qE "\"head\":[1-9]"'
check "relctl status shows the feed, idle" in_sbx bash -c '
  out=$(relctl status) && printf "%s\n" "$out" | grep -q "^Feed: *http://127.0.0.1:8470" && printf "%s\n" "$out" | grep -q "^Sync: *idle"'
if in_sbx journalctl --no-pager -u reld -u relhub -o cat 2>/dev/null | grep -qF "$(in_sbx cat /etc/reld/feed-token)"; then
  not_ok "the token never reaches the journal"
else
  ok "the token never reaches the journal"
fi

# ---- relhub on PostgreSQL: the feed moved out of SQLite by relhub migrate ------------------------
# As docs/scale-out.md has an administrator do it: Debian's own units run a PostgreSQL cluster in
# the sandbox, a superuser makes a role and a database for relhub, `relhub migrate` moves the feed
# (same id, same positions: reld keeps its cursor), and the shipped relhub.service, untouched, runs
# on it with [storage] url in relhub.toml and the password as the credential database-password.
# The sandbox has no network namespace of its own (boot-sandbox makes none), so the cluster
# listens on this machine's loopback, on another port when something listens on its own already.
PG_UNIT=''                                     # postgresql@VERSION-CLUSTER, once started here
HUB_HARDENING=User,Group,ProtectSystem,ProtectHome,PrivateTmp,PrivateDevices,PrivateUsers,PrivateMounts,NoNewPrivileges,CapabilityBoundingSet,AmbientCapabilities,RestrictAddressFamilies,RestrictNamespaces,SystemCallFilter,MemoryDenyWriteExecute,UMask,WatchdogUSec,Restart,LimitNOFILE
hub_health() { in_sbx curl -fsS http://127.0.0.1:8470/v1/health; }
# sync_through_hub CHECK TITLE HEAD AGAIN: alice adds an event titled TITLE and syncs (check
# CHECK), then relhub's head must have grown past HEAD. Sets SYNC_HEAD to the new head (not
# printed: in a $(...) subshell the pass and fail counts would be lost).
SYNC_HEAD=''
sync_through_hub() {
  check "$1" as alice bash -c "relctl add-event --title '$2' --category diplomatic >/dev/null && relctl sync"
  SYNC_HEAD=$(hub_health 2>/dev/null | json_int head)
  if [ -n "$SYNC_HEAD" ] && [ -n "$3" ] && [ "$SYNC_HEAD" -gt "$3" ]; then
    ok "relhub's head grows$4 ($3 -> $SYNC_HEAD)"
  else
    not_ok "relhub's head grows$4 (was $3, now ${SYNC_HEAD:-unknown})"
  fi
}
json_string() { grep -o "\"$1\":\"[^\"]*\"" | head -n1 | cut -d'"' -f4; }   # json_string KEY <JSON
json_int() { grep -oE "\"$1\":[0-9]+" | head -n1 | cut -d: -f2; }           # json_int KEY <JSON
hub_state() { echo "$(in_sbx systemctl is-active relhub) $(in_sbx systemctl show -p NRestarts relhub)"; }
hub_says_database_down() { in_sbx systemctl show -P StatusText relhub | grep -q "database does not answer"; }
health_code_503() { [ "$(in_sbx curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:8470/v1/health)" = 503 ]; }
hub_pinged_since() { [ "$(in_sbx systemctl show -P WatchdogTimestampMonotonic relhub)" != "$1" ]; }
hub_journal() {
  echo "# journal of relhub.service:"
  in_sbx journalctl --no-pager -u relhub -o short-monotonic 2>&1 | tail -n 30 | diag
}
# run_as_relhub NAME PROPERTY... -- COMMAND...: runs COMMAND in the sandbox as user relhub, in a
# transient oneshot service NAME with the given unit properties (a credential, say), as an
# administrator would with systemd-run; prints its output and returns its exit status. Not
# `systemd-run --wait --pipe`: that needs D-Bus, which the sandbox does not run (systemctl and a
# plain systemd-run use PID 1's private socket).
run_as_relhub() {
  local name=$1 props=() out rc status; shift
  while [ "$1" != -- ]; do props+=(-p "$1"); shift; done; shift
  out=$(in_sbx systemd-run --quiet --unit="$name" --service-type=oneshot --uid=relhub --gid=relhub \
          -p RemainAfterExit=yes -p StandardOutput=truncate:"/run/$name.out" "${props[@]}" "$@" </dev/null 2>&1); rc=$?
  in_sbx cat "/run/$name.out" 2>/dev/null
  status=$(in_sbx systemctl show -P ExecMainStatus "$name")
  # A unit that never ran its command (a missing credential, say) shows status 0: systemd-run says why.
  if [ "$rc" -ne 0 ] && [ "${status:-0}" -eq 0 ]; then printf '%s\n' "$out"; status=255; fi
  in_sbx systemctl stop "$name" >/dev/null 2>&1; in_sbx systemctl reset-failed "$name" >/dev/null 2>&1
  in_sbx rm -f "/run/$name.out"
  return "$status"
}
pg_journal() {
  echo "# journal of $PG_UNIT.service and the cluster's log:"
  { in_sbx journalctl --no-pager -u "$PG_UNIT" -o short-monotonic; in_sbx bash -c 'tail -n 20 /var/log/postgresql/*.log'; } 2>&1 |
    tail -n 40 | diag
}

relhub_on_postgres() {
  local version cluster port url out rc before after id0 head0 id1 head1 head2 hardening wd pw migrated t0
  local failed0=$failed                        # check does not fail itself: a step that others need compares counts
  version=$(in_sbx bash -c 'ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n1')
  if [ -z "$version" ] || ! in_sbx bash -c "[ -x /usr/lib/postgresql/$version/bin/postgres ] &&
       [ -f /lib/systemd/system/postgresql@.service ] && getent passwd postgres &&
       command -v pg_lsclusters && command -v pg_createcluster && command -v pg_isready && command -v psql" >/dev/null 2>&1; then
    echo "# skipped: relhub on PostgreSQL: the postgresql package is not installed (server, pg_createcluster, psql, postgresql@.service)"
    return 0
  fi
  # The machine's own cluster if it has one (its files are the overlay's copy: nothing reaches
  # the host), else a new one, as the postgresql package's installation would have made.
  cluster=$(in_sbx pg_lsclusters -h 2>/dev/null | awk -v v="$version" '$1 == v { print $2; exit }')
  if [ -z "$cluster" ]; then
    check "pg_createcluster $version main (this machine has no cluster)" in_sbx pg_createcluster "$version" main
    [ "$failed" -eq "$failed0" ] || return 1
    cluster=main
  fi
  port=$(in_sbx pg_lsclusters -h 2>/dev/null | awk -v v="$version" -v c="$cluster" '$1 == v && $2 == c { print $3 }')
  if [ -z "$port" ]; then
    not_ok "PostgreSQL $version has a cluster to run relhub on"; in_sbx pg_lsclusters 2>&1 | diag; return 1
  fi
  # The sandbox shares this machine's network: when the machine's own PostgreSQL (or anything)
  # holds the port, the sandbox's copy of the cluster moves to a free one (its config file is
  # the overlay's; the host's stays as it is).
  if [ -n "$(in_sbx ss -Hltn "sport = :$port" 2>/dev/null)" ]; then
    for p in $(seq 55432 55532); do
      [ -z "$(in_sbx ss -Hltn "sport = :$p" 2>/dev/null)" ] && { port=$p; break; }
    done
    check "port taken on this machine: the sandbox's cluster moves to $port" \
      in_sbx pg_conftool "$version" "$cluster" set port "$port"
    [ "$failed" -eq "$failed0" ] || return 1
  fi
  PG_UNIT=postgresql@$version-$cluster
  # /run/postgresql (sockets, the pid file the unit waits for) comes from postgresql-common's
  # tmpfiles.d entry at boot, which the sandbox skips (no sysinit); then Debian's unit, as is.
  # pg_ctlcluster waits for the server, but the unit ignores its exit status (ExecStart=-), so
  # whether the server answers is asked separately, bounded.
  if ! out=$(in_sbx bash -c "systemd-tmpfiles --create /usr/lib/tmpfiles.d/postgresql-common.conf &&
                             systemctl start $PG_UNIT" 2>&1) ||
     ! poll "$TIMEOUT" in_sbx pg_isready -q -h 127.0.0.1 -p "$port"; then
    not_ok "systemctl start $PG_UNIT; pg_isready answers on 127.0.0.1:$port within ${TIMEOUT}s"
    printf '%s\n' "$out" | diag; pg_journal; return 1
  fi
  ok "systemctl start $PG_UNIT (Debian's unit); pg_isready answers on 127.0.0.1:$port"
  # The password goes to psql on standard input (an argument would show in ps), and into a file
  # only root may read: relhub gets it as a credential, like its tokens. A role or database left
  # in this machine's own cluster (its overlay copy) is dropped first.
  check "role relhub (random password), database relhub owned by it; the password in /etc/relhub/database-password, root 0600" \
    in_sbx bash -c 'set -e; cd /; umask 077
      sql() { runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -d postgres "$@"; }
      pw=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d " \n")
      printf "%s\n" "$pw" > /etc/relhub/database-password
      sql -c "DROP DATABASE IF EXISTS relhub" -c "DROP ROLE IF EXISTS relhub"
      printf "CREATE ROLE relhub LOGIN PASSWORD '\''%s'\'';\n" "$pw" | sql
      sql -c "CREATE DATABASE relhub OWNER relhub"
      [ "$(sql -tA -c "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = '\''relhub'\''")" = relhub ]
      [ "$(stat -c %a:%U:%G /etc/relhub/database-password)" = 600:root:root ]'
  [ "$failed" -eq "$failed0" ] || return 1

  # The SQLite relhub's feed, to compare with what it serves from PostgreSQL.
  before=$(hub_health 2>&1)
  id0=$(printf '%s' "$before" | json_string feed_id) head0=$(printf '%s' "$before" | json_int head)
  if [ -z "$id0" ] || [ -z "$head0" ]; then
    not_ok "relhub on SQLite tells its feed id and head on /v1/health"; printf '%s\n' "$before" | diag; return 1
  fi
  hardening=$(in_sbx systemctl show relhub -p "$HUB_HARDENING")
  check "systemctl stop relhub (on SQLite), to move its feed" in_sbx systemctl stop relhub
  url="postgres://relhub@127.0.0.1:$port/relhub?sslmode=disable"
  # As user relhub, not root: /var/lib/relhub is relhub's, and relhub (like reld) refuses a state
  # directory owned by another user than the one running it, root included; run as root, it would
  # also leave root-owned files there. The password file is root's, so a transient service hands
  # it over as a credential, as relhub.service does; relhub migrate reads it without an option.
  migrated=$(run_as_relhub relhub-migrate LoadCredential=database-password:/etc/relhub/database-password -- \
               /usr/local/bin/relhub migrate --from /var/lib/relhub --to "$url"); rc=$?
  if [ "$rc" -eq 0 ] && printf '%s\n' "$migrated" | grep -q "^moved feed $id0 "; then
    ok "relhub migrate (as user relhub) exits 0: $(printf '%s\n' "$migrated" | grep -m1 '^moved feed')"
  else
    not_ok "relhub migrate --from /var/lib/relhub --to $url exits 0 and says \"moved feed $id0\" (got exit $rc)"
    printf '%s\n' "$migrated" | diag; return 1
  fi
  # The SQLite store stays as a backup of the feed: a relhub started on it by mistake must refuse
  # (exit 1) rather than serve a second copy. TimeoutStartSec= ends one that would serve anyway.
  out=$(run_as_relhub relhub-on-moved-store TimeoutStartSec=20 LoadCredential=feed-tokens:/etc/relhub/feed-tokens -- \
          /usr/local/bin/relhub --state-dir /var/lib/relhub --listen 127.0.0.1:0); rc=$?
  if [ "$rc" -eq 1 ] && printf '%s\n' "$out" | grep -q "was moved to"; then
    ok "a relhub started on the moved SQLite store refuses to run (exit 1): $(printf '%s\n' "$out" | grep -m1 -o 'the feed in .* was moved to [^ ;]*')"
  else
    not_ok "a relhub started on the moved SQLite store refuses to run with exit 1 (got exit $rc)"; printf '%s\n' "$out" | diag
  fi

  check "relhub.toml names the database ([storage] url, 0644); a runtime drop-in hands over the credential database-password" \
    in_sbx bash -c "printf '[storage]\nurl = \"%s\"\n' '$url' > /etc/relhub/relhub.toml && chmod 0644 /etc/relhub/relhub.toml &&
      mkdir -p /run/systemd/system/relhub.service.d &&
      printf '[Service]\nLoadCredential=database-password:/etc/relhub/database-password\n' > /run/systemd/system/relhub.service.d/60-database.conf &&
      systemctl daemon-reload"
  if ! out=$(in_sbx systemctl start relhub 2>&1); then
    not_ok "systemctl start relhub, on PostgreSQL"; printf '%s\n' "$out" | diag; hub_journal; return 1
  fi
  ok "systemctl start relhub, on PostgreSQL"
  expect "relhub is active" active in_sbx systemctl is-active relhub
  expect "relhub's hardening is as before the move (the shipped unit, one drop-in for the credential)" \
    "$hardening" in_sbx systemctl show relhub -p "$HUB_HARDENING"
  expect "relhub.service's only drop-in is the credential's" \
    "DropInPaths=/run/systemd/system/relhub.service.d/60-database.conf" in_sbx systemctl show relhub -p DropInPaths
  check "relhub serves from PostgreSQL (journal: database open, $url)" in_sbx bash -c \
    "journalctl --no-pager -u relhub -o cat | grep -F 'database open' | tail -n1 | grep -qF '$url'"
  after=$(hub_health 2>&1)
  id1=$(printf '%s' "$after" | json_string feed_id) head1=$(printf '%s' "$after" | json_int head)
  if [ "$id1" = "$id0" ] && [ -n "$head1" ] && [ "$head1" -ge "$head0" ]; then
    ok "the feed keeps its id ($id0) and its head ($head0 -> $head1), so reld keeps its cursor"
  else
    not_ok "the feed keeps its id and head (before: $id0, head $head0)"; printf '%s\n' "$after" | diag
  fi
  sync_through_hub "alice adds another record, and relctl sync exits 0 through relhub on PostgreSQL" \
    "Sandbox visit, on PostgreSQL" "$head1" ""
  head2=$SYNC_HEAD
  # Every field of every entry, all units' (relhub's, PostgreSQL's, the transient migrate's), and
  # what relhub migrate printed.
  pw=$(in_sbx head -n1 /etc/relhub/database-password)
  if [ -z "$pw" ] || { in_sbx journalctl --no-pager -o verbose 2>/dev/null; printf '%s\n' "$migrated"; } | grep -qF "$pw"; then
    not_ok "the database password never reaches the journal (nor relhub migrate's output)"
  else
    ok "the database password never reaches the journal (nor relhub migrate's output)"
  fi

  # PostgreSQL gone under a running relhub: not relhub's to fix by restarting. It keeps running
  # and pinging the watchdog, says so in its status (updated on the watchdog tick, every 15 s),
  # answers 503, and reconnects by itself once the database is back.
  check "systemctl stop $PG_UNIT, under a running relhub" in_sbx systemctl stop "$PG_UNIT"
  if poll 40 hub_says_database_down; then
    ok "relhub's status says the database does not answer: $(in_sbx systemctl show -P StatusText relhub)"
  else
    not_ok "relhub's status says the database does not answer within 40 s"; in_sbx systemctl show -p StatusText relhub 2>&1 | diag
  fi
  if poll 20 health_code_503; then ok "relhub answers 503 on /v1/health while the database is down"
  else not_ok "relhub answers 503 on /v1/health within 20 s of the database going down"; fi
  wd=$(in_sbx systemctl show -P WatchdogTimestampMonotonic relhub)
  if poll 25 hub_pinged_since "$wd"; then ok "relhub keeps pinging the watchdog while the database is down"
  else not_ok "relhub pinged the watchdog within 25 s while the database is down"; fi
  expect "relhub stays active, no restarts, while the database is down" "active NRestarts=0" hub_state
  if ! out=$(in_sbx systemctl start "$PG_UNIT" 2>&1) || ! poll "$TIMEOUT" in_sbx pg_isready -q -h 127.0.0.1 -p "$port"; then
    not_ok "systemctl start $PG_UNIT again"; printf '%s\n' "$out" | diag; pg_journal; return 1
  fi
  ok "systemctl start $PG_UNIT again"
  t0=$SECONDS
  if poll "$TIMEOUT" hub_health; then
    ok "relhub answers /v1/health again, $((SECONDS - t0)) s after the database's return (it reconnected by itself)"
  else
    not_ok "relhub answers /v1/health again within ${TIMEOUT}s of the database's return"; hub_journal
  fi
  sync_through_hub "alice adds a record, and relctl sync exits 0 again" "Sandbox visit, after the outage" "$head2" " again"
  expect "relhub still active, still no restarts" "active NRestarts=0" hub_state
}
relhub_on_postgres

# relhub first (on PostgreSQL, or on SQLite when that section was skipped), then the database.
check "systemctl stop relhub" in_sbx systemctl stop relhub
expect "relhub is inactive (not failed) after stop" inactive in_sbx systemctl is-active relhub
if [ -n "$PG_UNIT" ]; then
  check "systemctl stop $PG_UNIT" in_sbx systemctl stop "$PG_UNIT"
  expect "$PG_UNIT is inactive (not failed) after stop" inactive in_sbx systemctl is-active "$PG_UNIT"
fi

# ---- stop ---------------------------------------------------------------------------------------
# PID 1 logs a clean exit of a main process ("Main process exited, code=exited, status=0/SUCCESS")
# only at debug level, and `systemctl show` cannot tell either once the stopped unit has been
# garbage-collected. So raise the sandbox manager's log level for the stop.
in_sbx systemctl log-level debug >/dev/null 2>&1
check "systemctl stop reld" in_sbx systemctl stop reld
expect "reld is inactive (not failed) after stop" inactive in_sbx systemctl is-active reld
log=$(in_sbx journalctl --no-pager -u reld -o cat 2>&1)
if printf '%s\n' "$log" | grep -q 'Main process exited, code=exited, status=0/SUCCESS'; then
  ok "reld exited with status 0 on SIGTERM"
else
  not_ok "reld exited with status 0 on SIGTERM"; printf '%s\n' "$log" | grep 'Main process exited' | diag
fi
if printf '%s\n' "$log" | grep -q 'Deactivated successfully' &&
   ! printf '%s\n' "$log" | grep -qE "Failed with result|[Ww]atchdog timeout|State 'stop-sigterm' timed out|with signal SIGKILL"; then
  ok "journal shows a clean shutdown"
else
  not_ok "journal shows a clean shutdown"; printf '%s\n' "$log" | grep -v ' debug' | tail -n 30 | diag
fi
in_sbx systemctl log-level info >/dev/null 2>&1

if [ "$failed" -gt 0 ]; then
  echo "# journal of reld.service (without PID 1's debug lines):"
  in_sbx journalctl --no-pager -u reld -p info -o short-monotonic 2>&1 | tail -n 60 | diag
fi

# ---- power off (cleanup repeats it if this does not work) -------------------------------------
timeout 10 nsenter -t "$SBX" -a systemctl poweroff --no-block >/dev/null 2>&1
if poll "$TIMEOUT" boot_gone; then ok "sandbox powered off"; else not_ok "sandbox powered off within ${TIMEOUT}s"; fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
