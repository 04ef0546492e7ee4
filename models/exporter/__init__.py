"""Verdict's model-pack exporter: a timm/DINO-style ViT, its explicit-gradient CDAM tail, and
the writer of packs (manifest.json, backbone.onnx, tail.onnx, fixtures.json). See ../README.md."""
