#!/usr/bin/env bash
# Times plan-reminder over the synthetic national corpus (1,500 plans, 100,000 milestones;
# generate_corpus.py, generated once into BUILD_DIR/bench-corpus), beside a plain PyYAML script
# that only loads the same files (pyyaml_load.py, libyaml's C loader), in one run:
#   pyyaml        the baseline: every file loaded, nothing checked;
#   check cold    `check` with no parse cache (a new state folder): every file parsed;
#   check         `check` again, the files unchanged (the parse cache);
#   agenda json   `agenda --format json` on the same files, its output to a file;
#   pass 1        `run --once` on Thursday 26 November 2026: a national catch-up (every plan
#                 first loaded with its history: only the latest stage of each milestone);
#   pass 2        `run --once` on Friday 27 November 2026, the next business day, same state;
#   daemon pass 2 the same pass in the daemon (`run --now`, plans already in memory), on a copy
#                 of the state as pass 1 left it: the pass's own time, from its log line's
#                 "took" (the daemon's start and load before it not counted).
# Each with a fresh state and a Maildir transport in a temporary folder; with --postgres the
# same again with the state in PostgreSQL (a cluster of its own, started with the tests'
# pg_test_cluster but with PostgreSQL's own durable settings, fsync on, as SQLite syncs each
# commit; PR_TEST_POSTGRES_DURABLE=0 gives the tests' fsync=off; the parse cache then in
# $CACHE_DIRECTORY, as under systemd). Reports wall
# time, CPU, peak resident memory (GNU time), the ratio of the wall time to PyYAML's, the emails
# written and the state's size. With --weeks N (52: a year), the SQLite state then lives N
# simulated weeks: a `run --once` on every weekday from Monday 30 November 2026 (the timer's
# way), its size reported each quarter and at the end (the emails counted, then removed).
#   tests/bench/run_pass_bench.sh [BUILD_DIR] [--postgres] [--weeks N] [-- extra run arguments]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="$here/../../build"
postgres=0
weeks=0
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  case "$1" in
    --postgres) postgres=1 ;;
    --weeks) weeks="$2"; shift ;;
    -*) echo "usage: $0 [BUILD_DIR] [--postgres] [--weeks N] [-- extra run arguments]" >&2
        exit 64 ;;
    *) build="$1" ;;
  esac
  shift
