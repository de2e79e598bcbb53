#!/usr/bin/env bash
# Runs every test: native unit tests, wasm tests in headless Chromium, end-to-end tests
# of the built app in headless Chromium with a fake camera and microphone.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test

# Outside the clone, so that a fresh clone (CI) builds incrementally.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ai-interviewer/target}"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-120}"

echo "== format and lints (native and wasm32)"
cargo fmt --all --check
cargo clippy --workspace --all-targets -- -D warnings
cargo clippy --workspace --all-targets --target wasm32-unknown-unknown -- -D warnings

echo "== native tests"
cargo test --workspace

echo "== wasm tests in headless Chromium"
cargo test --target wasm32-unknown-unknown --tests
cargo test --target wasm32-unknown-unknown -p interviewer-vision --tests

echo "== end-to-end tests (app served under /ai-interviewer/; screenshots in test-results/screenshots/)"
dist="$CARGO_TARGET_DIR/e2e-dist"
trunk build --offline --public-url /ai-interviewer/ --dist "$dist"
# The fake camera shows a real face: scikit-image's public-domain astronaut portrait.
face="$CARGO_TARGET_DIR/e2e-face.y4m"
# 10 s loop, the last second without a face (shorter than a calibration dot).
cargo run -q -p interviewer-vision --bin face-clip -- crates/vision/tests/fixtures/astronaut.png "$face" --seconds 10 --face-share 0.9
E2E_FACE_Y4M="$face" E2E_DIST="$dist" node --test --test-concurrency=1 tests/e2e/
