#!/usr/bin/env bash
# Runs one fuzz target for a while, seeded from the project's and the shared corpora.
#   fuzz/run.sh mqsc_roundtrip 600     # ten minutes
# Targets: mqsc_roundtrip, dn_roundtrip, sslpeer_diff, ccdt_binary, ccdt_json, frame_decode,
# ops_decode, transfer_decode, channel_start, fap_decode.
# Needs a nightly toolchain and cargo-fuzz (cargo install cargo-fuzz). On stable Rust every
# target's property runs in `cargo test` for a short time on mutated seeds
# (crates/cli/tests/integration/fuzz_smoke.rs; MQTLS_FUZZ_SECONDS per target, default 1) and
# over every corpus file (crates/mqsc/tests/corpus_replay.rs).
set -euo pipefail
target=${1:?usage: fuzz/run.sh TARGET SECONDS}
seconds=${2:-60}
cd "$(dirname "$0")"
corpus=corpus/$target
mkdir -p "$corpus"
case $target in
  mqsc_*) for f in ../mqsc/* ../../shared/corpus/mqsc/*; do [ -f "$f" ] && cp -n "$f" "$corpus/"; done ;;
  ccdt_*) for f in ../ccdt/* ../../shared/corpus/ccdt-json/* ../../shared/corpus/ccdt-bin/*; do [ -f "$f" ] && cp -n "$f" "$corpus/"; done ;;
  dn_*|sslpeer_*)
    # Seeds: SSLPEER values and DNs from the corpus and the RFC 4514 examples.
    i=0
    while IFS= read -r seed; do
      i=$((i + 1)); printf '%b' "$seed" > "$corpus/seed-$i"
    done <<'SEEDS'
CN=Client,OU=MQ,O=IBM,C=US\nCN=Client,OU=MQ,O=IBM,C=US
CN=mqclient1\nCN=MQCLIENT1,O=example
CN=John*,OU=Test,OU=Sales;C=GB\nE=john@example.com,CN=John Smith,OU=Test,OU=Sales,O=IBM,C=GB
DC=example,DC=net\nUID=jsmith,DC=example,DC=net
CN=*Smith\nOU=Sales+CN=J.  Smith,DC=example,DC=net
CN="James, Jim"\nCN=James \\"Jim\\" Smith\\, III,DC=example,DC=net
1.3.6.1.4.1.1466.0=#04024869\nCN=Lu\\C4\\8Di\\C4\\87
SEEDS
    ;;
esac
exec cargo +nightly fuzz run "$target" "$corpus" -- -max_total_time="$seconds" -max_len=8192 -timeout=10
