#!/usr/bin/env bash
# Builds the app (release) and serves it on http://127.0.0.1:8080/.
# PUBLIC_URL=/ai-interviewer/ serves it under a sub-path, as on GitHub Pages.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh serve
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ai-interviewer/target}"
exec trunk serve --release --offline --no-autoreload --public-url "${PUBLIC_URL:-/}" "$@"
