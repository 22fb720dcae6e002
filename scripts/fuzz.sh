#!/usr/bin/env bash
# `make fuzz`: runs every fuzz target (fuzz/fuzz_targets) for a set time and
# prints the executions of each and in all. Installs what it needs first, each
# step checking before it installs: a nightly Rust toolchain and cargo-fuzz,
# from the Rust distribution and crates.io. Never part of `make test`.
#
#   FUZZ_SECONDS=60 scripts/fuzz.sh            every target, 60 s each
#   FUZZ_SECONDS=600 scripts/fuzz.sh sidecar   one target
#
# New inputs go to fuzz/target/corpus (not committed); the seeds in
# fuzz/corpus stay as they are. A crash is written to fuzz/artifacts/<target>/
# and the script fails: make it a regression test, fix it, run again.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
say() { printf 'fuzz: %s\n' "$*"; }

seconds=${FUZZ_SECONDS:-60}
if ! rustup run nightly rustc --version >/dev/null 2>&1; then
  say "installing a nightly toolchain (libFuzzer needs its sanitizer flags)"
  rustup toolchain install nightly --profile minimal
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  say "installing cargo-fuzz"
  cargo +nightly install cargo-fuzz --locked
fi

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(file_name sidecar series image iwg1 cql2 model_file)
fi
total=0
for target in "${targets[@]}"; do
  work="fuzz/target/corpus/$target"
  mkdir -p "$work"
  say "$target for ${seconds} s"
  log=$(mktemp)
  # Debug assertions on: an arithmetic overflow is a crash, as it would be
  # in a debug build (and a silent wrap in release).
  if ! (cd fuzz && cargo +nightly fuzz run --sanitizer none --debug-assertions "$target" \
        "target/corpus/$target" "corpus/$target" -- \
        -max_total_time="$seconds" -print_final_stats=1 -rss_limit_mb=2048 -timeout=10 \
        >"$log" 2>&1); then
    tail -40 "$log"
    say "$target FAILED: the input is in fuzz/artifacts/$target/"
    exit 1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  say "$target: ${runs:-0} executions, no crash"
  total=$((total + ${runs:-0}))
  rm -f "$log"
done
say "total: $total executions, no crash"
