"""Trains the demo LIDC nodule ViT from scratch on ../shared/data/lidc/nodule-crops and exports
it (and its randomized-weights sanity copy) as model packs.

    /usr/bin/python3 models/lidc-vit/train.py [--minutes 40] [--data ../shared/data]

Seeded and reproducible on one machine (torch CPU, 2 threads). Split by patient
(StudyInstanceUID) 70/15/15; LIDC-IDRI-0001 (the bundled demo case) is always in the test part.
Outputs: malignancy as two logits (benign = rating ≤2, malignant = ≥4; ratings of 3 do not train
this head), and regression of the mean rating of subtlety, calcification, sphericity, margin,
lobulation, spiculation, texture and malignancy, and of the diameter (mm) — see
models/training/data_lidc.py. Augmentation: rotation by any angle, flips, shifts of up to 3
pixels, HU window jitter.
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
sys.path.insert(0, HERE)

from exporter.export import export_pack  # noqa: E402
from exporter.vit import ViT, VitConfig  # noqa: E402
from training import data_lidc  # noqa: E402
from training.augment import centre_crop, random_affine, window  # noqa: E402
from training.loop import train  # noqa: E402
from training.metrics import mae, roc_auc  # noqa: E402
from training.sanity import randomized_copy, sanity_correlation  # noqa: E402
from training.splits import split_groups  # noqa: E402
from evaluation import write_pack_evaluation  # noqa: E402

SEED = 20261122
SIZE = 64
WINDOW = (-300.0, 1400.0)  # centre, width: −1000 … 400 HU
UNITS = {'subtlety': ('Subtlety', [1, 5]), 'calcification': ('Calcification', [1, 6]), 'sphericity': ('Sphericity', [1, 5]),
         'margin': ('Margin', [1, 5]), 'lobulation': ('Lobulation', [1, 5]), 'spiculation': ('Spiculation', [1, 5]),
         'texture': ('Texture', [1, 5]), 'malignancy': ('Malignancy (mean rating)', [1, 5]), 'diameter': ('Diameter (mm)', None)}
CONFIG = VitConfig(img_size=SIZE, patch_size=8, in_chans=1, dim=128, depth=6, heads=4, n_outputs=2 + len(data_lidc.REGRESSION))


def model_input(hu, norm, centre=WINDOW[0], width=WINDOW[1]):
    return (window(hu, centre, width) - norm[0]) / norm[1]


def predict(model, hu, norm, batch=256):
    outs = []
    with torch.no_grad():
        for i in range(0, len(hu), batch):
            outs.append(model(model_input(centre_crop(hu[i:i + batch], SIZE), norm)))
    return torch.cat(outs)


def evaluate(out, malignant, regression):
    labelled = malignant >= 0
    prob = torch.softmax(out[:, :2], 1)[:, 1].numpy()
    metrics = {
        'malignancy AUC': roc_auc(prob[labelled], malignant[labelled]),
        'malignancy accuracy': float(((prob[labelled] >= 0.5) == (malignant[labelled] == 1)).mean()),
        'malignancy test crops (benign/malignant)': f'{int((malignant == 0).sum())}/{int((malignant == 1).sum())}',
    }
    for j, name in enumerate(data_lidc.REGRESSION):
        metrics[f'{name} MAE'] = mae(out[:, 2 + j].numpy(), regression[:, j])
    return metrics


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', default=os.path.join(ROOT, '..', 'shared', 'data'))
    ap.add_argument('--minutes', type=float, default=40)
    ap.add_argument('--epochs', type=int, default=80)
    args = ap.parse_args()
    torch.manual_seed(SEED)
    torch.set_num_threads(2)
    t0 = time.time()
    d = data_lidc.load(args.data)
    tr, va, te = split_groups(d['patients'], seed=SEED, force_test=[data_lidc.DEMO_STUDY])
    hu = torch.from_numpy(d['images']).unsqueeze(1)
    malignant = torch.from_numpy(d['malignant'])
    reg = torch.from_numpy(d['regression'])
    reg_mean, reg_std = reg[tr].mean(0), reg[tr].std(0)
    norm = (float(window(hu[tr], *WINDOW).mean()), float(window(hu[tr], *WINDOW).std()))
    print(f'{len(tr)}/{len(va)}/{len(te)} crops (train/val/test) from {len(set(d["patients"]))} patients')

    model = ViT(CONFIG)
    g = torch.Generator().manual_seed(SEED)
    class_weight = torch.tensor([1.0, float((malignant[tr] == 0).sum()) / float((malignant[tr] == 1).sum())])

    def batches(epoch):
        order = torch.randperm(len(tr), generator=g)
        for i in range(0, len(order) - 31, 64):
            idx = torch.tensor(tr)[order[i:i + 64]]
            b = len(idx)
            centre = WINDOW[0] + (torch.rand(b, 1, 1, 1, generator=g) * 2 - 1) * 50
            width = WINDOW[1] * (1 + (torch.rand(b, 1, 1, 1, generator=g) * 2 - 1) * 0.1)
            x = model_input(random_affine(hu[idx], SIZE, 3.0, g), norm, centre, width)
            y_cls, y_reg = malignant[idx], (reg[idx] - reg_mean) / reg_std

            def loss_fn(m, x=x, y_cls=y_cls, y_reg=y_reg):
                out = m(x)
                ce = torch.nn.functional.cross_entropy(out[:, :2], y_cls.clamp(min=0), weight=class_weight, reduction='none')
                ce = (ce * (y_cls >= 0)).sum() / (y_cls >= 0).sum().clamp(min=1)
                return ce + torch.nn.functional.smooth_l1_loss(out[:, 2:], y_reg)
            yield loss_fn

    def val_score():
        out = predict(model, hu[va], norm)
        m = malignant[va]
        auc = roc_auc(torch.softmax(out[:, :2], 1)[m >= 0, 1].numpy(), m[m >= 0].numpy())
        std_mae = ((out[:, 2:] - (reg[va] - reg_mean) / reg_std).abs().mean())
        return auc - 0.25 * float(std_mae)

    model, history = train(model, batches, val_score, epochs=args.epochs, lr=1e-3, budget_s=args.minutes * 60)
    # Fold the regression targets' standardisation into the head: outputs in rating units and mm.
    with torch.no_grad():
        model.head.weight[2:] *= reg_std[:, None]
        model.head.bias[2:] = model.head.bias[2:] * reg_std + reg_mean
    model.eval()
    minutes = (time.time() - t0) / 60
    test_out = predict(model, hu[te], norm)
    metrics = evaluate(test_out, malignant[te].numpy(), reg[te].numpy())
    print(json.dumps(metrics, indent=1))

    torch.save(model.state_dict(), os.path.join(HERE, 'weights.pt'))

    outputs = [
        {'head': 'malignancy-class', 'kind': 'class-logits', 'units': [
            {'name': 'benign', 'label': 'Benign (rating ≤2)'}, {'name': 'malignant', 'label': 'Malignant (rating ≥4)'}]},
        {'head': 'biomarkers', 'kind': 'regression', 'units': [
            {'name': n, 'label': UNITS[n][0], 'range': UNITS[n][1]} for n in data_lidc.REGRESSION]},
    ]
    spec = {
        'id': 'lidc-vit', 'version': '1.0.0', 'name': 'LIDC nodule ViT (malignancy and biomarkers)', 'modality': 'CT',
        'input': {'kind': 'ct-crop', 'channels': 1, 'height': SIZE, 'width': SIZE,
                  'ct': {'cropPixels': SIZE, 'window': {'center': WINDOW[0], 'width': WINDOW[1]}},
                  'normalise': {'mean': [norm[0]], 'std': [norm[1]]}},
        'outputs': outputs,
        'card': {
            'intendedUse': 'Research demonstration of explanation methods in Verdict; not for clinical use.',
            'training': (f'From scratch on {len(tr)} LIDC nodule crops (../shared/data/lidc/nodule-crops), validation {len(va)}, '
                         f'test {len(te)}, split by patient (StudyInstanceUID), seed {SEED}; ViT patch 8, dim {CONFIG.dim}, '
                         f'depth {CONFIG.depth}, {CONFIG.heads} heads, 64×64 input; AdamW, {len(history)} epochs, '
                         f'{minutes:.1f} min on a 2-core CPU (torch {torch.__version__}).'),
            'metrics': {**{k: (round(v, 4) if isinstance(v, float) else v) for k, v in metrics.items()}, 'test crops': len(te)},
            'notes': ['Ratings of 3 (indeterminate) are left out of the malignancy head and its metrics.',
                      'Regression targets are the mean over the readers of the same nodule where the crop set holds several.',
                      'For scale: the CDAM paper\'s DINO ViT reached 0.85 malignancy accuracy, fine-tuned DINOv2 0.904 (5-fold); this model is trained from scratch on CPU.'],
        },
    }
    export_pack(model, spec, os.path.join(HERE, 'pack'))
    write_pack_evaluation(model, d, te, norm, evaluate, predict)

    random_model = randomized_copy(model, seed=SEED + 1)
    rho = sanity_correlation(model, random_model, [model_input(centre_crop(hu[i:i + 1], SIZE), norm) for i in sorted(te)], target=1)
    random_spec = {**spec, 'purpose': 'sanity-check', 'id': 'lidc-vit-randomized', 'name': 'LIDC nodule ViT — randomized weights (sanity check)',
                   'card': {**spec['card'], 'training': 'The LIDC nodule ViT with every weight re-initialised at random (Adebayo et al., model randomisation test).',
                            'metrics': {'Spearman ρ of CDAM (malignant) with the trained model, test crops (mean)': round(rho['mean'], 4),
                                        '… median': round(rho['median'], 4)},
                            'notes': ['Hidden catch trials: its maps should not look like evidence.']}}
    export_pack(random_model, random_spec, os.path.join(HERE, 'randomized-pack'))
    with open(os.path.join(HERE, 'training-log.json'), 'w') as f:
        json.dump({'history': history, 'test': metrics, 'sanity': rho, 'minutes': minutes}, f, indent=1)
    print(f'done in {minutes:.1f} min; sanity Spearman ρ mean {rho["mean"]:.3f}')


if __name__ == '__main__':
    main()
