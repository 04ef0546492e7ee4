"""The exporter's gate: the explicit-gradient tail must equal torch.autograd's CDAM, and the
backbone graph (whose last block runs for the CLS query only) the plain model's forward pass."""
import copy

import torch

from .reference import cdam_from_image
from .tail import Backbone, make_tail
from .vit import ViT


def max_rel_diff(ours, reference) -> float:
    """max |ours − reference| / max |reference|: relative to the map's scale, not per element
    (elements near zero would make a per-element ratio meaningless)."""
    scale = float(reference.abs().max())
    return float((ours.double() - reference.double()).abs().max()) / (scale if scale > 0 else 1.0)


def verify_tail(vit: ViT, trials: int = 4, tolerance: float = 1e-5, seed: int = 0) -> dict:
    """Random images, random seeds over the outputs and random concept vectors: the float32 tail
    (as exported) and its float64 twin against autograd in float64. Raises if any differs."""
    cfg = vit.cfg
    vit64 = copy.deepcopy(vit).double().eval()
    tail32 = make_tail(vit).eval()
    tail64 = make_tail(vit64).double().eval()
    g = torch.Generator().manual_seed(seed)
    backbone64 = Backbone(vit64).double().eval()
    worst32 = worst64 = worst_out = worst_backbone = 0.0
    for _ in range(trials):
        image = torch.randn(1, cfg.in_chans, cfg.img_size, cfg.img_size, generator=g, dtype=torch.float64)
        seed_vec = torch.randn(1, cfg.n_outputs, generator=g, dtype=torch.float64)
        concept = torch.randn(1, cfg.dim, generator=g, dtype=torch.float64)
        expected = cdam_from_image(vit64, image, seed_vec, concept)
        with torch.no_grad():
            parts = vit64.forward_parts(image)
            out64, cdam64 = tail64(parts['residual'], seed_vec, concept)
            out32, cdam32 = tail32(parts['residual'].float(), seed_vec.float(), concept.float())
        worst64 = max(worst64, max_rel_diff(cdam64[0], expected))
        worst32 = max(worst32, max_rel_diff(cdam32[0], expected))
        worst_out = max(worst_out, max_rel_diff(out32[0], parts['outputs'][0]))
        with torch.no_grad():
            b_out, b_attn, b_res, b_emb = backbone64(image)
        worst_backbone = max(worst_backbone, max_rel_diff(b_out[0], parts['outputs'][0]), max_rel_diff(b_attn[0], parts['attention'][0, :, 0, cfg.patch_start:]),
                             max_rel_diff(b_res[0], parts['residual'][0]), max_rel_diff(b_emb[0], parts['embedding'][0]))
    result = {'cdam_float64': worst64, 'cdam_float32': worst32, 'outputs_float32': worst_out, 'backbone_float64': worst_backbone}
    if worst64 > 1e-9 or worst_backbone > 1e-9 or worst32 > tolerance or worst_out > tolerance:
        raise ValueError(f'the explicit CDAM tail differs from torch.autograd: {result} (tolerance {tolerance})')
    return result
