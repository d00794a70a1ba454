#!/usr/bin/env bash
# High-availability trials beyond CI's 20: two daemons on one PostgreSQL state, the leader
# killed, its lock session cut or the process paused at a random moment of a ~500-message batch
# (tests/integration/test_ha.py), repeated TRIALS times with a given seed.
#
#   tests/bench/run_ha_bench.sh [--trials N] [--seed S] [--agencies N] [BUILD_DIR]
#
# Defaults: 100 trials (70 killed, 15 cut, 15 paused), seed 12, 500 agencies. Each trial prints
# its fault, when it struck, the messages delivered and how many arrived twice; the run fails
# on a trial that loses a message or sends one twice that was not in flight. Two trials run at
# once (PR_HA_LANES in the environment changes that).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
trials=100
seed=12
agencies=500
build="$here/../../build"
while [ $# -gt 0 ]; do
  case "$1" in
    --trials) trials="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --agencies) agencies="$2"; shift 2 ;;
    -*) echo "usage: $0 [--trials N] [--seed S] [--agencies N] [BUILD_DIR]" >&2; exit 64 ;;
    *) build="$1"; shift ;;
  esac
done
binary="$(cd "$build" && pwd)/daemon/plan-reminder"
if [ ! -x "$binary" ]; then
  echo "no $binary: build first (cmake -S . -B build -G Ninja && ninja -C build)" >&2
  exit 69
fi
cd "$here/../integration"
PR_BINARY="$binary" PR_SOURCE_DIR="$(cd "$here/../.." && pwd)" PR_HA_TRIALS="$trials" \
  PR_HA_SEED="$seed" PR_HA_AGENCIES="$agencies" PYTHONDONTWRITEBYTECODE=1 \
  /usr/bin/python3 -B -m unittest -v test_ha.HighAvailability
