"""LIDC nodule crops (../shared/data/lidc/nodule-crops): one 71×71 HU crop per reader
annotation, with that reader's nine ratings and contour.

Targets per crop:
- malignant: 1 if the reader rated malignancy ≥ 4, 0 if ≤ 2, unused (−1) for 3 (indeterminate);
- regression: the mean over the readers of the same physical nodule of subtlety, calcification,
  sphericity, margin, lobulation, spiculation, texture and malignancy, and the mean diameter
  (mm: max Feret diameter of each reader's contour × pixel spacing). Readers' annotations are
  grouped into physical nodules per patient by single linkage of their contour centroids
  within 10 mm (x, y from the contour, z = imageZposition).
Groups for splitting: the patient (StudyInstanceUID)."""
import csv
import math
import os

import numpy as np

BIOMARKERS = ['subtlety', 'calcification', 'sphericity', 'margin', 'lobulation', 'spiculation', 'texture', 'malignancy']
REGRESSION = BIOMARKERS + ['diameter']
LINK_MM = 10.0
# LIDC-IDRI-0001, the bundled demo case: always in the test part.
DEMO_STUDY = '1.3.6.1.4.1.14519.5.2.1.6279.6001.298806137288633453246975630178'


def _contour(coords: str):
    pts = [tuple(float(v) for v in p.split(';')) for p in coords.split('|') if p]
    return np.array(pts, dtype=np.float64)


def max_feret(points) -> float:
    if len(points) < 2:
        return 0.0
    d = points[:, None, :] - points[None, :, :]
    return float(np.sqrt((d ** 2).sum(-1)).max())


def _physical_groups(rows):
    """Single-linkage clusters of annotations (per patient) whose centroids lie within LINK_MM."""
    parent = list(range(len(rows)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_patient = {}
    for i, r in enumerate(rows):
        by_patient.setdefault(r['study'], []).append(i)
    for members in by_patient.values():
        for a_i, a in enumerate(members):
            for b in members[a_i + 1:]:
                ra, rb = rows[a], rows[b]
                if math.dist(ra['centre_mm'], rb['centre_mm']) <= LINK_MM:
                    parent[find(a)] = find(b)
    return [find(i) for i in range(len(rows))]


def load(data_dir: str):
    crops_dir = os.path.join(data_dir, 'lidc', 'nodule-crops')
    crops = np.load(os.path.join(crops_dir, 'crops_hu_int16.npy'))
    index = list(csv.DictReader(open(os.path.join(crops_dir, 'crops_index.csv'))))
    ratings = {r['noduleID']: r for r in csv.DictReader(open(os.path.join(crops_dir, 'ratings.csv')))}
    rows = []
    for entry in index:
        r = ratings[entry['noduleID']]
        spacing = float(r['PixelSpacing'])
        contour = _contour(r['coords'])
        cx, cy = contour.mean(0) * spacing
        rows.append({
            'row': int(entry['row']), 'study': r['StudyInstanceUID'],
            'ratings': {k: float(r[k]) for k in BIOMARKERS},
            'diameter': max_feret(contour) * spacing,
            'centre_mm': (cx, cy, float(r['imageZposition'])),
        })
    groups = _physical_groups(rows)
    regression = np.zeros((len(rows), len(REGRESSION)), dtype=np.float32)
    for g in set(groups):
        members = [i for i, x in enumerate(groups) if x == g]
        mean = [np.mean([rows[i]['ratings'][k] for i in members]) for k in BIOMARKERS] + [np.mean([rows[i]['diameter'] for i in members])]
        regression[members] = mean
    malignancy = np.array([r['ratings']['malignancy'] for r in rows])
    malignant = np.where(malignancy >= 4, 1, np.where(malignancy <= 2, 0, -1)).astype(np.int64)
    images = crops[[r['row'] for r in rows]].astype(np.float32)
    # Outside the scanner's field of view (−2048): air, as the app pads a crop beyond the image.
    images[images < -1024] = -1000.0
    return {
        'images': images, 'malignant': malignant, 'regression': regression,
        'patients': [r['study'] for r in rows], 'physical': groups, 'rows': [r['row'] for r in rows],
    }
