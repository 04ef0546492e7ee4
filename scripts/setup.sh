#!/usr/bin/env bash
# Idempotent set-up on a fresh Debian machine; the npm `preserve`/`pretest`/`prebench` hooks
# call it, so `npm run serve` and `npm test` work straight after `git clone`.
#   scripts/setup.sh serve   npm packages only
#   scripts/setup.sh test    + Debian's chromium for the Playwright e2e tests, python3-torch/numpy/onnx for the ViT importer's
#   scripts/setup.sh bench   + Debian's python3-pydicom for the reference timings
set -euo pipefail
cd "$(dirname "$0")/.."
purpose="${1:-serve}"

debs=()
case "$purpose" in
  test)
    [ -x /usr/bin/chromium ] || debs+=(chromium)
    # the ViT importer's tests (tests/importer) run models/exporter with Debian's python3
    # (with OpenBLAS's threaded build: Debian's default BLAS makes torch many times slower)
    { /usr/bin/python3 -c "import torch, numpy, onnx" 2>/dev/null && dpkg -s libopenblas0-pthread >/dev/null 2>&1; } ||
      debs+=(python3-torch python3-numpy python3-onnx libopenblas0-pthread) ;;
  bench) /usr/bin/python3 -c "import pydicom, numpy, torch" 2>/dev/null || debs+=(python3-pydicom python3-numpy python3-torch libopenblas0-pthread) ;;
esac
if [ ${#debs[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing Debian packages: ${debs[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${debs[@]}" >/dev/null
fi

# npm ci when node_modules is missing or older than the lock file. Binary downloads are
# skipped (no internet here): onnxruntime-node ships its CPU build, Electron is optional.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  ONNXRUNTIME_NODE_INSTALL=skip ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci --no-audit --no-fund
fi
