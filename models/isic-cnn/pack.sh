#!/usr/bin/env bash
# Exports the trained demo CNN (weights.pt) and writes its black-box pack with CAM,
# models/isic-cnn/pack/, with `verdict model pack` — the path a user's CNN takes:
#   bash models/isic-cnn/pack.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
out=models/isic-cnn/.cache/export
/usr/bin/python3 models/isic-cnn/export.py --out "$out"
rm -rf models/isic-cnn/pack
npx tsx main/cli/verdict.ts model pack --onnx "$out/model.onnx" --modality dermoscopy --input 128 --normalise imagenet \
  --labels "$out/labels.txt" --out models/isic-cnn/pack --id isic-cnn --name 'ISIC dermoscopy CNN (7 diagnoses)' \
  --card "$out/card.json" --cam-features features --cam-head "$out/cam-head.json" --fixtures "$out/fixtures.json"
