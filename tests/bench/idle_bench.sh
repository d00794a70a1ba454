#!/usr/bin/env bash
# The idle cost of `plan-reminder run` (SPEC §7 service) on the example deployment (Maildir
# transport): resident memory, CPU time and wake-ups between send times.
#
#   tests/bench/idle_bench.sh [BUILD_DIR]
#   IDLE_SECONDS=60 tests/bench/idle_bench.sh     # a shorter measurement (default 600 s)
#   TRANSPORT=smtp tests/bench/idle_bench.sh       # delivering over SMTP instead (see below)
#
# The example (config/) is copied to a temporary folder, with its state database, Maildir and
# link secret there; its web surface listens on a free loopback port (WEB=off: without it). The daemon starts with --now just after a send time (default Tuesday 3 March 2020
# 09:01, NOW=... to change it): its first pass catches up on what the example plan has due
# (written to the Maildir), then the next send time is the next business day's 08:30, so no
# sends fall in the measurement. Once the first pass is done and the process is quiet, the
# script samples /proc/PID/status (VmRSS, context switches; every thread, from /proc/PID/task)
# and /proc/PID/stat (utime + stime) at the start and at the end of IDLE_SECONDS, with a line
# every minute in between, and reports resident memory (MB), CPU seconds and wake-ups.
#
# As under systemd (Type=notify), NOTIFY_SOCKET is a datagram socket the script binds, so the
# daemon's READY and STATUS messages are part of what is measured.
#
# TRANSPORT=smtp delivers the first pass's emails to tests/bench/fast_smtp_sink.py on loopback
# (plaintext, allow_plaintext) instead of the Maildir: the daemon then has libcurl and the TLS
# libraries it loads for SMTP mapped (libcurl is loaded only for SMTP, on first use).
#
# Targets: under 10 MB resident; no wake-ups between send times except at most one safety
# check an hour (each safety check costs a few context switches across the daemon's threads:
# the timer, the pass on the worker thread and its report back). Exits 1 if one is missed.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
source_dir="$(cd "$here/../.." && pwd)"
build="${1:-$source_dir/build}"
binary="${PR_BINARY:-$build/daemon/plan-reminder}"
idle_seconds="${IDLE_SECONDS:-600}"
now="${NOW:-2020-03-03T09:01}"
rss_target_kb=$((10 * 1024))
# Context switches one safety check may cost (all threads), and how many checks the period
# allows: the first comes an hour after the daemon last set its timer.
switches_per_check=12
allowed_checks=$(((idle_seconds + 3599) / 3600))
if [ "$idle_seconds" -lt 3600 ]; then
  allowed_checks=0
fi

if [ ! -x "$binary" ]; then
  echo "idle_bench: no binary at $binary (build first: scripts/build)" >&2
  exit 2
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/plan-reminder-idle-XXXXXX")"
pid=""
sink_pid=""
notify_pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  for helper in "$sink_pid" "$notify_pid"; do
    if [ -n "$helper" ]; then kill "$helper" 2>/dev/null || true; wait "$helper" 2>/dev/null || true; fi
  done
  rm -rf "$work"
}
trap cleanup EXIT

# The example deployment, with state and Maildir in the temporary folder (../var from config/).
cp -r "$source_dir/config" "$work/config"
sed -i "s#^templates: .*#templates: $source_dir/templates#" "$work/config/plan-reminder.yaml"
config="$work/config/plan-reminder.yaml"
# The web surface is on, as in the example, on a free loopback port.
web_port="$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
sed -i -e "s#^  listen: .*#  listen: 127.0.0.1:$web_port#" -e "s#^  base_url: .*#  base_url: http://127.0.0.1:$web_port#" "$config"
transport="${TRANSPORT:-maildir}"
case "$transport" in
  maildir) ;;
  smtp)
    /usr/bin/python3 "$here/fast_smtp_sink.py" --port-file "$work/port" &
    sink_pid=$!
    for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
    sed -i "s#^  maildir: .*#  smtp: {url: 'smtp://127.0.0.1:$(cat "$work/port")', allow_plaintext: true}#" \
      "$config"
    ;;
  *) echo "idle_bench: TRANSPORT is maildir or smtp" >&2; exit 64 ;;
esac
if [ "${WEB:-on}" = off ]; then
  sed -i '/^web:/,$d' "$config"
fi
"$binary" check --config "$config" >/dev/null

# systemd's notification socket, read and discarded (the daemon only needs it to exist).
/usr/bin/python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
open(sys.argv[1] + ".bound", "w").close()
while True:
    s.recv(65536)
' "$work/notify" &
notify_pid=$!
for _ in $(seq 100); do [ -e "$work/notify.bound" ] && break; sleep 0.1; done

log="$work/daemon.log"
env -u JOURNAL_STREAM -u WATCHDOG_USEC -u WATCHDOG_PID NOTIFY_SOCKET="$work/notify" \
  "$binary" run --config "$config" --now "$now" 2>"$log" >/dev/null &
pid=$!

# Startup: the first pass on a fresh state database always sends (the catch-up) and logs it.
deadline=$((SECONDS + 60))
until grep -q "pass: " "$log"; do
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "idle_bench: the daemon exited during startup:" >&2
    cat "$log" >&2
    exit 1
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "idle_bench: no first pass within 60 s:" >&2
    cat "$log" >&2
    exit 1
  fi
  sleep 0.1
done

clock_ticks="$(getconf CLK_TCK)"

status_field() { # FILE FIELD -> the number in "FIELD:   123 kB"
  awk -v f="$2:" '$1 == f { print $2; exit }' "$1"
}

