#!/usr/bin/env bash
# Runs every fuzz target (or those named as arguments) for FUZZ_SECONDS each (default 600) with cargo-fuzz on
# the nightly toolchain, and prints one line per target: executions, executions per second, corpus size, and
# whether it crashed. Seeds come from fuzz/corpus/TARGET/ (committed, read-only here); what libFuzzer learns
# goes to fuzz/target/work/TARGET/ (not committed). A crash leaves its input in fuzz/artifacts/TARGET/: once
# fixed, copy it to fuzz/regressions/TARGET/ so `cargo test --test fuzz_replay` keeps replaying it.
#
#   FUZZ_SECONDS=60 scripts/fuzz.sh decide state
#   FUZZ_JOBS=2 scripts/fuzz.sh          # two targets at a time (each single-threaded)
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${FUZZ_SECONDS:-600}"
jobs="${FUZZ_JOBS:-1}"
all=(model condition orders_csv decide state recommend_model)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")

nice cargo +nightly fuzz build --fuzz-dir fuzz
mkdir -p fuzz/target/logs

run_one() {
  local target="$1" work="fuzz/target/work/$1" log="fuzz/target/logs/$1.log"
  mkdir -p "$work" "fuzz/artifacts/$target"
  local status=0
  # -rss_limit_mb: a leak or a runaway allocation is a finding; -timeout: so is one slow input.
  nice cargo +nightly fuzz run --fuzz-dir fuzz "$target" "$work" "fuzz/corpus/$target" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=16384 -print_final_stats=1 \
    >"$log" 2>&1 || status=$?
  local runs per_second corpus
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  per_second=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  corpus=$(find "$work" -type f | wc -l)
  if [ "$status" -eq 0 ]; then
    printf '%-16s %10s runs in %ss, %6s exec/s, corpus %s: no crash\n' "$target" "${runs:-?}" "$seconds" \
      "${per_second:-?}" "$corpus"
  else
    printf '%-16s CRASH (status %s) after %s runs: see %s and fuzz/artifacts/%s/\n' "$target" "$status" \
      "${runs:-?}" "$log" "$target"
    return 1
  fi
}

failed=0
running=0
for target in "${targets[@]}"; do
  run_one "$target" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait -n || failed=1
    running=$((running - 1))
  fi
done
while [ "$running" -gt 0 ]; do
  wait -n || failed=1
  running=$((running - 1))
done
exit "$failed"
