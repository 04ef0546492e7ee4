"""Model randomisation test (Adebayo et al., "Sanity Checks for Saliency Maps", NeurIPS 2018):
the same architecture with every weight re-initialised; its CDAM maps are compared with the
trained model's by Spearman rank correlation (low ρ: the explanation depends on the weights)."""
import copy

import numpy as np
import torch

from exporter.reference import cdam_from_image
from exporter.vit import ViT
from .metrics import spearman


def randomized_copy(model: ViT, seed: int) -> ViT:
    torch.manual_seed(seed)
    return ViT(model.cfg).eval()


def sanity_correlation(trained: ViT, randomized: ViT, images, target, targets=None) -> dict:
    """Spearman ρ per image between the two models' CDAM maps for `target` (or targets[i])."""
    rhos = []
    for i, x in enumerate(images):
        t = targets[i] if targets is not None else target
        seed = torch.nn.functional.one_hot(torch.tensor([t]), trained.cfg.n_outputs).float()
        a = cdam_from_image(trained, x, seed)
        b = cdam_from_image(randomized, x, seed)
        rhos.append(spearman(a.numpy(), b.numpy()))
    rhos = np.array(rhos)
    return {'mean': float(np.nanmean(rhos)), 'median': float(np.nanmedian(rhos)), 'n': int(len(rhos))}
