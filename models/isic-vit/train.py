"""Trains the demo ISIC dermoscopy ViT (seven ISIC 2018 Task 3 diagnoses) from scratch on
../shared/data/isic and exports it (and its randomized-weights sanity copy) as model packs.

    /usr/bin/python3 models/isic-vit/train.py [--minutes 40] [--data ../shared/data]

Seeded; split by lesion_id 70/15/15, the bundled demo images' lesions always in the test part.
Class-balanced cross-entropy (weights inversely proportional to class frequency in training);
augmentation: rotation by any angle, flips, shifts of up to 4 pixels, brightness/contrast jitter.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, 'models'))

from exporter.export import export_pack  # noqa: E402
from exporter.vit import ViT, VitConfig  # noqa: E402
from training import data_isic  # noqa: E402
from training.augment import random_affine  # noqa: E402
from training.loop import train  # noqa: E402
from training.isic_eval import MEAN, STD, evaluate, predict, to_input  # noqa: E402,F401
from training.metrics import balanced_accuracy  # noqa: E402
from training.sanity import randomized_copy, sanity_correlation  # noqa: E402
from training.splits import split_groups  # noqa: E402

SEED = 20261122
SIZE = 64
NAMES = {'MEL': 'Melanoma', 'NV': 'Melanocytic nevus', 'BCC': 'Basal cell carcinoma', 'AKIEC': 'Actinic keratosis / intraepithelial carcinoma',
         'BKL': 'Benign keratosis', 'DF': 'Dermatofibroma', 'VASC': 'Vascular lesion'}
CONFIG = VitConfig(img_size=SIZE, patch_size=8, in_chans=3, dim=128, depth=6, heads=4, n_outputs=len(data_isic.CLASSES))



def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', default=os.path.join(ROOT, '..', 'shared', 'data'))
    ap.add_argument('--minutes', type=float, default=40)
    ap.add_argument('--epochs', type=int, default=60)
    args = ap.parse_args()
    torch.manual_seed(SEED)
    torch.set_num_threads(2)
    t0 = time.time()
    d = data_isic.load(args.data, SIZE, os.path.join(HERE, '.cache'))
    tr, va, te = split_groups(d['lesions'], seed=SEED, force_test=data_isic.demo_lesions(ROOT))
    images, labels = d['images'], torch.from_numpy(d['labels'])
    counts = torch.bincount(labels[tr], minlength=len(data_isic.CLASSES)).float()
    class_weight = counts.sum() / (len(counts) * counts)
    print(f'{len(tr)}/{len(va)}/{len(te)} images (train/val/test); training counts {counts.tolist()}')

    model = ViT(CONFIG)
    g = torch.Generator().manual_seed(SEED)
    train_x = to_input(images[tr])
    train_y = labels[tr]

    def batches(epoch):
        order = torch.randperm(len(tr), generator=g)
        for i in range(0, len(order) - 31, 64):
            idx = order[i:i + 64]
            x = random_affine(train_x[idx], SIZE, 4.0, g)
            b = len(idx)
            x = x * (1 + (torch.rand(b, 1, 1, 1, generator=g) * 2 - 1) * 0.15) + (torch.rand(b, 1, 1, 1, generator=g) * 2 - 1) * 0.2
            y = train_y[idx]
            yield lambda m, x=x, y=y: torch.nn.functional.cross_entropy(m(x), y, weight=class_weight, label_smoothing=0.05)

    def val_score():
        logits = predict(model, images[va])
        return balanced_accuracy(logits.argmax(1).numpy(), d['labels'][va], len(data_isic.CLASSES))

    model, history = train(model, batches, val_score, epochs=args.epochs, lr=1e-3, budget_s=args.minutes * 60)
    model.eval()
    minutes = (time.time() - t0) / 60
    metrics = evaluate(predict(model, images[te]), d['labels'][te])
    print(json.dumps(metrics, indent=1))
    sample = sorted(te)[:300]
    sample_metrics = evaluate(predict(model, images[sample]), d['labels'][sample])
    torch.save(model.state_dict(), os.path.join(HERE, 'weights.pt'))

    spec = {
        'id': 'isic-vit', 'version': '1.0.0', 'name': 'ISIC dermoscopy ViT (7 diagnoses)', 'modality': 'dermoscopy',
        'input': {'kind': 'rgb-image', 'channels': 3, 'height': SIZE, 'width': SIZE, 'normalise': {'mean': MEAN, 'std': STD}},
        'outputs': [{'head': 'diagnosis', 'kind': 'class-logits', 'units': [{'name': c, 'label': NAMES[c]} for c in data_isic.CLASSES]}],
        'card': {
            'intendedUse': 'Research demonstration of explanation methods in Verdict; not for clinical use.',
            'training': (f'From scratch on {len(tr)} HAM10000/ISIC 2018 images, validation {len(va)}, test {len(te)}, split by lesion_id, '
                         f'seed {SEED}; whole image resized to {SIZE}×{SIZE}; ViT patch 8, dim {CONFIG.dim}, depth {CONFIG.depth}, '
                         f'{CONFIG.heads} heads; class-balanced cross-entropy; AdamW, {len(history)} epochs, {minutes:.1f} min on a 2-core CPU.'),
            'metrics': {**{k: round(v, 4) for k, v in metrics.items()}, 'test images': len(te)},
            'notes': ['ExpLICD-style models with pretrained backbones report balanced accuracy around 0.8; this one is small, low-resolution and trained from scratch on CPU.'],
        },
    }
    export_pack(model, spec, os.path.join(HERE, 'pack'))
    with open(os.path.join(HERE, 'pack-evaluation.json'), 'w') as f:
        json.dump({'data': 'isic/ham10000-224', 'images': [d['ids'][i] for i in sample], 'metrics': sample_metrics, 'tolerance': 0.02}, f, indent=1)

    random_model = randomized_copy(model, seed=SEED + 1)
    sanity_images = sorted(te)[:300]
    rho = sanity_correlation(model, random_model, [to_input(images[i:i + 1]) for i in sanity_images], target=None,
                             targets=[int(d['labels'][i]) for i in sanity_images])
    random_spec = {**spec, 'purpose': 'sanity-check', 'id': 'isic-vit-randomized', 'name': 'ISIC dermoscopy ViT — randomized weights (sanity check)',
                   'card': {**spec['card'], 'training': 'The ISIC dermoscopy ViT with every weight re-initialised at random (Adebayo et al., model randomisation test).',
                            'metrics': {'Spearman ρ of CDAM (true class) with the trained model, 300 test images (mean)': round(rho['mean'], 4),
                                        '… median': round(rho['median'], 4)},
                            'notes': ['Hidden catch trials: its maps should not look like evidence.']}}
    export_pack(random_model, random_spec, os.path.join(HERE, 'randomized-pack'))
    with open(os.path.join(HERE, 'training-log.json'), 'w') as f:
        json.dump({'history': history, 'test': metrics, 'sanity': rho, 'minutes': minutes}, f, indent=1)
    print(f'done in {minutes:.1f} min; sanity Spearman ρ mean {rho["mean"]:.3f}')


if __name__ == '__main__':
    main()
