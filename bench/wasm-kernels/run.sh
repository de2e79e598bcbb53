#!/usr/bin/env bash
# Builds the kernel micro-benchmark for wasm32 (+simd128) and runs it in Node's V8.
set -euo pipefail
cd "$(dirname "$0")"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ai-interviewer/target}/wasm-kernels"
RUSTFLAGS="-C target-feature=+simd128" cargo build -q --release --target wasm32-unknown-unknown
node run.mjs "$CARGO_TARGET_DIR/wasm32-unknown-unknown/release/wasm_kernels.wasm"
