"""Trains a ProtoFM-style prototype head on the FROZEN demo ISIC ViT (models/isic-vit) and exports
it as a head pack with exemplar patches (models/README.md, "Head packs").

    /usr/bin/python3 models/isic-protofm/train.py [--epochs 80] [--copies 8] [--data ../shared/data]

Seeded and reproducible (fixed epoch count; no wall-clock stopping). Same data, preprocessing and
split (by lesion_id) as isic-vit. The head reads the ViT's final-norm patch tokens, cached once
(training/frozen_isic.py). After training, the prototypes are pushed onto their nearest own-class
training patches (ProtoPNet's projection) and the class weights alone are retrained.
"""
import argparse
import io
import json
import os
import sys
import time

import numpy as np
import torch
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, 'models'))

from exporter.heads import HeadBackbone, PrototypeHead, export_head_pack  # noqa: E402
from training import data_isic  # noqa: E402
from training.frozen_isic import DEFAULT_DATA, FrozenIsic, patch_tokens, rounded  # noqa: E402
from training.loop import train  # noqa: E402
from training.metrics import balanced_accuracy  # noqa: E402

SEED = 20261209
PER_CLASS = 10
HIDDEN, PROJ = 128, 64
OFF_CLASS_INIT = 0.05
# Loss weights: ProtoPNet's cluster / separation weights (0.8 / 0.08), L1 on off-class weights, within-class orthogonality.
W_CLUSTER, W_SEPARATION, W_L1, W_ORTH = 0.8, 0.08, 1e-3, 0.1
EXEMPLARS = 3
LAST_EPOCHS = 15
SOURCE = 224          # the source JPEGs (ham10000-224) are 224×224: a patch of the 8×8 grid is 28×28 there
NOISE_SIGMA, NOISE_CLIP = 0.2, 0.25
TOP_CONTRIBUTORS, CONSISTENT_SHARE, MIN_IMAGES = 5, 0.8, 10
FIXTURE_IDS = ['ISIC_0024400', 'ISIC_0024306']  # bundled demo images (MEL, NV), in the test split
ACTIVATION = ('a_p is the maximum over the 64 patches of prototypeMaps[p] (hard max pooling of the cosine similarity); '
              'the class scores are outputs[c] = Σ_p weights[c]·a_p, with no bias.')


def names(classes):
    return [f'{c}-{k + 1}' for c in classes for k in range(PER_CLASS)]


def run_head(head, tokens, batch=512):
    with torch.no_grad():
        outs = [head(tokens[i:i + batch]) for i in range(0, len(tokens), batch)]
    return tuple(torch.cat([o[j] for o in outs]) for j in range(3))


def loss_fn(m, x, y, cw):
    scores, _, act = m(x)
    own = m.proto_class[None, :] == y[:, None]                                          # [B, P]
    cluster = (1 - act.masked_fill(~own, -2.0).max(1).values).mean()
    separation = act.masked_fill(own, -2.0).max(1).values.mean()
    w = m.weight()
    off = 1 - torch.nn.functional.one_hot(m.proto_class, w.shape[0]).t().to(w.dtype)
    l1 = (w * off).sum()
    p = torch.nn.functional.normalize(m.prototypes, dim=-1).reshape(w.shape[0], PER_CLASS, -1)
    gram = p @ p.transpose(1, 2) - torch.eye(PER_CLASS)
    orth = (gram ** 2).sum((1, 2)).mean()
    ce = torch.nn.functional.cross_entropy(scores, y, weight=cw, label_smoothing=0.05)
    return ce + W_CLUSTER * cluster + W_SEPARATION * separation + W_L1 * l1 + W_ORTH * orth


def ring_of(patch, grid):
    """0: the central 4×4 patches, 1: the ring of 20 around them, 2: the outer ring of 28."""
    r, c = divmod(int(patch), grid)
    d = max(abs(r - (grid - 1) / 2), abs(c - (grid - 1) / 2))
    return 0 if d <= 1.5 else 1 if d <= 2.5 else 2


