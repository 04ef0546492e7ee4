"""The frozen demo ISIC ViT (models/isic-vit) as a feature extractor for the head packs
(models/isic-explicd, models/isic-protofm): the same data, preprocessing, split (by lesion_id,
same seed, same split function) and class weights as isic-vit's train.py, which is imported
from its file so that nothing is copied.

The heads read the ViT's final-norm patch tokens. They are computed once and cached under
models/isic-vit/.cache/ (git-ignored): float32 for every image without augmentation, and float16
for `copies` augmented versions of each training image (isic-vit's augmentation: rotation by any
angle, flips, shifts of up to 4 px, brightness/contrast jitter; seeded). The cache file names
carry a hash of the weights, the split and the augmentation settings, so a stale cache is never
read."""
import hashlib
import importlib.util
import json
import os
import time

import numpy as np
import torch
from PIL import Image

from exporter.heads import final_tokens
from exporter.vit import ViT
from . import data_isic
from .augment import random_affine
from .splits import split_groups

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ISIC_VIT_DIR = os.path.join(ROOT, 'models', 'isic-vit')
CACHE_DIR = os.path.join(ISIC_VIT_DIR, '.cache')
DEFAULT_DATA = os.path.join(ROOT, '..', 'shared', 'data')


def isic_vit_module():
    """models/isic-vit/train.py as a module (SEED, SIZE, MEAN, STD, NAMES, CONFIG, to_input, predict, evaluate)."""
    spec = importlib.util.spec_from_file_location('isic_vit_train', os.path.join(ISIC_VIT_DIR, 'train.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _sha256(path):
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        h.update(f.read())
    return h.hexdigest()


def load_frozen_vit(iv):
    path = os.path.join(ISIC_VIT_DIR, 'weights.pt')
    vit = ViT(iv.CONFIG)
    vit.load_state_dict(torch.load(path, map_location='cpu'))
    vit.eval()
    for p in vit.parameters():
        p.requires_grad_(False)
    return vit, _sha256(path)


def jitter(x, g):
    """isic-vit's brightness/contrast jitter on normalised inputs [B, 3, S, S]."""
    b = x.shape[0]
    return x * (1 + (torch.rand(b, 1, 1, 1, generator=g) * 2 - 1) * 0.15) + (torch.rand(b, 1, 1, 1, generator=g) * 2 - 1) * 0.2


def patch_tokens(vit, x, batch=512, dtype=torch.float32):
    """Final-norm patch tokens [n, N, D] of normalised inputs x [n, 3, S, S]."""
    out = []
    with torch.no_grad():
        for i in range(0, len(x), batch):
            out.append(final_tokens(vit, x[i:i + batch])[:, 1:].to(dtype))
    return torch.cat(out)


def model_input_from_file(iv, path):
    """A JPEG/PNG as the app prepares it: the whole image, Pillow bilinear resize, normalised [1, 3, S, S]."""
    with Image.open(path) as im:
        u8 = np.asarray(im.convert('RGB').resize((iv.SIZE, iv.SIZE), Image.BILINEAR))
    return iv.to_input(u8[None].copy())


class FrozenIsic:
    """Data, split, frozen ViT and cached tokens. tokens: float32 [n_all, N, D];
    aug: float16 [copies, n_train, N, D] (row j of copy c = augmented version of image tr[j])."""

    def __init__(self, data_dir=DEFAULT_DATA, copies=8, log=print):
        t0 = time.time()
        torch.set_num_threads(2)
        self.iv = iv = isic_vit_module()
        self.seed = iv.SEED
        self.data_dir = data_dir
        self.d = d = data_isic.load(data_dir, iv.SIZE, CACHE_DIR)
        self.tr, self.va, self.te = split_groups(d['lesions'], seed=iv.SEED, force_test=data_isic.demo_lesions(ROOT))
        self.labels = d['labels']
        counts = np.bincount(self.labels[self.tr], minlength=len(data_isic.CLASSES)).astype(np.float64)
        self.class_weight = torch.tensor(counts.sum() / (len(counts) * counts), dtype=torch.float32)
        self.vit, self.weights_sha = load_frozen_vit(iv)
        key = hashlib.sha256(f'{self.weights_sha}|{self.tr}|{copies}|{iv.SEED}|v1'.encode()).hexdigest()[:12]
        clean_path = os.path.join(CACHE_DIR, f'tokens-{self.weights_sha[:12]}-clean.npy')
        aug_path = os.path.join(CACHE_DIR, f'tokens-{key}-aug{copies}.npy')
        cached = os.path.exists(clean_path) and os.path.exists(aug_path)
        if os.path.exists(clean_path):
            self.tokens = torch.from_numpy(np.load(clean_path))
        else:
            log('computing the frozen ViT\'s patch tokens for every image …')
            self.tokens = patch_tokens(self.vit, iv.to_input(d['images']))
            np.save(clean_path, self.tokens.numpy())
        if os.path.exists(aug_path):
            self.aug = torch.from_numpy(np.load(aug_path))
        else:
            log(f'computing patch tokens of {copies} augmented copies of {len(self.tr)} training images …')
            g = torch.Generator().manual_seed(iv.SEED + 101)
            train_x = iv.to_input(d['images'][self.tr])
            aug = torch.empty(copies, len(self.tr), *self.tokens.shape[1:], dtype=torch.float16)
            for c in range(copies):
                for i in range(0, len(self.tr), 512):
                    x = jitter(random_affine(train_x[i:i + 512], iv.SIZE, 4.0, g), g)
                    aug[c, i:i + 512] = patch_tokens(self.vit, x, dtype=torch.float16)
            self.aug = aug
            np.save(aug_path, aug.numpy())
        self.copies = copies
        self.feature_seconds = round(time.time() - t0, 1)
        # How long the extraction took when the cache was written (a cache hit only loads it).
        timing = os.path.join(CACHE_DIR, f'tokens-{key}-aug{copies}.json')
        if not os.path.exists(timing) or not cached:
            with open(timing, 'w') as f:
                json.dump({'seconds': self.feature_seconds}, f)
        with open(timing) as f:
            self.extraction_seconds = json.load(f)['seconds']
        log(f'{len(self.tr)}/{len(self.va)}/{len(self.te)} images (train/val/test); tokens ready in {self.feature_seconds} s '
            f'(extraction {self.extraction_seconds} s)')

    def epoch(self, batch, g):
        """One pass over the training images, each in one of its copies + 1 versions (clean or
        augmented, drawn at random): yields (tokens float32 [b, N, D], labels [b], rows)."""
        n = len(self.tr)
        order = torch.randperm(n, generator=g)
        version = torch.randint(0, self.copies + 1, (n,), generator=g)
        tr = torch.tensor(self.tr)
        labels = torch.from_numpy(self.labels)
        for i in range(0, n - batch // 2, batch):
            idx = order[i:i + batch]
            rows = tr[idx]
            x = self.tokens[rows].clone()
            v = version[idx]
            aug = v > 0
            if aug.any():
                x[aug] = self.aug[v[aug] - 1, idx[aug]].float()
            yield x, labels[rows], rows

    def plain_vit_metrics(self, rows):
        """The plain isic-vit's metrics on `rows` (its own linear head)."""
        logits = self.iv.predict(self.vit, self.d['images'][rows])
        return self.iv.evaluate(logits, self.labels[rows])

    def input_of(self, rows):
        return self.iv.to_input(self.d['images'][rows])

    def image_path(self, image_id):
        return os.path.join(self.data_dir, 'isic', 'ham10000-224', f'{image_id}.jpg')

    def row_of(self, image_id):
        return self.d['ids'].index(image_id)


def rounded(metrics: dict, digits=4) -> dict:
    return {k: (round(v, digits) if isinstance(v, float) else v) for k, v in metrics.items()}
