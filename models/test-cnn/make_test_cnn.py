"""The test CNN: a tiny classifier with seeded random weights (3 conv layers, global average
pooling, a linear head; 64x64 RGB input, the 7 ISIC classes), exported to ONNX under tensor names
of its own (`input` -> `logits`, not the ViT packs' `image` -> `outputs`) and packed with
`verdict model pack`, the path a user's ONNX classifier takes (models/README.md, "Black-box packs").

Writes models/test-cnn/weights.pt (the state dict: the reference tests rebuild the model in
torch from it, see reference.py) and models/test-cnn/pack/ (model.onnx, card.md, manifest.json).
For software tests only: its outputs mean nothing.

    /usr/bin/python3 models/test-cnn/make_test_cnn.py     (from the repository root)
"""
import os
import shutil
import subprocess
import sys
import tempfile

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SIZE = 64
LABELS = [
    ("MEL", "Melanoma"),
    ("NV", "Melanocytic nevus"),
    ("BCC", "Basal cell carcinoma"),
    ("AKIEC", "Actinic keratosis / intraepithelial carcinoma"),
    ("BKL", "Benign keratosis"),
    ("DF", "Dermatofibroma"),
    ("VASC", "Vascular lesion"),
]


class TestCnn(nn.Module):
    def __init__(self, classes: int = len(LABELS)):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 8, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(16, 16, 3, padding=1),
            nn.ReLU(),
        )
        self.head = nn.Linear(16, classes)

    def forward(self, x):
        return self.head(self.features(x).mean(dim=(2, 3)))


def build(seed: int = 0) -> TestCnn:
    torch.manual_seed(seed)
    model = TestCnn()
    with torch.no_grad():
        # A larger head than the default init, so the classes' probabilities differ across images.
        model.head.weight.mul_(8.0)
    return model.eval()


def main() -> None:
    torch.set_num_threads(1)
    model = build()
    torch.save(model.state_dict(), os.path.join(HERE, "weights.pt"))
    work = tempfile.mkdtemp(prefix="test-cnn-")
    try:
        onnx_path = os.path.join(work, "test-cnn.onnx")
        torch.onnx.export(
            model,
            torch.zeros(1, 3, SIZE, SIZE),
            onnx_path,
            input_names=["input"],
            output_names=["logits"],
            dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
            opset_version=17,
        )
        labels = os.path.join(work, "labels.txt")
        with open(labels, "w") as f:
            f.write("".join(f"{name}\t{label}\n" for name, label in LABELS))
        out = os.path.join(HERE, "pack")
        shutil.rmtree(out, ignore_errors=True)
        subprocess.run(
            [
                "node", os.path.join(ROOT, "bin", "verdict.js"), "model", "pack",
                "--onnx", onnx_path, "--modality", "dermoscopy", "--input", str(SIZE),
                "--normalise", "imagenet", "--labels", labels, "--out", out,
                "--id", "test-cnn-isic", "--name", "Test CNN for ISIC dermoscopy (random weights)",
                "--purpose", "test",
                "--intended-use", "Software tests only; not for clinical use.",
                "--training", "None (seeded random weights, torch.manual_seed(0)).",
                "--note", "Random weights: for tests of black-box packs and methods only; its outputs mean nothing.",
                "--note", "Built by models/test-cnn/make_test_cnn.py (3 conv layers, global average pooling, linear head).",
            ],
            check=True,
            cwd=ROOT,
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
