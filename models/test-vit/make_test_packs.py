"""Two small ViTs with seeded random weights, exported as packs for the parity tests and for
trying the app before the trained demo models exist. They have learned nothing: their maps
exercise the code, not the science.

Run from the repository root:  /usr/bin/python3 models/test-vit/make_test_packs.py
"""
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from exporter.export import export_pack  # noqa: E402
from exporter.vit import ViT, VitConfig  # noqa: E402

CARD_NOTE = 'Random weights: for tests and demonstrations of the software only; its outputs mean nothing.'

LIDC_BIOMARKERS = [
    ('subtlety', 'Subtlety'), ('calcification', 'Calcification'), ('sphericity', 'Sphericity'), ('margin', 'Margin'),
    ('lobulation', 'Lobulation'), ('spiculation', 'Spiculation'), ('texture', 'Texture'), ('malignancy', 'Malignancy (mean rating)'),
]

LIDC = {
    'id': 'test-vit-lidc', 'purpose': 'test', 'version': '0.1.0', 'name': 'Test ViT for LIDC nodule crops (random weights)', 'modality': 'CT',
    'input': {'kind': 'ct-crop', 'channels': 1, 'height': 64, 'width': 64,
              'ct': {'cropPixels': 64, 'window': {'center': -300, 'width': 1400}},
              'normalise': {'mean': [0.5], 'std': [0.25]}},
    'outputs': [
        {'head': 'malignancy-class', 'kind': 'class-logits', 'units': [
            {'name': 'benign', 'label': 'Benign (rating ≤2)'}, {'name': 'malignant', 'label': 'Malignant (rating ≥4)'}]},
        {'head': 'biomarkers', 'kind': 'regression', 'units': [
            {'name': n, 'label': label, 'range': [1, 6] if n == 'calcification' else [1, 5]} for n, label in LIDC_BIOMARKERS]
            + [{'name': 'diameter', 'label': 'Diameter (mm)', 'range': None}]},
    ],
    'card': {'intendedUse': 'Software tests only; not for clinical use.', 'training': 'None (seeded random weights).', 'metrics': {}, 'notes': [CARD_NOTE]},
}

ISIC_CLASSES = [('MEL', 'Melanoma'), ('NV', 'Melanocytic nevus'), ('BCC', 'Basal cell carcinoma'),
                ('AKIEC', 'Actinic keratosis / intraepithelial carcinoma'), ('BKL', 'Benign keratosis'),
                ('DF', 'Dermatofibroma'), ('VASC', 'Vascular lesion')]

ISIC = {
    'id': 'test-vit-isic', 'purpose': 'test', 'version': '0.1.0', 'name': 'Test ViT for ISIC dermoscopy (random weights)', 'modality': 'dermoscopy',
    'input': {'kind': 'rgb-image', 'channels': 3, 'height': 64, 'width': 64,
              'normalise': {'mean': [0.485, 0.456, 0.406], 'std': [0.229, 0.224, 0.225]}},
    'outputs': [{'head': 'diagnosis', 'kind': 'class-logits', 'units': [{'name': n, 'label': label} for n, label in ISIC_CLASSES]}],
    'card': {'intendedUse': 'Software tests only; not for clinical use.', 'training': 'None (seeded random weights).', 'metrics': {}, 'notes': [CARD_NOTE]},
}


def random_vit(in_chans: int, n_outputs: int, seed: int) -> ViT:
    torch.manual_seed(seed)
    vit = ViT(VitConfig(img_size=64, patch_size=8, in_chans=in_chans, dim=48, depth=3, heads=3, n_outputs=n_outputs))
    with torch.no_grad():
        for module in vit.modules():
            if isinstance(module, torch.nn.LayerNorm):
                # Not the identity init: the tail must handle LayerNorm's affine part.
                module.weight.add_(0.2 * torch.randn_like(module.weight))
                module.bias.add_(0.1 * torch.randn_like(module.bias))
        for block in vit.blocks:
            block.attn.qkv.weight.mul_(2.0)  # sharper attention than the default init gives
        vit.pos_embed.normal_(0, 0.5)
    return vit.eval()


if __name__ == '__main__':
    units = lambda spec: sum(len(h['units']) for h in spec['outputs'])  # noqa: E731
    for spec, chans, seed, folder in [(LIDC, 1, 11, 'lidc-pack'), (ISIC, 3, 12, 'isic-pack')]:
        manifest = export_pack(random_vit(chans, units(spec), seed), spec, os.path.join(HERE, folder))
        print(f"{folder}: {manifest['id']} written; tail vs autograd max rel diff {manifest['export']['maxRelDiff']}")
