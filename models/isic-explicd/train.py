"""Trains an ExpLICD-style attribute-token head on the FROZEN demo ISIC ViT (models/isic-vit) and
exports it as a head pack (models/README.md, "Head packs").

    /usr/bin/python3 models/isic-explicd/train.py [--epochs 80] [--copies 8] [--data ../shared/data]

Seeded and reproducible (fixed epoch count; no wall-clock stopping). Same data, preprocessing and
split (by lesion_id) as isic-vit. The head reads the ViT's final-norm patch tokens, cached once
(training/frozen_isic.py). Concept labels are not annotated in HAM10000: they are derived from
the diagnosis with ExpLICD's class→concept table (yhygao/Explicd, dataset/isic_dataset.py).
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

from exporter.heads import AttributeTokenHead, HeadBackbone, export_head_pack  # noqa: E402
from training import data_isic  # noqa: E402
from training.frozen_isic import DEFAULT_DATA, FrozenIsic, model_input_from_file, rounded  # noqa: E402
from training.localisation import iou, load_mask, pointing_hit  # noqa: E402
from training.loop import train  # noqa: E402
from training.metrics import balanced_accuracy  # noqa: E402

SEED = 20261208
TOKENS_PER_AXIS = 4
INNER = 64
CONCEPT_WEIGHT = 1 / 7   # λ: ExpLICD's loss, CE(diagnosis) + mean over the 7 axes of CE(concept)
FIXTURE_IDS = ['ISIC_0024400', 'ISIC_0024306']  # bundled demo images (MEL, NV), in the test split

# ExpLICD's isic2018 concept dictionary (yhygao/Explicd, concept_dataset.py), axes in its order.
AXES = [
    ('color', 'Color', ['highly variable, often with multiple colors (black, brown, red, white, blue)', 'uniformly tan, brown, or black',
                        'translucent, pearly white, sometimes with blue, brown, or black areas', 'red, pink, or brown, often with a scale',
                        'light brown to black', 'pink brown or red', 'red, purple, or blue']),
    ('shape', 'Shape', ['irregular', 'round', 'round to irregular', 'variable']),
    ('border', 'Border', ['often blurry and irregular', 'sharp and well-defined', 'rolled edges, often indistinct']),
    ('dermoscopic-patterns', 'Dermoscopic patterns', [
        'atypical pigment network, irregular streaks, blue-whitish veil, irregular', 'regular pigment network, symmetric dots and globules',
        'arborizing vessels, leaf-like areas, blue-gray avoid nests', 'strawberry pattern, glomerular vessels, scale',
        'cerebriform pattern, milia-like cysts, comedo-like openings', 'central white patch, peripheral pigment network',
        'depends on type (e.g., cherry angiomas have red lacunae; spider angiomas have a central red dot with radiating legs']),
    ('texture', 'Texture', ['a raised or ulcerated surface', 'smooth', 'smooth, possibly with telangiectasias', 'rough, scaly',
                            'warty or greasy surface', 'firm, may dimple when pinched']),
    ('symmetry', 'Symmetry', ['asymmetrical', 'symmetrical', 'can be symmetrical or asymmetrical depending on type']),
    ('elevation', 'Elevation', ['flat to raised', 'raised with possible central ulceration', 'slightly raised', 'slightly raised maybe thick']),
]
# ExpLICD's class→concept table (dataset/isic_dataset.py), classes MEL, NV, BCC, AKIEC, BKL, DF, VASC.
CLASS_CONCEPTS = [[0, 0, 0, 0, 0, 0, 0], [1, 1, 1, 1, 1, 1, 0], [2, 0, 2, 2, 2, 0, 1], [3, 0, 0, 3, 3, 0, 2],
                  [4, 2, 1, 4, 4, 1, 3], [5, 1, 1, 5, 5, 1, 0], [6, 3, 1, 6, 1, 2, 0]]
VALUES = [len(v) for _, _, v in AXES]
TASK2 = 'ISIC_0000000'
TASK2_MASKS = ['globules', 'milia_like_cyst', 'negative_network', 'pigment_network', 'streaks']


def predict(head, tokens, batch=512):
    with torch.no_grad():
        outs = [head(tokens[i:i + batch]) for i in range(0, len(tokens), batch)]
    return torch.cat([o[0] for o in outs]), torch.cat([o[1] for o in outs])


def split_outputs(outputs):
    """[n, K] → diagnosis logits [n, 7], [L_a [n, V_a]]."""
    n_cls = len(data_isic.CLASSES)
    parts, at = [], n_cls
    for v in VALUES:
        parts.append(outputs[:, at:at + v])
        at += v
    return outputs[:, :n_cls], parts


def concept_accuracy(outputs, labels):
    _, concepts = split_outputs(outputs)
    truth = np.array(CLASS_CONCEPTS)[labels]
    return {f'concept accuracy {AXES[a][0]}': float((concepts[a].argmax(1).numpy() == truth[:, a]).mean()) for a in range(len(AXES))}


def localisation(fi, vit, head, data_dir):
    """ISIC 2018 Task 2 example: each axis map (of its predicted value) against the five attribute
    masks, their union and the lesion segmentation; one image."""
    folder = os.path.join(data_dir, 'isic', 'task2-example')
    iv = fi.iv
    x = model_input_from_file(iv, os.path.join(folder, f'{TASK2}.jpg'))
    with torch.no_grad():
        outputs, _, _, _, maps = HeadBackbone(vit, head).eval()(x)
    masks = {m: load_mask(os.path.join(folder, f'{TASK2}_attribute_{m}.png'), iv.SIZE) for m in TASK2_MASKS}
    masks['union of the five'] = np.any(np.stack(list(masks.values())), 0)
    masks['lesion (segmentation)'] = load_mask(os.path.join(folder, f'{TASK2}_segmentation.png'), iv.SIZE)
    tolerance = 15 * iv.SIZE / 224
    diagnosis, concepts = split_outputs(outputs)
    rows = []
    for a, (axis, _, texts) in enumerate(AXES):
        grid = maps[0, a].numpy().reshape(vit.cfg.grid, vit.cfg.grid)
        v = int(concepts[a][0].argmax())
        for name, mask in masks.items():
            rows.append({'axis': axis, 'value': v, 'valueText': texts[v], 'mask': name, 'maskPixels': int(mask.sum()),
                         'pointingHit': pointing_hit(grid, mask, tolerance), 'iou': None if iou(grid, mask) is None else round(iou(grid, mask), 4)})
    return {'image': TASK2, 'images': 1, 'inputSize': iv.SIZE, 'tolerancePx': round(tolerance, 3), 'iouThreshold': '≥ 50% of the map maximum',
            'predicted': data_isic.CLASSES[int(diagnosis[0].argmax())], 'rows': rows}


def localisation_notes(loc):
    present = [m for m in TASK2_MASKS if any(r['mask'] == m and r['maskPixels'] > 0 for r in loc['rows'])]
    empty = [m for m in TASK2_MASKS if m not in present]
    lines = [f"Localisation check on ONE image ({loc['image']}, ISIC 2018 Task 2; predicted {loc['predicted']}): each axis map (of its predicted "
             f"value) at {loc['inputSize']}×{loc['inputSize']}, pointing game (centre of the maximal patch within {loc['tolerancePx']} px of the mask, "
             f"i.e. 15 px per 224) and IoU (map ≥ 50% of its maximum). Masks present in this image: {', '.join(present) or 'none'}; "
             f"empty (no result): {', '.join(empty) or 'none'}. One image is an illustration, not an evaluation."]
    for axis, _, _ in AXES:
        cells = []
        for r in loc['rows']:
            if r['axis'] == axis and r['maskPixels'] > 0 and r['mask'] not in empty:
                cells.append(f"{r['mask']}: {'hit' if r['pointingHit'] else 'miss'}, IoU {r['iou']:.3f}")
        lines.append(f'Localisation, {axis} map: ' + '; '.join(cells) + '.')
    return lines


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', default=DEFAULT_DATA)
    ap.add_argument('--epochs', type=int, default=80)
    ap.add_argument('--copies', type=int, default=8)
    args = ap.parse_args()
    t0 = time.time()
    fi = FrozenIsic(args.data, copies=args.copies)
    iv, vit = fi.iv, fi.vit
    torch.manual_seed(SEED)
    head = AttributeTokenHead(iv.CONFIG.dim, VALUES, len(data_isic.CLASSES), TOKENS_PER_AXIS, INNER)
    table = torch.tensor(CLASS_CONCEPTS)
    g = torch.Generator().manual_seed(SEED)
    cw = fi.class_weight

    def loss_fn(m, x, y):
        diagnosis, logits, _, _ = m.concepts(x)
        concept = sum(torch.nn.functional.cross_entropy(la, table[y, a]) for a, la in enumerate(logits))
        return torch.nn.functional.cross_entropy(diagnosis, y, weight=cw, label_smoothing=0.05) + CONCEPT_WEIGHT * concept

    def batches(epoch):
        for x, y, _ in fi.epoch(128, g):
            yield lambda m, x=x, y=y: loss_fn(m, x, y)

    val_tokens, val_labels = fi.tokens[fi.va], fi.labels[fi.va]

    def val_score():
        out, _ = predict(head, val_tokens)
        return balanced_accuracy(out[:, :len(data_isic.CLASSES)].argmax(1).numpy(), val_labels, len(data_isic.CLASSES))

    t_train = time.time()
    head, history = train(head, batches, val_score, epochs=args.epochs, lr=1e-3, weight_decay=0.05, warmup_epochs=2)
    head.eval()
    train_minutes = (time.time() - t_train) / 60

    te = fi.te
    out, _ = predict(head, fi.tokens[te])
    diagnosis, _ = split_outputs(out)
    metrics = iv.evaluate(diagnosis, fi.labels[te])
    plain = fi.plain_vit_metrics(te)
    concepts = concept_accuracy(out, fi.labels[te])
    loc = localisation(fi, vit, head, args.data)
    print(json.dumps({'test': metrics, 'plain': plain, 'concepts': concepts}, indent=1))
    torch.save(head.state_dict(), os.path.join(HERE, 'weights.pt'))

    n_tr, n_va, n_te = len(fi.tr), len(fi.va), len(te)
    axes_text = ', '.join(f'{a} ({len(v)})' for a, _, v in AXES)
    spec = {
        'id': 'isic-explicd', 'version': '1.0.0', 'name': 'ISIC dermoscopy attribute tokens (ExpLICD-style, on the demo ViT)', 'modality': 'dermoscopy',
        'input': {'kind': 'rgb-image', 'channels': 3, 'height': iv.SIZE, 'width': iv.SIZE, 'normalise': {'mean': iv.MEAN, 'std': iv.STD}},
        'outputs': [{'head': 'diagnosis', 'kind': 'class-logits', 'units': [{'name': c, 'label': iv.NAMES[c]} for c in data_isic.CLASSES]}]
        + [{'head': axis, 'kind': 'class-logits', 'units': [{'name': f'{axis}.{i}', 'label': text} for i, text in enumerate(texts)]}
           for axis, _, texts in AXES],
        'attributes': {'reference': 'Gao et al., ExpLICD, MICCAI 2024 (yhygao/Explicd); FiLMed', 'tokensPerAxis': TOKENS_PER_AXIS,
                       'axes': [{'name': axis, 'label': label, 'head': axis} for axis, label, _ in AXES]},
        'methods': ['attention', 'attribute-map'],
        'card': {
            'intendedUse': 'Research demonstration of attribute (concept-token) explanations in Verdict; not for clinical use.',
            'training': (f'Head only, on the frozen demo ISIC ViT (isic-vit 1.0.0: 64×64 input, patch 8, dim 128, depth 6). Data: HAM10000/ISIC 2018 '
                         f'Task 3, the same split as isic-vit (by lesion_id, seed {iv.SEED}): {n_tr} training, {n_va} validation, {n_te} test images. '
                         f'Inputs: the frozen ViT\'s final-norm patch tokens of each training image and of {args.copies} augmented copies (isic-vit\'s '
                         f'augmentation), one version drawn per image and epoch. Head: {TOKENS_PER_AXIS} learnable tokens per axis for 7 axes ({axes_text} values) '
                         f'cross-attending over the 64 patch tokens (single head, width {INNER}), per-axis softmax pooling of the tokens\' value logits, '
                         f'linear 34 → 7 diagnosis. Loss: class-balanced cross-entropy (label smoothing 0.05) + λ·Σ_axes CE(concept logits, '
                         f'derived concept label), λ = 1/7 (ExpLICD\'s mean over axes). AdamW lr 1e-3, weight decay 0.05, cosine, batch 128, '
                         f'{args.epochs} epochs, best validation balanced accuracy kept (epoch {max(history, key=lambda h: h["val"])["epoch"]}); '
                         f'seed {SEED}; {train_minutes:.1f} min training on a 2-core CPU (the frozen ViT\'s tokens: {fi.extraction_seconds / 60:.1f} min once, then cached).'),
            'metrics': {**rounded(metrics),
                        'plain isic-vit balanced accuracy (same test split)': round(plain['balanced accuracy'], 4),
                        'plain isic-vit macro AUC (same test split)': round(plain['macro AUC'], 4),
                        **rounded(concepts), 'test images': n_te},
            'notes': [
                'Concept labels are NOT annotated in HAM10000: every concept label is derived from the diagnosis through ExpLICD\'s class→concept '
                'table, so concept accuracy measures how well the axis heads recover the diagnosis-implied value, not agreement with dermatologists.',
                'Differences from ExpLICD (Gao et al., MICCAI 2024): the backbone is the small frozen demo ViT (64×64 input, trained from scratch), '
                'not a fine-tuned BiomedCLIP/ImageNet-21k ViT-B/16 at 224×224; concept values are scored by a learned linear layer per axis, not by '
                'cosine similarity with BiomedCLIP text embeddings of the value descriptions; M = 4 tokens per axis with softmax pooling (FiLMed-style) '
                'instead of one token per axis, and a single-head cross-attention without ExpLICD\'s FFN/projection.',
                'attributeMaps[a] is the attention of axis a\'s tokens over the patches, weighted by their pooling weights for the predicted value '
                '(argmax of the axis\'s concept logits); it is non-negative and sums to 1 over the 64 patches.',
                f'Accuracy against the plain ViT: balanced accuracy {metrics["balanced accuracy"]:.3f} vs {plain["balanced accuracy"]:.3f}, '
                f'macro AUC {metrics["macro AUC"]:.3f} vs {plain["macro AUC"]:.3f} (same {n_te} test images). ExpLICD reports balanced accuracy '
                'around 0.8 with a pretrained ViT-B at 224×224; this head is bounded by the small demo backbone.',
            ] + localisation_notes(loc),
        },
    }
    images = torch.cat([fi.input_of([fi.row_of(i) for i in FIXTURE_IDS]), torch.randn(2, 3, iv.SIZE, iv.SIZE, generator=torch.Generator().manual_seed(SEED + 7))])
    manifest = export_head_pack(vit, head, spec, os.path.join(HERE, 'pack'), fixture_images=images, fixture_ids=FIXTURE_IDS + [None, None])
    minutes = (time.time() - t0) / 60
    with open(os.path.join(HERE, 'training-log.json'), 'w') as f:
        json.dump({'seed': SEED, 'epochs': args.epochs, 'copies': args.copies, 'history': history, 'test': metrics, 'plainVit': plain,
                   'conceptAccuracy': concepts, 'localisation': loc, 'export': manifest['export'],
                   'trainMinutes': train_minutes, 'featureSeconds': fi.feature_seconds, 'extractionSeconds': fi.extraction_seconds, 'minutes': minutes}, f, indent=1)
    print(f'done in {minutes:.1f} min (training {train_minutes:.1f} min)')


if __name__ == '__main__':
    main()