def push(head, fi):
    """ProtoPNet's prototype projection: each prototype becomes the projected feature of its most
    similar patch among the (unaugmented) training images of its own class; no two prototypes
    take the same patch. Returns where each prototype went."""
    tr = torch.tensor(fi.tr)
    labels = torch.from_numpy(fi.labels[fi.tr])
    taken, placed = set(), []
    with torch.no_grad():
        protos = torch.nn.functional.normalize(head.prototypes, dim=-1)
        new = protos.clone()
        for c in range(head.n_outputs):
            rows = tr[labels == c]
            z = torch.cat([head.project(fi.tokens[rows[i:i + 512]]) for i in range(0, len(rows), 512)])   # [n_c, N, d]
            for p in (head.proto_class == c).nonzero().flatten().tolist():
                sim = (z @ protos[p]).flatten()
                for flat in sim.argsort(descending=True).tolist():
                    j, patch = divmod(flat, z.shape[1])
                    if (int(rows[j]), patch) not in taken:
                        break
                taken.add((int(rows[j]), patch))
                new[p] = z[j, patch]
                placed.append({'prototype': p, 'row': int(rows[j]), 'patch': patch, 'similarityBefore': round(float(sim[flat]), 4)})
        head.prototypes.copy_(new)
    return placed


def interpretability(head, fi, scores, maps, act):
    """Global size, local size, stability and the consistency proxy on the test images."""
    w = head.weight().detach()
    global_size = int(((w > 1e-3 * w.max()).any(0)).sum())
    pred = scores.argmax(1)
    contrib = w[pred] * act                                                             # [n, P]
    local = []
    for row in contrib:
        pos = row.clamp_min(0).sort(descending=True).values
        total = float(pos.sum())
        local.append(int((pos.cumsum(0) < 0.9 * total - 1e-12).sum()) + 1 if total > 0 else 0)
    # Stability: the same images with Gaussian noise in the normalised input space.
    g = torch.Generator().manual_seed(SEED + 3)
    x = fi.input_of(fi.te)
    noisy = x + (torch.randn(x.shape, generator=g) * NOISE_SIGMA).clamp(-NOISE_CLIP, NOISE_CLIP)
    _, noisy_maps, _ = run_head(head, patch_tokens(fi.vit, noisy))
    best, noisy_best = maps.argmax(-1), noisy_maps.argmax(-1)                          # [n, P]
    stability = float((best == noisy_best).float().mean())
    # Consistency proxy: per prototype, the ring of its most similar patch over the test images where it is a top-5 contributor.
    grid = fi.vit.cfg.grid
    top = contrib.topk(TOP_CONTRIBUTORS, dim=1).indices
    consistent, evaluated, shares = 0, 0, {}
    for p in range(w.shape[1]):
        rows = (top == p).any(1).nonzero().flatten()
        if len(rows) < MIN_IMAGES:
            continue
        rings = np.bincount([ring_of(best[r, p], grid) for r in rows.tolist()], minlength=3)
        share = float(rings.max() / rings.sum())
        shares[p] = {'images': int(len(rows)), 'ring': int(rings.argmax()), 'share': round(share, 4)}
        evaluated += 1
        consistent += share >= CONSISTENT_SHARE
    return {'global size': global_size, 'local size': float(np.mean(local)), 'stability': stability,
            'consistency proxy': consistent / evaluated if evaluated else float('nan'),
            'consistency proxy prototypes evaluated': evaluated, 'perPrototypeRing': shares}