done
if [ $# -gt 0 ]; then shift; fi
build="$(cd "$build" && pwd)"
binary="$build/daemon/plan-reminder"
corpus="$build/bench-corpus"
pg_bin="${PR_POSTGRES_BINDIR:-/usr/lib/postgresql/15/bin}"
if [ ! -x "$binary" ]; then
  echo "$0: $binary is missing (scripts/build)" >&2
  exit 69
fi
if [ ! -f "$corpus/plan-reminder.yaml" ]; then
  /usr/bin/python3 "$here/generate_corpus.py" "$corpus" >/dev/null
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/pr-pass-bench.XXXXXX")"
cluster_pointer="$work/cluster"
cleanup() {
  if [ -f "$cluster_pointer" ]; then "$build/tests/pg_test_cluster" stop "$cluster_pointer"; fi
  rm -rf "$work"
}
trap cleanup EXIT

# The generated config with its paths made absolute and the state and Maildir moved to FOLDER;
# relative paths would resolve from FOLDER, where the config now is.
write_config() {  # FOLDER STATE
  mkdir -p "$1"
  sed -e "s|^plans: .*|plans: $corpus/plans/*.yaml|" \
      -e "s|^directory: .*|directory: $corpus/agencies.yaml|" \
      -e "s|^state: .*|state: ${2//&/\\&}|" \
      -e "s|^  maildir: .*|  maildir: $1/Maildir|" \
      "$corpus/plan-reminder.yaml" >"$1/plan-reminder.yaml"
  grep -qF "state: $2" "$1/plan-reminder.yaml"
  grep -qF "  maildir: $1/Maildir" "$1/plan-reminder.yaml"
}

emails() { { find "$1/Maildir/new" "$1/Maildir/cur" -type f 2>/dev/null || true; } | wc -l; }

echo "corpus: $corpus ($(find "$corpus/plans" -name "*.yaml" | wc -l) plan files," \
  "$(du -sh "$corpus/plans" | cut -f1)); $(nproc) cores;" \
  "load average $(cut -d' ' -f1-3 /proc/loadavg)"

rows=()
baseline=""
# Runs COMMAND... under GNU time and adds a row: LABEL ENGINE FOLDER (for emails, or -).
measure() {
  local label="$1" engine="$2" folder="$3"
  shift 3
  local before=0 status=0
  if [ "$folder" != - ]; then before="$(emails "$folder")"; fi
  echo "--- $engine: $label"
  /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$@" >"$work/out" 2>"$work/log" || status=$?
  tail -n 3 "$work/log"
  tail -n 1 "$work/out" | cut -c1-200
  local wall user system peak
  read -r wall user system peak <"$work/time"
  if [ -z "$baseline" ]; then baseline="$wall"; fi
  local ratio sent="" cpu
  ratio="$(awk -v a="$wall" -v b="$baseline" 'BEGIN { printf "%.2f", a / b }')"
  cpu="$(awk -v u="$user" -v s="$system" 'BEGIN { printf "%.2f", u + s }')"
  if [ "$folder" != - ]; then sent="$(($(emails "$folder") - before))"; fi
  rows+=("$(printf '%-11s %-12s %8s %8s %10s %9s %7s %5s' "$engine" "$label" "$wall" "$cpu" \
    "$((peak / 1024)) MiB" "$ratio" "$sent" "$status")")
  if [ "$status" -ne 0 ] && [ "${label#check}" = "$label" ]; then
    echo "$0: $engine $label failed (exit $status)" >&2
    exit 1
  fi
}

measure pyyaml python - /usr/bin/python3 "$here/pyyaml_load.py" "$corpus"

# The daemon's next-day pass: started on FOLDER's config at the send time of Friday 27
# November, stopped once its pass is logged; the row shows the pass's own time.
daemon_pass() {  # ENGINE FOLDER [VAR=VALUE ...]
  local engine="$1" folder="$2"
  shift 2
  local before took="" status=0
  before="$(emails "$folder")"
  echo "--- $engine: daemon pass 2"
  env "$@" "$binary" run --now 2026-11-27 --config "$folder/plan-reminder.yaml" \
    >"$work/daemon.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1500); do  # up to 5 minutes
    took="$(sed -n 's/.*\] pass: .*; took \([0-9.]*\) s$/\1/p' "$work/daemon.log")"
    if [ -n "$took" ] || ! kill -0 "$pid" 2>/dev/null; then break; fi
    sleep 0.2
  done
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" || status=$?
  grep -F "] pass: " "$work/daemon.log" || tail -n 3 "$work/daemon.log"
  if [ -z "$took" ]; then
    echo "$0: $engine: the daemon logged no pass" >&2
    exit 1
  fi
  local ratio
  ratio="$(awk -v a="$took" -v b="$baseline" 'BEGIN { printf "%.2f", a / b }')"
  rows+=("$(printf '%-11s %-12s %8s %8s %10s %9s %7s %5s' "$engine" "daemon pass2" "$took" - - \
    "$ratio" "$(($(emails "$folder") - before))" "$status")")
}

# One engine's commands. `check` exits non-zero when it finds problems in the plans: its exit is
# shown, not fatal. COPY_STATE FOLDER makes FOLDER a copy of the state as pass 1 left it, for
# the daemon's pass.
run_engine() {  # ENGINE FOLDER COPY_STATE [VAR=VALUE ...] (the environment for plan-reminder)
  local engine="$1" folder="$2" copy_state="$3"
  shift 3
  local config="$folder/plan-reminder.yaml"
  measure "check cold" "$engine" - env "$@" "$binary" check --config "$config"
  measure check "$engine" - env "$@" "$binary" check --config "$config"
  measure "agenda json" "$engine" - env "$@" "$binary" agenda --format json \
    --as-of 2026-11-26 --config "$config"
  measure "pass 1" "$engine" "$folder" env "$@" "$binary" run --once --now 2026-11-26 \
    --config "$config" "${extra[@]}"
  "$copy_state" "$folder-daemon"
  sync  # the copy's writes not left to slow the passes' own
  measure "pass 2" "$engine" "$folder" env "$@" "$binary" run --once --now 2026-11-27 \
    --config "$config" "${extra[@]}"
  daemon_pass "$engine" "$folder-daemon" "$@"
}
extra=("$@")

copy_sqlite() {  # FOLDER
  write_config "$1" "$1/state.db"
  cp "$work/sqlite/state.db" "$1/"
  if [ -f "$work/sqlite/state.db.plan-cache" ]; then cp "$work/sqlite/state.db.plan-cache" "$1/"; fi
}
write_config "$work/sqlite" "$work/sqlite/state.db"
run_engine sqlite "$work/sqlite" copy_sqlite
sizes="sqlite state: $(du -k "$work/sqlite/state.db" | cut -f1) KiB"

# Simulated weeks of weekday passes on the SQLite state.
if [ "$weeks" -gt 0 ]; then
  folder="$work/sqlite"
  echo "--- sqlite: $weeks weeks of weekday passes" \
    "(state $(du -k "$folder/state.db" | cut -f1) KiB)"
  day=2026-11-29
  passes=0
  sent=0
  seconds=0
  start_kib="$(du -k "$folder/state.db" | cut -f1)"
  find "$folder/Maildir" -type f -delete
  for week in $(seq 1 "$weeks"); do
    for _ in 1 2 3 4 5 6 7; do
      day="$(date -d "$day + 1 day" +%F)"
      if [ "$(date -d "$day" +%u)" -gt 5 ]; then continue; fi
      /usr/bin/time -f "%e" -o "$work/time" "$binary" run --once --now "$day" \
        --config "$folder/plan-reminder.yaml" "${extra[@]}" 2>"$work/log" || {
        tail -n 5 "$work/log"
        echo "$0: the pass of $day failed" >&2
        exit 1
      }
      seconds="$(awk -v a="$seconds" -v b="$(cat "$work/time")" 'BEGIN { print a + b }')"
      passes=$((passes + 1))
      sent=$((sent + $(emails "$folder")))
      find "$folder/Maildir" -type f -delete
    done
    if [ $((week % 13)) = 0 ] || [ "$week" = "$weeks" ]; then
      echo "  after $week weeks ($day): $passes passes, $sent emails," \
        "$(awk -v s="$seconds" -v n="$passes" 'BEGIN { printf "%.2f", s / n }') s a pass;" \
        "state $(du -k "$folder/state.db" | cut -f1) KiB"
    fi
  done
  end_kib="$(du -k "$folder/state.db" | cut -f1)"
  sizes="$sizes; after $weeks simulated weeks $end_kib KiB"
  sizes="$sizes (+$(((end_kib - start_kib) / 1024)) MiB in $passes passes, $sent emails)"
fi

if [ "$postgres" = 1 ]; then
  PR_TEST_POSTGRES_DURABLE="${PR_TEST_POSTGRES_DURABLE:-1}" \
    "$build/tests/pg_test_cluster" start "$cluster_pointer" >"$work/cluster.out"
  if [ ! -s "$cluster_pointer" ]; then
    echo "$0: no PostgreSQL cluster: $(cat "$work/cluster.out")" >&2
    exit 69
  fi
  host="$(cat "$cluster_pointer")"
  port="$(cat "$host/port")"
  "$pg_bin/createdb" -h "$host" -p "$port" -U postgres bench
  write_config "$work/postgresql" "postgresql://postgres@/bench?host=$host&port=$port"
  mkdir -p "$work/postgresql/cache"
  copy_postgresql() {  # FOLDER
    "$pg_bin/createdb" -h "$host" -p "$port" -U postgres -T bench bench_daemon
    write_config "$1" "postgresql://postgres@/bench_daemon?host=$host&port=$port"
  }
  run_engine postgresql "$work/postgresql" copy_postgresql \
    CACHE_DIRECTORY="$work/postgresql/cache"
  size="$("$pg_bin/psql" -h "$host" -p "$port" -U postgres -d bench -X -A -t \
    -c "SELECT pg_database_size('bench') / 1024")"
  sizes="$sizes; postgresql state: $size KiB (pg_database_size)"
fi

echo
printf '%-11s %-12s %8s %8s %10s %9s %7s %5s\n' engine what "wall s" "CPU s" "peak RSS" \
  "× pyyaml" emails exit
printf '%s\n' "${rows[@]}"
echo "$sizes"
