#!/usr/bin/env bash
# SMTP delivery throughput: plan-reminder's transport (libcurl) beside msmtp (one process per
# message, as a cron script would call it) and Python smtplib (one connection), all sending the
# same ~3.4 KB reminder-like message to the SAME loopback sink in the same run.
#
#   tests/bench/run_delivery_bench.sh [--messages N] [--msmtp-messages N] [--batch N]
#                                     [--sink fast|aiosmtpd] [BUILD_DIR]
#
# --sink fast (default): tests/bench/fast_smtp_sink.py, a bare asyncio SMTP sink that costs
#   ~0.1 ms of CPU per message, so that the clients are what is measured.
# --sink aiosmtpd: tests/integration/smtp_sink.py --discard, the sink of the integration tests;
#   it costs ~1.5 ms of CPU per message and caps every client near 600 messages/s.
# Both offer STARTTLS (not required) with a self-signed certificate made for the run, which the
# clients verify. The sink's CPU time per client is shown, to tell whether it was the limit.
# msmtp and its 40 ms per message make --msmtp-messages (default: --messages) the long part.
# Loopback only; addresses are example.org ones. Needs msmtp (scripts/install-deps).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
messages=10000
msmtp_messages=""
batch=100
sink=fast
build="$here/../../build"
while [ $# -gt 0 ]; do
  case "$1" in
    --messages) messages="$2"; shift 2 ;;
    --msmtp-messages) msmtp_messages="$2"; shift 2 ;;
    --batch) batch="$2"; shift 2 ;;
    --sink) sink="$2"; shift 2 ;;
    -*)
      echo "usage: $0 [--messages N] [--msmtp-messages N] [--batch N]" \
        "[--sink fast|aiosmtpd] [BUILD_DIR]" >&2
      exit 64 ;;
    *) build="$1"; shift ;;
  esac
done
msmtp_messages="${msmtp_messages:-$messages}"
bench="$build/tests/bench/plan-reminder-delivery-bench"
for tool in "$bench" /usr/bin/msmtp /usr/bin/openssl /usr/bin/time; do
  if [ ! -x "$tool" ]; then
    echo "$0: $tool is missing (scripts/install-deps, scripts/build)" >&2
    exit 69
  fi
done

work="$(mktemp -d "$( [ -d /dev/shm ] && echo /dev/shm || echo /tmp )/pr-delivery-bench.XXXXXX")"
sink_pid=""
cleanup() {
  if [ -n "$sink_pid" ]; then
    kill "$sink_pid" 2>/dev/null || true
    wait "$sink_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
  -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
"$bench" --write-sample "$work/sample.eml" >/dev/null

sink_options=(--port-file "$work/port" --stats-file "$work/sink-stats.json"
  --tls-cert "$work/cert.pem" --tls-key "$work/key.pem")
case "$sink" in
  fast) /usr/bin/python3 "$here/fast_smtp_sink.py" "${sink_options[@]}" & ;;
  aiosmtpd) /usr/bin/python3 "$here/../integration/smtp_sink.py" --discard "${sink_options[@]}" & ;;
  *) echo "$0: --sink is fast or aiosmtpd" >&2; exit 64 ;;
esac
sink_pid=$!
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
port="$(cat "$work/port")"

for tls in off on; do
  {
    echo "defaults"
    echo "auth off"
    if [ "$tls" = on ]; then
      echo "tls on"; echo "tls_starttls on"; echo "tls_trust_file $work/cert.pem"
    else
      echo "tls off"
    fi
    echo "syslog off"
    echo "account bench"; echo "host 127.0.0.1"; echo "port $port"; echo "domain localhost"
    echo "account default : bench"
  } >"$work/msmtp-tls-$tls.conf"
  chmod 600 "$work/msmtp-tls-$tls.conf"
done

# One process per message, as a script calling msmtp for each mail would.
cat >"$work/msmtp-loop.sh" <<'EOF'
#!/usr/bin/env bash
config="$1" count="$2" sample="$3" label="$4"
failed=0
start=$(date +%s.%N)
for ((n = 0; n < count; n++)); do
  /usr/bin/msmtp -C "$config" -f dhr-actions@partnership.example.org \
    "csp-team-$((n % 300))@agency.example.org" <"$sample" || failed=$((failed + 1))
done
end=$(date +%s.%N)
awk -v l="$label" -v c="$count" -v f="$failed" -v s="$start" -v e="$end" 'BEGIN {
  printf "%s: %d messages (%d delivered), one msmtp process each\n", l, c, c - f
  printf "RESULT %s %d %.3f %.0f\n", l, c - f, e - s, (c - f) / (e - s) }'
