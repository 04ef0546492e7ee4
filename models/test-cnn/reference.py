"""Reference RISE and occlusion maps of the test CNN, computed in torch (not ONNX Runtime) for
main/services/explain/methods/black-box-methods.test.ts, which compares them with Verdict's.

Reads a JSON request from argv[1]: {"image": [C*H*W normalised floats], "height", "width",
"target": class index, "rise": {"seed", "masks", "cells", "keep"}, "occlusion": [{"window",
"stride", "baseline"}, ...]}; prints {"probability", "rise", "occlusion": [...]} as JSON.

RISE (Petsiuk et al., BMVC 2018; eclique/RISE explanations.py): the masks come from the same
mulberry32 stream as Verdict's (models/exporter/prng.py; per mask s*s cell draws, kept when
u < p, then the row and column shifts floor(u*cell)), but the upsampling is done here another
way: the grid is padded by one cell with numpy's 'reflect' (skimage resize mode 'reflect' is
ndimage's 'mirror', i.e. this) and sampled with torch grid_sample (bilinear, align_corners=True)
at skimage's source coordinates (o + 1/2)*s/((s+1)*cell) - 1/2, shifted by the crop.
saliency = sum_i p_target(x * m_i) m_i / (N p), p the softmax of the logits.

Occlusion (Zeiler & Fergus 2014; Captum's Occlusion): windows at 0, stride, ... while they fit,
all channels set to the baseline; each pixel's value is the sum of f(x) - f(x occluded) over the
windows covering it divided by their count (Captum's use_weights), 0 where no window covers it
(Captum: 0/0).
"""
import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))
from make_test_cnn import TestCnn  # noqa: E402
from exporter.prng import mulberry32  # noqa: E402


def load_model() -> TestCnn:
    model = TestCnn()
    model.load_state_dict(torch.load(os.path.join(HERE, "weights.pt")))
    return model.eval()


def probabilities(model, x: torch.Tensor, target: int) -> torch.Tensor:
    with torch.no_grad():
        return torch.softmax(model(x).double(), dim=1)[:, target]


def rise_masks(seed: int, n: int, s: int, p: float, h: int, w: int) -> torch.Tensor:
    uniform = mulberry32(seed)
    cell_h, cell_w = math.ceil(h / s), math.ceil(w / s)
    up_h, up_w = (s + 1) * cell_h, (s + 1) * cell_w
    masks = torch.empty(n, h, w, dtype=torch.float64)
    for i in range(n):
        grid = np.array([1.0 if uniform() < p else 0.0 for _ in range(s * s)]).reshape(s, s)
        dx = math.floor(uniform() * cell_h)
        dy = math.floor(uniform() * cell_w)
        padded = torch.from_numpy(np.pad(grid, 1, mode="reflect"))[None, None]  # (s+2) x (s+2)
        # Source coordinates in the padded grid (+1), normalised for align_corners=True over s+2 cells.
        rows = (torch.arange(h, dtype=torch.float64) + dx + 0.5) * s / up_h - 0.5 + 1
        cols = (torch.arange(w, dtype=torch.float64) + dy + 0.5) * s / up_w - 0.5 + 1
        gy = rows / (s + 1) * 2 - 1
        gx = cols / (s + 1) * 2 - 1
        sample = torch.stack(torch.meshgrid(gx, gy, indexing="xy"), dim=-1)[None]  # (1, h, w, 2): x then y
        masks[i] = F.grid_sample(padded, sample, mode="bilinear", align_corners=True)[0, 0]
    return masks


def rise(model, x: torch.Tensor, target: int, seed: int, n: int, s: int, p: float) -> np.ndarray:
    _, h, w = x.shape
    masks = rise_masks(seed, n, s, p, h, w)
    scores = torch.cat([probabilities(model, (x[None] * masks[i : i + 50, None]).float(), target) for i in range(0, n, 50)])
    return (scores[:, None, None] * masks).sum(0).numpy() / n / p


def occlusion(model, x: torch.Tensor, target: int, window: int, stride: int, baseline: float) -> np.ndarray:
    c, h, w = x.shape
    f0 = probabilities(model, x[None], target)[0]
    total = torch.zeros(h, w, dtype=torch.float64)
    count = torch.zeros(h, w, dtype=torch.float64)
    for y in range(0, h - window + 1, stride):
        for x0 in range(0, w - window + 1, stride):
            occluded = x.clone()
            occluded[:, y : y + window, x0 : x0 + window] = baseline
            drop = f0 - probabilities(model, occluded[None], target)[0]
            total[y : y + window, x0 : x0 + window] += drop
            count[y : y + window, x0 : x0 + window] += 1
    out = total / count
    out[count == 0] = 0.0
    return out.numpy()


def main() -> None:
    torch.set_num_threads(1)
    with open(sys.argv[1]) as f:
        req = json.load(f)
    h, w = req["height"], req["width"]
    x = torch.tensor(req["image"], dtype=torch.float32).reshape(-1, h, w)
    model = load_model()
    t = req["target"]
    r = req["rise"]
    out = {
        "probability": float(probabilities(model, x[None], t)[0]),
        "rise": rise(model, x, t, r["seed"], r["masks"], r["cells"], r["keep"]).ravel().tolist(),
        "occlusion": [occlusion(model, x, t, o["window"], o["stride"], o["baseline"]).ravel().tolist() for o in req["occlusion"]],
    }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
