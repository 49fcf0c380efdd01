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
check "systemctl stop relhub" in_sbx systemctl stop relhub
expect "relhub is inactive (not failed) after stop" inactive in_sbx systemctl is-active relhub

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
