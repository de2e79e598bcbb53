#!/usr/bin/env bash
# Face pipeline benchmark (not a test): milliseconds per stage and per frame, natively
# (tract, release) and in headless Chromium (tract compiled to wasm32 with +simd128).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ai-interviewer/target}"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-300}"
clip="$CARGO_TARGET_DIR/bench-face.y4m"

echo "== native (release): a 640x480 clip of a real face, 6 s at 15 fps, 30% without a face"
cargo run -q --release -p interviewer-vision --bin face-clip -- crates/vision/tests/fixtures/astronaut.png "$clip"
cargo run -q --release -p interviewer-vision --bin analyse-video -- "$clip" --out /dev/null
cargo run -q --release -p interviewer-vision --bin analyse-video -- "$clip" --out /dev/null --both-irises

echo "== wasm32 +simd128 in headless Chromium (release)"
# no -q: cargo would pass --quiet on to wasm-bindgen-test-runner, which refuses it
cargo test --release --target wasm32-unknown-unknown -p interviewer-vision --test wasm_face -- \
  --include-ignored --nocapture bench_face_pipeline 2>&1 | grep -v '^$' | grep -v '^test result' || true
