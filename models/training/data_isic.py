"""ISIC 2018 / HAM10000 dermoscopy (../shared/data/isic): 7,496 images with one of seven
diagnoses. Images are decoded and resized the way the app prepares a model input (Pillow's
bilinear resize of the whole image, which main/services/explain/input/resample.ts reproduces),
and cached as uint8 arrays. Groups for splitting: lesion_id."""
import csv
import os

import numpy as np
from PIL import Image

CLASSES = ['MEL', 'NV', 'BCC', 'AKIEC', 'BKL', 'DF', 'VASC']


def load(data_dir: str, size: int, cache_dir: str):
    isic = os.path.join(data_dir, 'isic')
    rows = list(csv.DictReader(open(os.path.join(isic, 'labels.csv'))))
    labels = np.array([CLASSES.index(r['dx'].upper()) for r in rows], dtype=np.int64)
    os.makedirs(cache_dir, exist_ok=True)
    cache = os.path.join(cache_dir, f'isic-{size}.npy')
    if os.path.exists(cache):
        images = np.load(cache)
    else:
        images = np.zeros((len(rows), size, size, 3), dtype=np.uint8)
        for i, r in enumerate(rows):
            with Image.open(os.path.join(isic, 'ham10000-224', f"{r['image_id']}.jpg")) as im:
                images[i] = np.asarray(im.convert('RGB').resize((size, size), Image.BILINEAR))
        np.save(cache, images)
    return {'images': images, 'labels': labels, 'lesions': [r['lesion_id'] for r in rows], 'ids': [r['image_id'] for r in rows]}


def demo_lesions(repo_root: str):
    """Lesions of the bundled demo images (demo/isic/labels.csv): always held out for testing."""
    path = os.path.join(repo_root, 'demo', 'isic', 'labels.csv')
    return [r['lesion_id'] for r in csv.DictReader(open(path))] if os.path.exists(path) else []
