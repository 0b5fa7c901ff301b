#!/usr/bin/env bash
# `make bench`: start-up time, idle memory and binary size of the release build of Gateway Studio,
# each beside the same figure for a bare Tauri 2 hello-world (tests/bench/hello-world) built in the
# same run from the same workspace, profile and dependency versions.
#
#   start   time from main() to the first painted frame, as the page reports it through a command
#           (`first-paint-ms=<ms>` on stdout); median of BENCH_RUNS launches, after one discarded
#           warm-up launch; launches of the two binaries alternate so background load hits both.
#   memory  sum of VmRSS of the process and all its descendants (WebKitWebProcess,
#           WebKitNetworkProcess, ...) BENCH_IDLE_S seconds after first paint, one launch each.
#   size    bytes of target/release/<binary> (stripped by the release profile); 1 MB = 10^6 bytes.
#
# Budgets (reported, never asserted): start <= 1.3x hello-world, memory <= 1.3x, binary <= 15 MB.
# Exit status: 0 when every figure was measured (even if over budget), 1 when a figure could not
# be measured (e.g. the UI never reported its first paint), 2 on a set-up error.
#
# Every launch runs under its own `NO_AT_BRIDGE=1 dbus-run-session --` in a new session (setsid),
# on a private Xvfb (one per binary), with a temporary `--data-dir` and XDG data/config/cache
# folders (one set per binary, kept across its launches, so the warm-up launch pays the first-run
# costs); the trap kills every process of those sessions and removes the temporary folder.
# Other variables pass through, e.g. WEBKIT_DISABLE_COMPOSITING_MODE=1 for a what-if run.
#
# Knobs: BENCH_RUNS (5), BENCH_IDLE_S (10), BENCH_TIMEOUT_S (30), BENCH_SKIP_BUILD=1 (reuse the
# binaries already in target/release).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

RUNS="${BENCH_RUNS:-5}"
IDLE_S="${BENCH_IDLE_S:-10}"
TIMEOUT_S="${BENCH_TIMEOUT_S:-30}"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
case "$TARGET_DIR" in /*) ;; *) TARGET_DIR="$ROOT/$TARGET_DIR" ;; esac
APP_BIN="$TARGET_DIR/release/gateway-studio"
HELLO_BIN="$TARGET_DIR/release/bench-hello-world"

START_BUDGET=1.30
MEM_BUDGET=1.30
SIZE_BUDGET_MB=15

log() { printf 'bench: %s\n' "$*" >&2; }
die() { printf 'bench: error: %s\n' "$*" >&2; exit 2; }

# ---------------------------------------------------------------------------------------------
# Preconditions

[[ -f ui/dist/index.html ]] ||
  die "ui/dist/index.html not found: build the UI first (\`make ui\`); building it is not this script's job"
for tool in Xvfb dbus-run-session setsid awk sort; do
  command -v "$tool" >/dev/null || die "\`$tool\` not found (Debian: xvfb, dbus, util-linux, gawk/mawk, coreutils)"
done
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS must be a positive integer, got '$RUNS'"
[[ "$IDLE_S" =~ ^[0-9]+$ ]] || die "BENCH_IDLE_S must be a whole number of seconds, got '$IDLE_S'"
[[ "$TIMEOUT_S" =~ ^[1-9][0-9]*$ ]] || die "BENCH_TIMEOUT_S must be a positive integer, got '$TIMEOUT_S'"

# ---------------------------------------------------------------------------------------------
# Temporary state and cleanup

TMP="$(mktemp -d "${TMPDIR:-/tmp}/gateway-studio-bench.XXXXXX")"
# Session ids of every launch and Xvfb still alive. A background job of a non-interactive shell is
# never a process-group leader, so `setsid CMD &` does not fork: $! is the new session's id.
SESSIONS=()

# Every process whose session id is $1 (the leader and everything it spawned that did not
# call setsid itself: dbus-daemon, the app, WebKit's helper processes).
session_pids() {
  local sid="$1" f rest
  for f in /proc/[0-9]*/stat; do
    { read -r rest <"$f"; } 2>/dev/null || continue
    rest="${rest##*) }"               # drop "pid (comm) "; comm may hold spaces or parentheses
    # fields now: state ppid pgrp session ...
    # shellcheck disable=SC2086  # split into fields on purpose (no glob characters in stat)
    set -- $rest
    [[ "${4:-}" == "$sid" ]] && { f="${f#/proc/}"; echo "${f%/stat}"; }
  done
  return 0
}

