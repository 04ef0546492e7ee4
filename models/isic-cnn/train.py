"""Trains the demo ISIC dermoscopy CNN (seven ISIC 2018 Task 3 diagnoses) from scratch on
../shared/data/isic: a narrow ResNet (net.py) at 128 px, on THE SAME split as isic-vit
(models/isic-vit/train.py: seed 20261122, split by lesion_id 70/15/15, the bundled demo images'
lesions always in the test part). Class-balanced cross-entropy (weights inversely proportional to
class frequency in training, label smoothing 0.05), the same augmentation as isic-vit (rotation by
any angle, flips, shifts of up to 8 pixels at 128 px, brightness/contrast jitter).

    nice -n 10 /usr/bin/python3 models/isic-cnn/train.py [--minutes 40] [--epochs 14] [--threads 1]

Writes weights.pt and training-log.json beside this file; export.py then writes the black-box pack.
"""
import argparse
import json
import os
import sys
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, 'models'))
sys.path.insert(0, HERE)

from net import SmallResNet  # noqa: E402
from training import data_isic  # noqa: E402
from training.augment import random_affine  # noqa: E402
from training.loop import train  # noqa: E402
from training.isic_eval import MEAN, STD, evaluate, predict, to_input  # noqa: E402,F401
from training.metrics import balanced_accuracy  # noqa: E402
from training.splits import split_groups  # noqa: E402

SEED = 20261122  # isic-vit's seed: the same split
SIZE = 128



def load_split(data_dir):
    d = data_isic.load(data_dir, SIZE, os.path.join(HERE, '.cache'))
    tr, va, te = split_groups(d['lesions'], seed=SEED, force_test=data_isic.demo_lesions(ROOT))
    return d, tr, va, te


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', default=os.path.join(ROOT, '..', 'shared', 'data'))
    ap.add_argument('--minutes', type=float, default=40)
    ap.add_argument('--epochs', type=int, default=14)
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--lr', type=float, default=2e-3)
    args = ap.parse_args()
    torch.manual_seed(SEED)
    torch.set_num_threads(args.threads)
    t0 = time.time()
    d, tr, va, te = load_split(args.data)
    images, labels = d['images'], torch.from_numpy(d['labels'])
    counts = torch.bincount(labels[tr], minlength=len(data_isic.CLASSES)).float()
    class_weight = counts.sum() / (len(counts) * counts)
    print(f'{len(tr)}/{len(va)}/{len(te)} images (train/val/test); training counts {counts.tolist()}', flush=True)

    model = SmallResNet(len(data_isic.CLASSES))
    n_params = sum(p.numel() for p in model.parameters())
    g = torch.Generator().manual_seed(SEED)
    train_idx = torch.tensor(tr)

    def batches(epoch):
        order = torch.randperm(len(tr), generator=g)
        for i in range(0, len(order) - 31, 64):
            idx = train_idx[order[i:i + 64]]
            x = random_affine(to_input(images[idx.numpy()]), SIZE, 8.0, g)
            b = len(idx)
            x = x * (1 + (torch.rand(b, 1, 1, 1, generator=g) * 2 - 1) * 0.15) + (torch.rand(b, 1, 1, 1, generator=g) * 2 - 1) * 0.2
            y = labels[idx]
            yield lambda m, x=x, y=y: torch.nn.functional.cross_entropy(m(x), y, weight=class_weight, label_smoothing=0.05)

    def val_score():
        logits = predict(model, images[va], batch=128)
        return balanced_accuracy(logits.argmax(1).numpy(), d['labels'][va], len(data_isic.CLASSES))

    model, history = train(model, batches, val_score, epochs=args.epochs, lr=args.lr, weight_decay=0.05, warmup_epochs=1,
                           budget_s=args.minutes * 60, log=lambda s: print(s, flush=True))
    model.eval()
    minutes = (time.time() - t0) / 60
    metrics = evaluate(predict(model, images[te], batch=128), d['labels'][te])
    val_metrics = evaluate(predict(model, images[va], batch=128), d['labels'][va])
    print(json.dumps(metrics, indent=1))
    torch.save(model.state_dict(), os.path.join(HERE, 'weights.pt'))
    with open(os.path.join(HERE, 'training-log.json'), 'w') as f:
        json.dump({'seed': SEED, 'size': SIZE, 'parameters': n_params, 'split': {'train': len(tr), 'val': len(va), 'test': len(te)},
                   'training counts': counts.tolist(), 'lr': args.lr, 'epochs planned': args.epochs, 'threads': args.threads,
                   'history': history, 'validation (best epoch)': val_metrics, 'test': metrics, 'minutes': minutes}, f, indent=1)
    print(f'done in {minutes:.1f} min')


if __name__ == '__main__':
    main()
