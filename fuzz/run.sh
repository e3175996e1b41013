#!/usr/bin/env bash
# Runs one fuzz target for a while, seeded from the project's and the shared corpora.
#   fuzz/run.sh mqsc_roundtrip 600     # ten minutes
# Needs a nightly toolchain and cargo-fuzz (cargo install cargo-fuzz). On stable Rust the
# same property runs over every corpus file in `cargo test` (crates/mqsc/tests/corpus_replay.rs).
set -euo pipefail
target=${1:?usage: fuzz/run.sh TARGET SECONDS}
seconds=${2:-60}
cd "$(dirname "$0")"
corpus=corpus/$target
mkdir -p "$corpus"
case $target in
  mqsc_*) for f in ../mqsc/* ../../shared/corpus/mqsc/*; do [ -f "$f" ] && cp -n "$f" "$corpus/"; done ;;
esac
exec cargo +nightly fuzz run "$target" "$corpus" -- -max_total_time="$seconds" -max_len=8192 -timeout=10
