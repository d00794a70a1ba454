#!/usr/bin/env bash
# Times `plan-reminder run --once` over the synthetic national corpus (1,500 plans, 100,000
# milestones; generate_corpus.py, generated once into BUILD_DIR/bench-corpus), with a fresh
# state database and a Maildir transport in a temporary folder:
#   pass 1 on Thursday 26 November 2026: a national catch-up (every plan first loaded with its
#          history: only the latest stage of each milestone, many emails);
#   pass 2 on Friday 27 November 2026, the next business day, over the same state.
# Reports wall time, CPU, peak resident memory (GNU time) and the emails written.
#   tests/bench/run_pass_bench.sh [BUILD_DIR] [-- extra arguments for plan-reminder run]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="$here/../../build"
if [ $# -gt 0 ] && [ "$1" != "--" ]; then build="$1"; shift; fi
if [ $# -gt 0 ] && [ "$1" = "--" ]; then shift; fi
build="$(cd "$build" && pwd)"
binary="$build/daemon/plan-reminder"
corpus="$build/bench-corpus"
if [ ! -x "$binary" ]; then
  echo "$0: $binary is missing (scripts/build)" >&2
  exit 69
fi
if [ ! -f "$corpus/plan-reminder.yaml" ]; then
  /usr/bin/python3 "$here/generate_corpus.py" "$corpus" >/dev/null
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/pr-pass-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT
# The generated config with its paths made absolute and state and Maildir moved to $work;
# relative paths would resolve from $work, where the config now is.
sed -e "s|^plans: .*|plans: $corpus/plans/*.yaml|" \
    -e "s|^directory: .*|directory: $corpus/agencies.yaml|" \
    -e "s|^state: .*|state: $work/state.db|" \
    -e "s|^  maildir: .*|  maildir: $work/Maildir|" \
    "$corpus/plan-reminder.yaml" >"$work/plan-reminder.yaml"
grep -q "^state: $work/state.db" "$work/plan-reminder.yaml"
grep -q "^  maildir: $work/Maildir" "$work/plan-reminder.yaml"

emails() { { find "$work/Maildir/new" "$work/Maildir/cur" -type f 2>/dev/null || true; } | wc -l; }

echo "corpus: $corpus ($(find "$corpus/plans" -name "*.yaml" | wc -l) plan files," \
  "$(du -sh "$corpus/plans" | cut -f1));" \
  "$(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
rows=()
pass=0
for now in 2026-11-26 2026-11-27; do
  pass=$((pass + 1))
  before="$(emails)"
  echo "--- pass $pass: plan-reminder run --once --now $now"
  status=0
  /usr/bin/time -f "%e s %M KiB (user %U s, system %S s)" -o "$work/time" \
    "$binary" run --once --now "$now" --config "$work/plan-reminder.yaml" "$@" \
    2>"$work/log" || status=$?
  tail -n 5 "$work/log"
  after="$(emails)"
  bytes="$(du -sk "$work/Maildir" 2>/dev/null | cut -f1)"
  largest="$({ find "$work/Maildir" -type f -printf '%s\n' 2>/dev/null || true; } | sort -n | tail -1)"
  echo "  exit $status; $(cat "$work/time"); $((after - before)) emails written;" \
    "Maildir ${bytes:-0} KiB (largest email so far ${largest:-0} bytes);" \
    "state $(du -k "$work/state.db" | cut -f1) KiB"
  read -r wall _ peak _ _ <"$work/time"
  rows+=("$(printf '%-4s %-12s %9s %12s %10s %6s' "$pass" "$now" "$wall" \
    "$((peak / 1024)) MiB" "$((after - before))" "$status")")
  if [ "$status" -ne 0 ]; then
    echo "$0: pass $pass failed" >&2
    exit 1
  fi
done
echo
printf '%-4s %-12s %9s %12s %10s %6s\n' pass "--now" "wall s" "peak RSS" emails exit
printf '%s\n' "${rows[@]}"
