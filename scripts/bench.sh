#!/usr/bin/env bash
# The benchmark (not a test; see BENCHMARKS.md): per-model ms natively and in headless
# Chromium (tract wasm vs onnxruntime-web), the whole per-frame pipeline next to
# @vladmandic/human and @vladmandic/face-api, download sizes, start-up, main-thread long
# tasks and memory during fake-camera interviews. Prints markdown tables.
#   BENCH_MEMORY_MIN=0 skips the 10-minute interview; BENCH_RUNS, BENCH_FRAMES as named;
#   BENCH_VARIANTS=DIR also times the model files in DIR (e.g. quantize.py outputs).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ai-interviewer/target}"
out="$CARGO_TARGET_DIR/bench"
mkdir -p "$out"

# The libraries compared with, from npm (bench/package-lock.json), served locally.
(cd bench && { [ -d node_modules/onnxruntime-web ] || npm ci --no-audit --no-fund; })

echo "== native: tract per model (release)" >&2
cargo run -q --release -p interviewer-vision --bin model-bench -- --runs "${BENCH_RUNS:-100}" > "$out/native.jsonl"

echo "== the app, release build (as scripts/serve.sh builds it)" >&2
# --all-features: the inference worker's `bench` feature (its timing and profiling handlers).
trunk build --offline --release --all-features --public-url /ai-interviewer/ --dist "$out/dist" >&2

echo "== the fake camera's clip: a real face, 640x480, 15 fps" >&2
cargo run -q --release -p interviewer-vision --bin face-clip -- crates/vision/tests/fixtures/astronaut.png "$out/face.y4m" --seconds 10 --face-share 1
espeak-ng -s 150 -w "$out/answer.wav" "I led a small team that rebuilt our billing system. We shipped it in three months, and errors fell by half."

node bench/run.mjs --dist "$out/dist" --clip "$out/face.y4m" --wav "$out/answer.wav" --native "$out/native.jsonl" \
  --runs "${BENCH_RUNS:-100}" --frames "${BENCH_FRAMES:-200}" --interview-s 60 --memory-min "${BENCH_MEMORY_MIN:-10}" \
  ${BENCH_WRITE:+--write "$BENCH_WRITE"} ${BENCH_VARIANTS:+--variants "$BENCH_VARIANTS"}