def exemplars(head, fi, proto_names):
    """The 3 most similar training patches of each prototype, from 3 distinct training images."""
    tr = fi.tr
    best_sim = torch.empty(len(tr), len(proto_names))
    best_patch = torch.empty(len(tr), len(proto_names), dtype=torch.long)
    with torch.no_grad():
        for i in range(0, len(tr), 512):
            m = head.maps(fi.tokens[tr[i:i + 512]])                                     # [b, P, N]
            best_sim[i:i + 512], best_patch[i:i + 512] = m.max(-1)
    grid = fi.vit.cfg.grid
    cell = SOURCE // grid
    crop = 2 * cell
    out, files = [], {}
    for p, name in enumerate(proto_names):
        order = best_sim[:, p].argsort(descending=True)[:EXEMPLARS]
        items = []
        for k, j in enumerate(order.tolist()):
            row = tr[j]
            image_id = fi.d['ids'][row]
            r, c = divmod(int(best_patch[j, p]), grid)
            x0 = min(max(c * cell - cell // 2, 0), SOURCE - crop)
            y0 = min(max(r * cell - cell // 2, 0), SOURCE - crop)
            with Image.open(fi.image_path(image_id)) as im:
                if im.size != (SOURCE, SOURCE):
                    raise ValueError(f'{image_id}: expected a {SOURCE}×{SOURCE} source image, got {im.size}')
                patch = im.convert('RGB').crop((x0, y0, x0 + crop, y0 + crop))
            buf = io.BytesIO()
            patch.save(buf, format='PNG', optimize=True)
            rel = f'exemplars/{name}-{k + 1}.png'
            files[f'exemplar:{name}:{k + 1}'] = (rel, buf.getvalue())
            items.append({'file': rel, 'imageId': image_id, 'patch': [r, c], 'box': [c * cell, r * cell, cell, cell],
                          'crop': [x0, y0, crop, crop], 'similarity': round(float(best_sim[j, p]), 4),
                          'diagnosis': data_isic.CLASSES[int(fi.labels[row])]})
        out.append(items)
    return out, files


def score_sheet(vit, head, image, image_id, proto_names):
    """For one image, in float64: the predicted class and every prototype's contribution W[ŷ,p]·a_p,
    sorted descending (ties, e.g. zero weights, in manifest order)."""
    import copy
    b64 = HeadBackbone(copy.deepcopy(vit).double(), copy.deepcopy(head).double()).double().eval()
    with torch.no_grad():
        scores, _, _, _, _, act = b64(image.float().double())
        w = b64.head.weight()
    c = int(scores[0].argmax())
    contrib = (w[c] * act[0]).tolist()
    order = sorted(range(len(proto_names)), key=lambda p: (-contrib[p], p))
    return {'imageId': image_id, 'row': 0, 'class': data_isic.CLASSES[c], 'order': [proto_names[p] for p in order],
            'contributions': [contrib[p] for p in order]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', default=DEFAULT_DATA)
    ap.add_argument('--epochs', type=int, default=80)
    ap.add_argument('--copies', type=int, default=8)
    args = ap.parse_args()
    t0 = time.time()
    fi = FrozenIsic(args.data, copies=args.copies)
    iv, vit = fi.iv, fi.vit
    classes = data_isic.CLASSES
    proto_names = names(classes)
    torch.manual_seed(SEED)
    head = PrototypeHead(iv.CONFIG.dim, len(classes), PER_CLASS, HIDDEN, PROJ, OFF_CLASS_INIT)
    g = torch.Generator().manual_seed(SEED)

    def batches(epoch):
        for x, y, _ in fi.epoch(128, g):
            yield lambda m, x=x, y=y: loss_fn(m, x, y, fi.class_weight)

    val_tokens, val_labels = fi.tokens[fi.va], fi.labels[fi.va]

    def val_score():
        scores, _, _ = run_head(head, val_tokens)
        return balanced_accuracy(scores.argmax(1).numpy(), val_labels, len(classes))

    t_train = time.time()
    head, history = train(head, batches, val_score, epochs=args.epochs, lr=1e-3, weight_decay=0.01, warmup_epochs=2)
    head.eval()
    val_before_push = val_score()
    placed = push(head, fi)
    val_after_push = val_score()
    # Last layer only (ProtoPNet's last-layer step): the prototypes and the projector stay as pushed.
    for n, p in head.named_parameters():
        p.requires_grad_(n == 'raw_weight')
    head, last_history = train(head, batches, val_score, epochs=LAST_EPOCHS, lr=1e-3, weight_decay=0.01, warmup_epochs=1)
    head.eval()
    val_final = val_score()
    print(f'validation balanced accuracy: {val_before_push:.4f} before the push, {val_after_push:.4f} after, {val_final:.4f} after the last-layer step')
    train_minutes = (time.time() - t_train) / 60

    te = fi.te
    scores, maps, act = run_head(head, fi.tokens[te])
    metrics = iv.evaluate(scores, fi.labels[te])
    plain = fi.plain_vit_metrics(te)
    interp = interpretability(head, fi, scores, maps, act)
    print(json.dumps({'test': metrics, 'plain': plain, **{k: v for k, v in interp.items() if k != 'perPrototypeRing'}}, indent=1))
    examples, files = exemplars(head, fi, proto_names)
    torch.save(head.state_dict(), os.path.join(HERE, 'weights.pt'))

    w = head.weight().detach()
    units = [{'name': name, 'class': classes[p // PER_CLASS], 'weights': [float(v) for v in w[:, p]], 'exemplars': examples[p]}
             for p, name in enumerate(proto_names)]
    n_tr, n_va, n_te = len(fi.tr), len(fi.va), len(te)
    n_params = sum(p.numel() for p in head.parameters())
    spec = {
        'id': 'isic-protofm', 'version': '1.0.0', 'name': 'ISIC dermoscopy prototypes (ProtoFM-style, on the demo ViT)', 'modality': 'dermoscopy',
        'input': {'kind': 'rgb-image', 'channels': 3, 'height': iv.SIZE, 'width': iv.SIZE, 'normalise': {'mean': iv.MEAN, 'std': iv.STD}},
        'outputs': [{'head': 'diagnosis', 'kind': 'class-logits', 'units': [{'name': c, 'label': iv.NAMES[c]} for c in classes]}],
        'prototypes': {'reference': "Turbé et al., ProtoFM, 'Tell me why: Visual foundation models as self-explainable classifiers', 2025",
                       'activation': ACTIVATION, 'units': units},
        'methods': ['attention', 'prototype-map'],
        'card': {
            'intendedUse': 'Research demonstration of prototype ("this looks like that") explanations in Verdict; not for clinical use.',
            'training': (f'Head only ({n_params:,} parameters), on the frozen demo ISIC ViT (isic-vit 1.0.0: 64×64 input, patch 8, dim 128, depth 6). '
                         f'Data: HAM10000/ISIC 2018 Task 3, the same split as isic-vit (by lesion_id, seed {iv.SEED}): {n_tr} training, {n_va} validation, '
                         f'{n_te} test images. Inputs: the frozen ViT\'s final-norm patch tokens of each training image and of {args.copies} augmented '
                         f'copies (isic-vit\'s augmentation), one version drawn per image and epoch. Head: projector LayerNorm → 128 → GELU → {PROJ} → unit '
                         f'length; {len(proto_names)} unit-vector prototypes ({PER_CLASS} per class); cosine similarity maps; a_p = max over patches; '
                         f'class scores W·a with W = relu(raw) ≥ 0 (initialised 1 for the own class, {OFF_CLASS_INIT} for the others). Loss: '
                         f'class-balanced cross-entropy (label smoothing 0.05) + {W_CLUSTER}·cluster (1 − the best own-class activation) + '
                         f'{W_SEPARATION}·separation (the best other-class activation) + {W_L1}·L1 of the off-class weights + {W_ORTH}·within-class '
                         f'prototype orthogonality. AdamW lr 1e-3, weight decay 0.01, cosine, batch 128, {args.epochs} epochs, best validation '
                         f'balanced accuracy kept (epoch {max(history, key=lambda h: h["val"])["epoch"]}); then the prototypes pushed onto training patches and W '
                         f'retrained for {LAST_EPOCHS} epochs (see the notes); seed {SEED}; {train_minutes:.1f} min training '
                         f'on a 2-core CPU (the frozen ViT\'s tokens: {fi.extraction_seconds / 60:.1f} min once, then cached).'),
            'metrics': {**rounded(metrics),
                        'plain isic-vit balanced accuracy (same test split)': round(plain['balanced accuracy'], 4),
                        'plain isic-vit macro AUC (same test split)': round(plain['macro AUC'], 4),
                        'prototypes': len(proto_names),
                        'global size': interp['global size'],
                        'local size (mean, 90% of the predicted class score)': round(interp['local size'], 3),
                        'stability (σ = 0.2 input noise)': round(interp['stability'], 4),
                        'consistency proxy (ring of the most similar patch, ISIC has no part annotations)': round(interp['consistency proxy'], 4),
                        'consistency proxy: prototypes evaluated': interp['consistency proxy prototypes evaluated'],
                        'test images': n_te},
            'notes': [
                'Differences from ProtoFM (Turbé et al., 2025): the backbone is the small frozen demo ViT (64×64 input, 8×8 patches, trained from '
                'scratch), not a frozen DINOv2-class foundation model; kept: frozen backbone, a small projector, cosine similarity between projected '
                'patch features and unit-vector prototypes, max-pooled prototype activations and a non-negative, L1-sparsified linear classifier. '
                'Simplified: ProtoFM\'s student-teacher prototype assignment and its assignment / alignment / contrastive objectives are replaced by '
                'ProtoPNet-style cluster and separation terms plus within-class orthogonality; after training, each prototype is projected ("pushed", '
                'as in ProtoPNet) onto the most similar patch of a training image of its own class (no patch twice), then only W is retrained '
                f'({LAST_EPOCHS} epochs, cross-entropy + L1), so every prototype is a real training patch and its first exemplar is that patch '
                f'(similarity 1). Validation balanced accuracy: {val_before_push:.3f} before the push, {val_after_push:.3f} right after it, '
                f'{val_final:.3f} after the last-layer step.',
                'Exemplars: for each prototype, the 3 training images with the highest similarity of any of their patches (one patch per image), '
                'cropped from the 224×224 source JPEG: the 28×28 patch with a half-patch margin (56×56, clamped to the image). In the manifest, '
                '`box` is the patch and `crop` the PNG\'s region, both [x, y, w, h] in source pixels; `diagnosis` is the exemplar image\'s label.',
                f'Accuracy against the plain ViT: balanced accuracy {metrics["balanced accuracy"]:.3f} vs {plain["balanced accuracy"]:.3f}, macro AUC '
                f'{metrics["macro AUC"]:.3f} vs {plain["macro AUC"]:.3f} (same {n_te} test images).',
                'Looking at the exemplars: several prototypes match plain skin or the lesion border rather than a dermoscopic structure '
                '(a 64×64 backbone sees little structure); the prototype map shows where, the exemplars show what it matched in training.',
                'Global size: the number of prototypes with any class weight > 1e-3 × the largest weight.',
                'Local size: per test image, the smallest number of prototypes whose contributions W[ŷ,p]·a_p (positive part, ŷ the predicted class) '
                'make up ≥ 90% of the positive part of the predicted class score; the mean over the test images.',
                f'Stability (after Huang et al. 2023, part-prototype interpretability evaluation): the share of (test image, prototype) pairs whose most similar patch is unchanged when '
                f'Gaussian noise (σ = {NOISE_SIGMA}, clipped to ±{NOISE_CLIP}, in normalised input space; one seeded draw per image) is added.',
                f'Consistency is a PROXY: ISIC has no part annotations. The 8×8 grid is cut into 3 concentric rings (the central 4×4 patches, the '
                f'ring of 20 around them, the outer ring of 28); a prototype counts as consistent when its most similar patch falls in the same ring '
                f'in ≥ {CONSISTENT_SHARE:.0%} of the test images where it is among the top-{TOP_CONTRIBUTORS} contributors to the predicted class '
                f'(prototypes with fewer than {MIN_IMAGES} such images are not evaluated). The outer ring holds 28 of 64 patches, so a prototype '
                'that tracks the lesion border or the background scores high without being a consistent part.',
            ],
        },
    }
    images = torch.cat([fi.input_of([fi.row_of(i) for i in FIXTURE_IDS]), torch.randn(2, 3, iv.SIZE, iv.SIZE, generator=torch.Generator().manual_seed(SEED + 7))])
    sheet = score_sheet(vit, head, images[:1], FIXTURE_IDS[0], proto_names)
    manifest = export_head_pack(vit, head, spec, os.path.join(HERE, 'pack'), fixture_images=images, fixture_ids=FIXTURE_IDS + [None, None],
                                fixture_extra={'scoreSheet': sheet}, extra_files=files)
    minutes = (time.time() - t0) / 60
    with open(os.path.join(HERE, 'training-log.json'), 'w') as f:
        json.dump({'seed': SEED, 'epochs': args.epochs, 'copies': args.copies, 'history': history, 'lastLayerHistory': last_history,
                   'push': {'validationBefore': val_before_push, 'validationAfter': val_after_push, 'validationFinal': val_final, 'placed': placed}, 'test': metrics, 'plainVit': plain,
                   'interpretability': interp, 'scoreSheet': {k: v[:10] if isinstance(v, list) else v for k, v in sheet.items()},
                   'export': manifest['export'], 'trainMinutes': train_minutes, 'featureSeconds': fi.feature_seconds,
                   'extractionSeconds': fi.extraction_seconds, 'minutes': minutes}, f, indent=1)
    print(f'done in {minutes:.1f} min (training {train_minutes:.1f} min)')


if __name__ == '__main__':
    main()
