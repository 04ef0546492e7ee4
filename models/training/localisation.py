"""Localisation of patch-grid maps against binary masks (ISIC 2018 Task 2 attribute masks):
pointing game with a tolerance and IoU of the thresholded map, at the model input's resolution.

A map on the g×g patch grid is upsampled to the input size by nearest patch (each patch a
p×p block). Masks (255 = present) are resized to the input size by area averaging (Pillow BOX)
and a pixel counts as present when at least half of its area is.
- pointing game: hit when the centre of the map's maximal patch (first in row-major order on
  ties) lies within `tolerance` px of a mask pixel (15 px per 224 in the literature → 15·S/224);
- IoU: {map ≥ frac · max(map)} against the mask.
An empty mask gives no result (None): there is nothing to point at."""
import numpy as np
from PIL import Image


def load_mask(path, size):
    with Image.open(path) as im:
        a = np.asarray(im.convert('L').resize((size, size), Image.BOX), dtype=np.float64) / 255.0
    return a >= 0.5


def upsample(grid_map, size):
    g = grid_map.shape[-1]
    return np.kron(np.asarray(grid_map, dtype=np.float64), np.ones((size // g, size // g)))


def pointing_hit(grid_map, mask, tolerance):
    if not mask.any():
        return None
    g = grid_map.shape[-1]
    p = mask.shape[0] // g
    r, c = divmod(int(np.argmax(grid_map)), g)
    cy, cx = r * p + (p - 1) / 2, c * p + (p - 1) / 2
    ys, xs = np.nonzero(mask)
    return bool(np.min((ys - cy) ** 2 + (xs - cx) ** 2) <= tolerance ** 2)


def iou(grid_map, mask, frac=0.5):
    if not mask.any():
        return None
    up = upsample(grid_map, mask.shape[0])
    on = up >= frac * up.max()
    return float((on & mask).sum() / (on | mask).sum())