# SIGTERM every process of session $1, wait up to 3 s, then SIGKILL what is left.
kill_session() {
  local sid="$1" pids i
  pids="$(session_pids "$sid")"
  [[ -z "$pids" ]] && return 0
  # shellcheck disable=SC2086  # one argument per pid
  kill -TERM $pids 2>/dev/null || true
  for i in $(seq 30); do
    pids="$(session_pids "$sid")"
    [[ -z "$pids" ]] && break
    sleep 0.1
  done
  # shellcheck disable=SC2086
  [[ -n "$pids" ]] && kill -KILL $pids 2>/dev/null || true
  wait "$sid" 2>/dev/null || true
  return 0
}

forget_session() {
  local sid="$1" s keep=()
  for s in "${SESSIONS[@]}"; do [[ "$s" == "$sid" ]] || keep+=("$s"); done
  SESSIONS=("${keep[@]+"${keep[@]}"}")
}

# shellcheck disable=SC2329  # invoked by the EXIT trap
cleanup() {
  local rc=$? s
  trap - EXIT INT TERM
  for s in "${SESSIONS[@]+"${SESSIONS[@]}"}"; do kill_session "$s"; done
  rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------------------------
# Build

if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  if ! cargo metadata --no-deps --format-version 1 2>/dev/null | grep -q '"name":"bench-hello-world"'; then
    die "package bench-hello-world is not in the workspace: add \"tests/bench/hello-world\" to [workspace] members in Cargo.toml"
  fi
  log "building release binaries (nice cargo build --release --features custom-protocol)"
  nice cargo build --release --features custom-protocol -p gateway-studio
  nice cargo build --release --features custom-protocol -p bench-hello-world
fi
[[ -x "$APP_BIN" ]] || die "$APP_BIN not found"
[[ -x "$HELLO_BIN" ]] || die "$HELLO_BIN not found"

# ---------------------------------------------------------------------------------------------
# Displays: one private Xvfb per binary, on a display number Xvfb picks itself (-displayfd).

start_xvfb() {   # sets XVFB_DISPLAY to the display number (not in $(...): SESSIONS must stay ours)
  local name="$1" fdfile="$TMP/xvfb-$1.display" pid i
  : >"$fdfile"
  setsid Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp -noreset \
    3>"$fdfile" >"$TMP/xvfb-$name.log" 2>&1 </dev/null &
  pid=$!
  SESSIONS+=("$pid")
  for i in $(seq 100); do
    if [[ -s "$fdfile" ]] && grep -q '^[0-9][0-9]*$' "$fdfile"; then
      XVFB_DISPLAY="$(head -n1 "$fdfile")"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  cat "$TMP/xvfb-$name.log" >&2 || true
  die "Xvfb for $name did not start"
}

# ---------------------------------------------------------------------------------------------
# One launch: start the binary, wait for its first-paint line.
# Sets LAUNCH_SID (session to kill), LAUNCH_PID (the binary's own pid), LAUNCH_MS (or "").

# The last lines of a launch's stderr, without dbus-daemon's harmless "Failed to set fd limit".
stderr_tail() {
  grep -v 'Failed to set fd limit' "$1" 2>/dev/null | tail -n 20 | sed 's/^/    /' >&2 || true
}

N_LAUNCH=0
launch() {   # NAME BIN DISPLAY [TIMEOUT_S]; a timeout of 0 starts the binary and does not wait
  local name="$1" bin="$2" display="$3" timeout="${4:-$TIMEOUT_S}" dir out err pidfile i line
  N_LAUNCH=$((N_LAUNCH + 1))
  # The data dir and XDG folders belong to the binary, not the launch: the warm-up launch pays the
  # first-run costs (database creation, WebKit's caches) and the timed launches are ordinary starts.
  dir="$TMP/home-$name"
  mkdir -p "$dir/data" "$dir/xdg-data" "$dir/xdg-config" "$dir/xdg-cache" "$TMP/run-$N_LAUNCH-$name"
  out="$TMP/run-$N_LAUNCH-$name/stdout" err="$TMP/run-$N_LAUNCH-$name/stderr" pidfile="$TMP/run-$N_LAUNCH-$name/pid"
  LAUNCH_MS="" LAUNCH_PID=""
  # `exec` keeps the pid the binary's own; dbus-run-session stays its parent.
  # shellcheck disable=SC2016  # $$ and $@ belong to the inner sh
  env -u WAYLAND_DISPLAY -u DBUS_SESSION_BUS_ADDRESS \
    DISPLAY=":$display" GDK_BACKEND=x11 NO_AT_BRIDGE=1 GATEWAY_STUDIO_BENCH=1 \
    XDG_DATA_HOME="$dir/xdg-data" XDG_CONFIG_HOME="$dir/xdg-config" XDG_CACHE_HOME="$dir/xdg-cache" \
    setsid dbus-run-session -- \
    sh -c 'echo $$ >"$0"; exec "$@"' "$pidfile" "$bin" --data-dir "$dir/data" \
    >"$out" 2>"$err" </dev/null &
  LAUNCH_SID=$!
  SESSIONS+=("$LAUNCH_SID")

  if ((timeout == 0)); then
    for i in $(seq 50); do [[ -s "$pidfile" ]] && break; sleep 0.1; done
    LAUNCH_PID="$(cat "$pidfile" 2>/dev/null || true)"
    return 2
  fi
  local deadline=$((SECONDS + timeout))
  while ((SECONDS < deadline)); do
    [[ -z "$LAUNCH_PID" && -s "$pidfile" ]] && LAUNCH_PID="$(cat "$pidfile")"
    line="$(grep -m1 '^first-paint-ms=' "$out" 2>/dev/null || true)"
    if [[ -n "$line" ]]; then
      LAUNCH_MS="${line#first-paint-ms=}"
      [[ -z "$LAUNCH_PID" ]] && LAUNCH_PID="$(cat "$pidfile" 2>/dev/null || true)"
      return 0
    fi
    if ! kill -0 "$LAUNCH_SID" 2>/dev/null; then
      log "error: $name exited before reporting its first paint; its stderr ends with:"
      stderr_tail "$err"
      return 1
    fi
    sleep 0.05
  done
  log "error: $name did not print first-paint-ms within ${timeout} s (does its page call the first-paint command? is GATEWAY_STUDIO_BENCH honoured?)"
  stderr_tail "$err"
  return 1
}

end_launch() {
  kill_session "$LAUNCH_SID"
  forget_session "$LAUNCH_SID"
}

# pid and its descendants (by PPid), one per line, the pid first.
descendants() {
  local root="$1" f rest pid
  local -A kids=()
  for f in /proc/[0-9]*/stat; do
    { read -r rest <"$f"; } 2>/dev/null || continue
    pid="${f#/proc/}"; pid="${pid%/stat}"
    rest="${rest##*) }"
    # shellcheck disable=SC2086  # split into fields on purpose (no glob characters in stat)
    set -- $rest
    kids[$2]+="$pid "
  done
  local queue=("$root") out=() p
  while ((${#queue[@]})); do
    p="${queue[0]}"; queue=("${queue[@]:1}")
    out+=("$p")
    for f in ${kids[$p]:-}; do queue+=("$f"); done
  done
  printf '%s\n' "${out[@]}"
}

# Sum of VmRSS (and of Pss, for the details) of a process tree, in KiB; details on stderr.
# Prints "rss_kib pss_kib".
tree_memory() {
  local root="$1" label="$2" p comm rss pss total_rss=0 total_pss=0
  for p in $(descendants "$root"); do
    comm="$(cat "/proc/$p/comm" 2>/dev/null)" || continue
    rss="$(awk '/^VmRSS:/ {print $2}' "/proc/$p/status" 2>/dev/null || true)"
    pss="$(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null || true)"
    rss="${rss:-0}" pss="${pss:-0}"
    total_rss=$((total_rss + rss)) total_pss=$((total_pss + pss))
    printf '      %-12s pid %-7s %-22s RSS %8.1f MiB   PSS %8.1f MiB\n' "$label" "$p" "$comm" \
      "$(awk -v k="$rss" 'BEGIN{print k/1024}')" "$(awk -v k="$pss" 'BEGIN{print k/1024}')" >&2
  done
  echo "$total_rss $total_pss"
}

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

# ---------------------------------------------------------------------------------------------
# Measure

FAILED=0
LOAD1="$(cut -d' ' -f1 /proc/loadavg)"
log "load average before the runs: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
if awk -v l="$LOAD1" -v n="$(nproc)" 'BEGIN { exit !(l > n / 2) }'; then
  log "warning: the machine is busy (another build?): start-up figures will be slow and noisy"
fi
start_xvfb app
DISPLAY_APP="$XVFB_DISPLAY"
start_xvfb hello
DISPLAY_HELLO="$XVFB_DISPLAY"
log "Xvfb displays :$DISPLAY_APP (gateway-studio) and :$DISPLAY_HELLO (hello-world)"

declare -A BIN=([app]="$APP_BIN" [hello]="$HELLO_BIN")
declare -A DISP=([app]="$DISPLAY_APP" [hello]="$DISPLAY_HELLO")
declare -A NAME=([app]=gateway-studio [hello]=hello-world)
declare -A OK=([app]=1 [hello]=1)
APP_TIMES=() HELLO_TIMES=()

# Launch 0 is a discarded warm-up (page cache, fontconfig, Mesa); then RUNS timed launches,
# alternating the two binaries. A binary that never reports its first paint is not launched again.
for i in $(seq 0 "$RUNS"); do
  for k in app hello; do
    [[ "${OK[$k]}" == 1 ]] || continue
    if launch "${NAME[$k]}" "${BIN[$k]}" "${DISP[$k]}"; then
      if ((i == 0)); then
        log "${NAME[$k]}: warm-up ${LAUNCH_MS} ms (discarded)"
      else
        log "${NAME[$k]}: run $i/$RUNS first paint ${LAUNCH_MS} ms"
        if [[ "$k" == app ]]; then APP_TIMES+=("$LAUNCH_MS"); else HELLO_TIMES+=("$LAUNCH_MS"); fi
      fi
    else
      OK[$k]=0
      FAILED=1
    fi
    end_launch
  done
done

declare -A MEM_RSS MEM_PSS
for k in app hello; do
  if [[ "${OK[$k]}" == 1 ]] && launch "${NAME[$k]}" "${BIN[$k]}" "${DISP[$k]}"; then
    log "${NAME[$k]}: painted after ${LAUNCH_MS} ms; idling ${IDLE_S} s before reading memory"
  else
    # Still worth a figure: measure the window as it is, IDLE_S s after start (or after the wait).
    [[ "${OK[$k]}" == 1 ]] || launch "${NAME[$k]}" "${BIN[$k]}" "${DISP[$k]}" 0 || true
    log "${NAME[$k]}: no first paint; reading memory anyway after ${IDLE_S} s"
  fi
  sleep "$IDLE_S"
  if [[ -n "$LAUNCH_PID" ]] && kill -0 "$LAUNCH_PID" 2>/dev/null; then
    read -r MEM_RSS[$k] MEM_PSS[$k] < <(tree_memory "$LAUNCH_PID" "${NAME[$k]}")
  else
    log "error: ${NAME[$k]} is not running after ${IDLE_S} s idle; no memory figure"
    MEM_RSS[$k]="" MEM_PSS[$k]=""
    FAILED=1
  fi
  end_launch
done

# ---------------------------------------------------------------------------------------------
# Report

APP_MS="" HELLO_MS=""
((${#APP_TIMES[@]})) && APP_MS="$(median "${APP_TIMES[@]}")"
((${#HELLO_TIMES[@]})) && HELLO_MS="$(median "${HELLO_TIMES[@]}")"
APP_BYTES="$(stat -c %s "$APP_BIN")"
HELLO_BYTES="$(stat -c %s "$HELLO_BIN")"

kib_to_mib() { if [[ -n "$1" ]]; then awk -v k="$1" 'BEGIN{printf "%.1f", k/1024}'; else echo "${2:-}"; fi; }

# row LABEL APP HELLO KIND BUDGET  (KIND: ratio = budget on the ratio; abs = budget on APP)
row() {
  local label="$1" a="$2" h="$3" kind="$4" budget="$5"
  awk -v label="$label" -v a="$a" -v h="$h" -v kind="$kind" -v b="$budget" 'BEGIN {
    sa = (a == "") ? "n/a" : sprintf("%.1f", a)
    sh = (h == "") ? "n/a" : sprintf("%.1f", h)
    r = (a == "" || h == "" || h + 0 == 0) ? "" : a / h
    sr = (r == "") ? "n/a" : sprintf("%.2fx", r)
    if (kind == "ratio") { sb = sprintf("<= %.2fx", b); v = r }
    else                 { sb = sprintf("<= %g MB", b); v = (a == "") ? "" : a }
    verdict = (v == "") ? "n/a" : ((v + 0 <= b + 0) ? "ok" : "OVER")
    printf "%-30s %14s %13s %7s   %-9s %s\n", label, sa, sh, sr, sb, verdict
  }'
}

echo
echo "Gateway Studio benchmark: release build, Xvfb 1280x800, median of $RUNS launches (start), ${IDLE_S} s idle (memory)"
printf '%-30s %14s %13s %7s   %-9s\n' figure gateway-studio hello-world ratio budget
row "start to first paint (ms)" "$APP_MS" "$HELLO_MS" ratio "$START_BUDGET"
row "memory after ${IDLE_S} s idle (MiB)" "$(kib_to_mib "${MEM_RSS[app]}")" "$(kib_to_mib "${MEM_RSS[hello]}")" ratio "$MEM_BUDGET"
row "binary size (MB)" "$(awk -v b="$APP_BYTES" 'BEGIN{print b/1e6}')" "$(awk -v b="$HELLO_BYTES" 'BEGIN{print b/1e6}')" abs "$SIZE_BUDGET_MB"
echo
echo "details: start runs (ms) gateway-studio: ${APP_TIMES[*]:-none}; hello-world: ${HELLO_TIMES[*]:-none}"
if ((${#APP_TIMES[@]} == RUNS && ${#HELLO_TIMES[@]} == RUNS)); then
  # Launches alternate, so run i of each saw about the same background load.
  PAIR_RATIOS=()
  for i in "${!APP_TIMES[@]}"; do
    PAIR_RATIOS+=("$(awk -v a="${APP_TIMES[$i]}" -v h="${HELLO_TIMES[$i]}" 'BEGIN { printf "%.3f", (h > 0) ? a / h : 0 }')")
  done
  printf 'details: median of the per-run start ratios %.2fx (less sensitive to load that drifts during the run)\n' \
    "$(median "${PAIR_RATIOS[@]}")"
fi
echo "details: memory is the sum of VmRSS over the process tree (shared pages counted per process);"
echo "         PSS sum gateway-studio $(kib_to_mib "${MEM_PSS[app]}" n/a) MiB, hello-world $(kib_to_mib "${MEM_PSS[hello]}" n/a) MiB"
echo "details: binary bytes gateway-studio $APP_BYTES, hello-world $HELLO_BYTES; load average now $(cut -d' ' -f1-3 /proc/loadavg)"

if ((FAILED)); then
  log "some figures could not be measured (see the errors above)"
  exit 1
fi
exit 0
