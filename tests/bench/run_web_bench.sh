#!/usr/bin/env bash
# The web surface under load (issue 10) on the synthetic national corpus (1,500 plans, 100,000
# milestones; generate_corpus.py, generated once into BUILD_DIR/bench-corpus): `plan-reminder
# run` with a `web:` section on loopback, measured with wrk (Debian) side by side with the
# alternative a council would otherwise reach for, a static copy of the same bytes served by
# Python's http.server, in the same run:
#   - /board (the first page) and one agency's calendar feed (/feeds/ID.ics);
#   - one client: latency per request (what the server takes, plus loopback);
#   - 16 concurrent clients: requests per second, and the 99th-percentile latency;
#   - each server's own CPU time per request (wrk shares the cores, so the rate is partly the
#     client's).
# Goals: at least 10 times the static file's rate, and the 99th percentile under 50 ms.
#   tests/bench/run_web_bench.sh [BUILD_DIR]        DURATION=10 (seconds per measurement)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="$here/../../build"
if [ $# -gt 0 ]; then build="$1"; fi
build="$(cd "$build" && pwd)"
binary="$build/daemon/plan-reminder"
corpus="$build/bench-corpus"
duration="${DURATION:-10}"
if [ ! -x "$binary" ]; then
  echo "$0: $binary is missing (scripts/build)" >&2
  exit 69
fi
if ! command -v wrk >/dev/null; then
  echo "$0: wrk is missing (scripts/install-deps)" >&2
  exit 69
fi
if [ ! -f "$corpus/plan-reminder.yaml" ]; then
  /usr/bin/python3 "$here/generate_corpus.py" "$corpus" >/dev/null
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/pr-web-bench.XXXXXX")"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port="$(free_port)"
static_port="$(free_port)"
head -c 32 /dev/urandom >"$work/link-secret"
chmod 600 "$work/link-secret"
sed -e "s|^plans: .*|plans: $corpus/plans/*.yaml|" \
    -e "s|^directory: .*|directory: $corpus/agencies.yaml|" \
    -e "s|^state: .*|state: $work/state.db|" \
    -e "s|^  maildir: .*|  maildir: $work/Maildir|" \
    "$corpus/plan-reminder.yaml" >"$work/plan-reminder.yaml"
cat >>"$work/plan-reminder.yaml" <<EOF
web:
  listen: 127.0.0.1:$port
  base_url: http://127.0.0.1:$port
  secret_file: $work/link-secret
EOF

echo "corpus: $corpus ($(find "$corpus/plans" -name "*.yaml" | wc -l) plan files);" \
  "$(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
# The first pass (a national catch-up) runs before the measurements start: /healthz says 200
# once it is done.
"$binary" run --config "$work/plan-reminder.yaml" --now 2026-11-27T09:05 2>"$work/log" &
pids+=($!)
for _ in $(seq 1 1200); do
  if curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then break; fi
  sleep 0.1
done
curl -sf "http://127.0.0.1:$port/healthz" >/dev/null || { tail "$work/log"; exit 1; }

# The first agency of the directory (a map under "agencies:").
agency="$(awk '/^agencies:/ {in_map = 1; next} in_map && /^  [a-z0-9-]+:/ {sub(":", "", $1); print $1; exit}' \
  "$corpus/agencies.yaml")"
board_url="$("$binary" url board --config "$work/plan-reminder.yaml")"
feed_url="$("$binary" url feed "$agency" --config "$work/plan-reminder.yaml")"

# The static alternative: the same bytes, from Python's http.server (threading) on loopback.
mkdir -p "$work/static"
# The first request of each renders it (then it is kept until the next pass, reload or day).
first_board="$(curl -sf "$board_url" -o "$work/static/board.html" -w '%{time_total}')"
first_feed="$(curl -sf "$feed_url" -o "$work/static/feed.ics" -w '%{time_total}')"
echo "first request, rendered: /board ${first_board} s, feed ${first_feed} s"
(cd "$work/static" && exec /usr/bin/python3 -m http.server "$static_port" --bind 127.0.0.1 \
  >/dev/null 2>&1) &
pids+=($!)
for _ in $(seq 1 100); do
  if curl -sf "http://127.0.0.1:$static_port/board.html" >/dev/null 2>&1; then break; fi
  sleep 0.1
done

# CPU time (user + system, in clock ticks) a process has used so far.
cpu_ticks() {
  local stat
  stat="$(cat "/proc/$1/stat")"
  stat="${stat##*) }"
  echo "$stat" | awk '{ print $12 + $13 }'
}
hz="$(getconf CLK_TCK)"

# wrk's summary (requests/s, the latency distribution's 50th and 99th percentiles), and the
# server's own CPU time per request over the measurement: wrk runs on the same cores, so the
# rate partly measures the client; the CPU time is what the server alone spends.
measure() { # CLIENTS URL LABEL SERVER_PID
  local connections="$1" url="$2" before after
  before="$(cpu_ticks "$4")"
  wrk -t "$((connections < 2 ? 1 : 2))" -c "$connections" -d "${duration}s" --latency "$url" \
    >"$work/wrk" 2>&1
  after="$(cpu_ticks "$4")"
  local rate p50 p99 errors requests cpu
  rate="$(awk '/^Requests\/sec/ {print $2}' "$work/wrk")"
  p50="$(awk '$1 == "50%" {print $2}' "$work/wrk")"
  p99="$(awk '$1 == "99%" {print $2}' "$work/wrk")"
  errors="$(awk '/Non-2xx/ {print $5}' "$work/wrk")"
  requests="$(awk '/requests in/ {print $1}' "$work/wrk")"
  cpu="$(awk -v t=$((after - before)) -v hz="$hz" -v n="$requests" \
    'BEGIN { if (n > 0) printf "%.0fus", t / hz / n * 1e6; else print "-" }')"
  printf '%-28s %8s %10s %10s %10s %12s %8s\n' "$3" "$connections" "$rate" "$p50" "$p99" "$cpu" \
    "${errors:-0}"
}
printf 'board page %s bytes, feed %s bytes\n' "$(stat -c %s "$work/static/board.html")" \
  "$(stat -c %s "$work/static/feed.ics")"
printf '%-28s %8s %10s %10s %10s %12s %8s\n' what clients "req/s" p50 p99 "server CPU" non-2xx
daemon="${pids[0]}" static="${pids[1]}"
for clients in 1 16; do
  measure "$clients" "$board_url" "plan-reminder /board" "$daemon"
  measure "$clients" "http://127.0.0.1:$static_port/board.html" "http.server (same bytes)" "$static"
  measure "$clients" "$feed_url" "plan-reminder feed" "$daemon"
  measure "$clients" "http://127.0.0.1:$static_port/feed.ics" "http.server (same bytes)" "$static"
done
echo "daemon resident memory after the run: $(awk '/VmRSS/ {print $2, $3}' "/proc/${pids[0]}/status")"
