#!/usr/bin/env bash
# Generates the synthetic national corpus (1,500 plans, 100,000 milestones, ~61 MB) once, then
# times load + validate + agenda and a one-file reload, with peak memory from GNU time.
#   tests/bench/run_load_bench.sh [BUILD_DIR]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:-$here/../../build}"
corpus="$build/bench-corpus"
if [ ! -f "$corpus/plan-reminder.yaml" ]; then
  /usr/bin/python3 "$here/generate_corpus.py" "$corpus" >/dev/null
fi
du -sh "$corpus/plans"
for run in 1 2 3; do
  echo "--- run $run"
  /usr/bin/time -f "wall %e s, user %U s, system %S s, max resident %M KiB" \
    "$build/tests/bench/plan-reminder-load-bench" "$corpus/plan-reminder.yaml"
done