[ "$failed" -eq 0 ]
EOF
chmod +x "$work/msmtp-loop.sh"

ticks="$(getconf CLK_TCK)"
sink_cpu() { awk -v t="$ticks" '{ printf "%.2f", ($14 + $15) / t }' "/proc/$sink_pid/stat"; }

rows=()
total=0
failures=0
# run LABEL CONNECTIONS COMMAND...: times one client; keeps a row for the table.
run() {
  local label="$1" connections="$2"
  shift 2
  echo "--- $label"
  local before after status=0
  before="$(sink_cpu)"
  /usr/bin/time -f "%U %S" -o "$work/time" "$@" >"$work/out" || status=$?
  after="$(sink_cpu)"
  grep -v '^RESULT ' "$work/out" || true
  local result delivered seconds rate cpu
  result="$(grep '^RESULT ' "$work/out" | tail -1)"
  read -r _ _ delivered seconds rate <<<"$result"
  cpu="$(awk '{ printf "%.2f", $1 + $2 }' "$work/time")"
  if [ "$status" -ne 0 ]; then failures=$((failures + 1)); echo "  FAILED (exit $status)"; fi
  total=$((total + delivered))
  local sink_used
  sink_used="$(awk -v a="$after" -v b="$before" 'BEGIN { printf "%.2f", a - b }')"
  rows+=("$(printf '%-46s %11s %9s %9s %9s %11s %9s' "$label" "$connections" "$delivered" \
    "$seconds" "$rate" "$cpu" "$sink_used")")
}

echo "sink: $sink on 127.0.0.1:$port; message: $(wc -c <"$work/sample.eml") bytes;" \
  "$(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
url="smtp://127.0.0.1:$port"
run "plan-reminder (libcurl), plaintext" "$(( (messages + batch - 1) / batch ))" \
  "$bench" --url "$url" --plaintext --messages "$messages" --batch "$batch" --label libcurl-plaintext
run "plan-reminder (libcurl), STARTTLS" "$(( (messages + batch - 1) / batch ))" \
  "$bench" --url "$url" --ca-file "$work/cert.pem" --messages "$messages" --batch "$batch" \
  --label libcurl-starttls
run "plan-reminder daemon (relay process), plaintext" "$(( (messages + batch - 1) / batch ))" \
  "$bench" --url "$url" --plaintext --messages "$messages" --batch "$batch" \
  --relay "$build/daemon/plan-reminder" --label relay-plaintext
run "plan-reminder daemon (relay process), STARTTLS" "$(( (messages + batch - 1) / batch ))" \
  "$bench" --url "$url" --ca-file "$work/cert.pem" --messages "$messages" --batch "$batch" \
  --relay "$build/daemon/plan-reminder" --label relay-starttls
run "plan-reminder (libcurl), plaintext, 1 conn." 1 \
  "$bench" --url "$url" --plaintext --messages "$messages" --batch "$messages" \
  --label libcurl-plaintext-1
run "msmtp, plaintext, 1 process per message" "$msmtp_messages" \
  "$work/msmtp-loop.sh" "$work/msmtp-tls-off.conf" "$msmtp_messages" "$work/sample.eml" \
  msmtp-plaintext
run "msmtp, STARTTLS, 1 process per message" "$msmtp_messages" \
  "$work/msmtp-loop.sh" "$work/msmtp-tls-on.conf" "$msmtp_messages" "$work/sample.eml" \
  msmtp-starttls
run "Python smtplib, plaintext, 1 connection" 1 \
  /usr/bin/python3 "$here/smtplib_client.py" --port "$port" --message "$work/sample.eml" \
  --messages "$messages"
run "Python smtplib, STARTTLS, 1 connection" 1 \
  /usr/bin/python3 "$here/smtplib_client.py" --port "$port" --message "$work/sample.eml" \
  --messages "$messages" --starttls --ca-file "$work/cert.pem"

kill "$sink_pid"
wait "$sink_pid" || true
sink_pid=""
echo
printf '%-46s %11s %9s %9s %9s %11s %9s\n' "client ($sink sink)" connections messages \
  "wall s" "msg/s" "client CPU" "sink CPU"
printf '%s\n' "${rows[@]}"
received="$(/usr/bin/python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["messages"])' \
  "$work/sink-stats.json")"
echo "sink received $received messages; clients report $total delivered"
echo "(wall s: the client's own timing of its sends; CPU in seconds, user + system;" \
  "load average now $(cut -d' ' -f1-3 /proc/loadavg))"
if [ "$failures" -ne 0 ] || [ "$received" -ne "$total" ]; then
  echo "$0: some messages were not delivered" >&2
  exit 1
fi
