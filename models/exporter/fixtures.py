"""fixtures.json: inputs and expected maps, computed by torch.autograd in float64 the way the
reference implementation does, for the TypeScript parity tests (models/README.md)."""
import copy

import torch

from .prng import seeded_normals
from .reference import cdam_from_residual, integrated_cdam, smooth_cdam
from .vit import ViT

SMOOTH = {'samples': 50, 'noiseLevel': 0.05, 'seed': 1234}
INTEGRATED = {'steps': 50}


def _floats(t) -> list:
    return [float(x) for x in t.detach().double().reshape(-1)]


def make_fixtures(vit: ViT, target_names: list, cases: int = 2, seed: int = 7) -> dict:
    cfg = vit.cfg
    vit64 = copy.deepcopy(vit).double().eval()
    g = torch.Generator().manual_seed(seed)
    out = {'format': 'verdict-fixtures/1', 'tolerance': 1e-5,
           'normals': {'seed': SMOOTH['seed'], 'first': seeded_normals(SMOOTH['seed'], 8)}, 'cases': []}
    for c in range(cases):
        # The model input as the app would give it (float32), then the reference in float64.
        image = torch.randn(1, cfg.in_chans, cfg.img_size, cfg.img_size, generator=g).float()
        with torch.no_grad():
            parts = vit64.forward_parts(image.double())
        residual = parts['residual']
        one_hot = lambda i: torch.nn.functional.one_hot(torch.tensor([i]), cfg.n_outputs).double()  # noqa: E731
        target = max(range(cfg.n_outputs), key=lambda i: float(parts['outputs'][0, i]))
        concept = torch.randn(1, cfg.dim, generator=g, dtype=torch.float64)
        out['cases'].append({
            'name': f'random-{c}',
            'image': _floats(image),
            'outputs': _floats(parts['outputs'][0]),
            'attention': _floats(parts['attention'][0, :, 0, cfg.patch_start:]),
            'residual': _floats(residual[0]),
            'embedding': _floats(parts['embedding'][0]),
            'cdam': {name: _floats(cdam_from_residual(vit64, residual, one_hot(i))) for i, name in enumerate(target_names)},
            'conceptCdam': {'concept': _floats(concept[0]), 'cdam': _floats(cdam_from_residual(vit64, residual, torch.zeros(1, cfg.n_outputs, dtype=torch.float64), concept))},
            'smoothCdam': {'target': target_names[target], **SMOOTH,
                           'cdam': _floats(smooth_cdam(vit64, residual, one_hot(target), SMOOTH['samples'], SMOOTH['noiseLevel'], SMOOTH['seed']))},
            'integratedCdam': {'target': target_names[target], **INTEGRATED,
                               'cdam': _floats(integrated_cdam(vit64, residual, one_hot(target), INTEGRATED['steps']))},
        })
    return out