# All threads' context switches: "voluntary involuntary".
switches() {
  local v=0 n=0 task
  for task in /proc/"$pid"/task/*; do
    v=$((v + $(status_field "$task/status" voluntary_ctxt_switches)))
    n=$((n + $(status_field "$task/status" nonvoluntary_ctxt_switches)))
  done
  echo "$v $n"
}

# utime + stime of the whole process, in clock ticks (fields 14 and 15 after the command).
cpu_ticks() {
  local stat
  stat="$(cat /proc/"$pid"/stat)"
  stat="${stat##*) }"
  # After "pid (comm) ", field 3 (state) is the first: utime is the 12th, stime the 13th.
  echo "$stat" | awk '{ print $12 + $13 }'
}

# Wait until the process is quiet: no context switch for two seconds in a row.
previous="$(switches)"
deadline=$((SECONDS + 60))
while true; do
  sleep 2
  current="$(switches)"
  [ "$current" = "$previous" ] && break
  previous="$current"
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "idle_bench: the daemon did not go quiet within 60 s after its first pass" >&2
    break
  fi
done

sample() { # LABEL
  local s rss hwm anon file threads
  s=/proc/"$pid"/status
  rss="$(status_field "$s" VmRSS)"
  hwm="$(status_field "$s" VmHWM)"
  anon="$(status_field "$s" RssAnon)"
  file="$(status_field "$s" RssFile)"
  threads="$(status_field "$s" Threads)"
  read -r vol invol <<<"$(switches)"
  main_vol="$(status_field "$s" voluntary_ctxt_switches)"
  main_invol="$(status_field "$s" nonvoluntary_ctxt_switches)"
  ticks="$(cpu_ticks)"
  # Shared library pages count in full in VmRSS; PSS divides them among the processes mapping
  # them, and the private pages are what this process alone costs.
  pss="$(status_field /proc/"$pid"/smaps_rollup Pss)"
  private=$(($(status_field /proc/"$pid"/smaps_rollup Private_Clean) + $(status_field /proc/"$pid"/smaps_rollup Private_Dirty)))
  printf '%-6s t=%5ss  VmRSS %6s kB (anon %s, file %s, peak %s; PSS %s, private %s)  threads %s  switches %s+%s (main thread %s+%s)  cpu %s ticks\n' \
    "$1" "$((SECONDS - start_seconds))" "$rss" "$anon" "$file" "$hwm" "$pss" "$private" "$threads" \
    "$vol" "$invol" "$main_vol" "$main_invol" "$ticks"
  last_rss="$rss" last_hwm="$hwm" last_vol="$vol" last_invol="$invol" last_ticks="$ticks"
  last_threads="$threads" last_pss="$pss" last_private="$private" last_anon="$anon" last_file="$file"
}

echo "plan-reminder idle benchmark: $binary"
echo "example deployment copied to $work (transport $transport); run --now $now; idle for $idle_seconds s"
grep -E "started|pass: " "$log" | sed 's/^/  log: /'
start_seconds=$SECONDS
sample start
start_rss=$last_rss start_vol=$last_vol start_invol=$last_invol start_ticks=$last_ticks
end_at=$((start_seconds + idle_seconds))
while [ "$SECONDS" -lt "$end_at" ]; do
  step=$((end_at - SECONDS))
  [ "$step" -gt 60 ] && step=60
  sleep "$step"
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "idle_bench: the daemon exited during the measurement:" >&2
    cat "$log" >&2
    exit 1
  fi
  [ "$SECONDS" -lt "$end_at" ] && sample ""
done
sample end
elapsed=$((SECONDS - start_seconds))

kill -TERM "$pid"
set +e
wait "$pid"
code=$?
set -e
pid=""

wakeups=$(((last_vol - start_vol) + (last_invol - start_invol)))
cpu_seconds="$(awk -v t=$((last_ticks - start_ticks)) -v hz="$clock_ticks" 'BEGIN { printf "%.2f", t / hz }')"
rss_mb="$(awk -v k="$last_rss" 'BEGIN { printf "%.1f", k / 1024 }')"
start_rss_mb="$(awk -v k="$start_rss" 'BEGIN { printf "%.1f", k / 1024 }')"
hwm_mb="$(awk -v k="$last_hwm" 'BEGIN { printf "%.1f", k / 1024 }')"
allowed_switches=$((allowed_checks * switches_per_check))
verdict=0
rss_ok="ok"
if [ "$last_rss" -ge "$rss_target_kb" ]; then rss_ok="OVER TARGET"; verdict=1; fi
wake_ok="ok"
if [ "$wakeups" -gt "$allowed_switches" ]; then wake_ok="OVER TARGET"; verdict=1; fi

echo
echo "over $elapsed s idle ($last_threads threads):"
echo "  resident memory: $rss_mb MB at the end ($start_rss_mb MB at the start, peak $hwm_mb MB); target under 10 MB: $rss_ok"
awk -v a="$last_anon" -v f="$last_file" -v p="$last_pss" -v u="$last_private" 'BEGIN {
  printf "    of which anonymous %.1f MB, file-backed (code of the binary and libraries) %.1f MB;\n", a / 1024, f / 1024
  printf "    proportional (PSS) %.1f MB, private to the process %.1f MB\n", p / 1024, u / 1024 }'
echo "  CPU time: $cpu_seconds s (user + system)"
echo "  wake-ups: $wakeups context switches ($((last_vol - start_vol)) voluntary, $((last_invol - start_invol)) involuntary);" \
  "target at most $allowed_checks safety check(s), $allowed_switches switches: $wake_ok"
echo "  SIGTERM: exit $code"
tail -n 2 "$log" | sed 's/^/  log: /'
if [ "$code" -ne 0 ]; then verdict=1; fi
exit "$verdict"
