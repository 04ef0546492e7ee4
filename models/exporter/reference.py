"""CDAM and its variants the way the reference implementation computes them (obzai/CDAM,
maps.py): torch.autograd with hooks on the last block's norm1, one backward pass per map; Smooth
and Integrated CDAM as loops of separate passes. The exporter checks its tail against these,
the fixtures are made with them, and the benchmark times them."""
import torch

from .prng import seeded_normals, seeded_normals_array
from .vit import ViT


def _norm1_capture(vit: ViT):
    store = {}

    def hook(_module, _inputs, output):
        output.retain_grad()
        store['tokens'] = output

    return store, vit.blocks[-1].norm1.register_forward_hook(hook)


def _score(parts, seed, concept):
    f = (parts['outputs'] * seed).sum()
    if concept is not None:
        f = f + (parts['embedding'] * concept).sum()
    return f


def cdam_from_image(vit: ViT, image, seed, concept=None):
    """CDAM for one image [1, C, H, W]: Σ_d T_id ∂f/∂T_id over patch tokens (not CLS, not registers)."""
    store, handle = _norm1_capture(vit)
    try:
        vit.zero_grad(set_to_none=True)
        parts = vit.forward_parts(image)
        _score(parts, seed, concept).backward()
        t = store['tokens']
        return (t * t.grad).sum(-1)[0, vit.cfg.patch_start:].detach()
    finally:
        handle.remove()


def _last_block_parts(vit: ViT, residual):
    return vit.from_residual(residual)


def cdam_from_residual(vit: ViT, residual, seed, concept=None):
    """CDAM with the residual stream entering the last block given (the 'truncated model')."""
    store, handle = _norm1_capture(vit)
    try:
        vit.zero_grad(set_to_none=True)
        r = residual.detach().clone().requires_grad_(True)
        _score(_last_block_parts(vit, r), seed, concept).backward()
        t = store['tokens']
        return (t * t.grad).sum(-1)[0, vit.cfg.patch_start:].detach()
    finally:
        handle.remove()


def smooth_noise(residual, samples: int, noise_level: float, seed: int):
    """Noise for Smooth CDAM: N(0, σ²) with σ = noise_level·(max − min) of the residual stream,
    from the shared seeded generator, consumed sample → token → dim."""
    std = noise_level * float(residual.max() - residual.min())
    n = residual[0].numel()
    if samples * n > 1_000_000:  # real-size models: the vectorised generator (the same numbers)
        z = torch.from_numpy(seeded_normals_array(seed, samples * n))
    else:
        z = torch.tensor(seeded_normals(seed, samples * n), dtype=torch.float64)
    return (z * std).reshape(samples, *residual.shape[1:]).to(residual.dtype)


def smooth_cdam(vit: ViT, residual, seed_vec, samples=50, noise_level=0.05, seed=0, concept=None):
    noise = smooth_noise(residual, samples, noise_level, seed)
    maps = [cdam_from_residual(vit, residual + noise[i:i + 1], seed_vec, concept) for i in range(samples)]
    return torch.stack(maps).mean(0)


def integrated_cdam(vit: ViT, residual, seed_vec, steps=50, concept=None):
    """maps.py `concept_map_intgrad`: the residual scaled by k/steps for k = 0…steps−1 from a zero
    baseline, step 0 dropped, the CDAM maps averaged."""
    maps = [cdam_from_residual(vit, residual * (k / steps), seed_vec, concept) for k in range(1, steps)]
    return torch.stack(maps).mean(0)
