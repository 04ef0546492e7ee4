"""Reference timing for bench/dicom-volume.ts: the same job done the usual pydicom way.

List the folder, dcmread every .dcm file, sort the slices by ImagePositionPatient projected on
the slice normal (cross product of the ImageOrientationPatient cosines), and write each slice's
pixel_array × RescaleSlope + RescaleIntercept into one int16 volume. The rescale is done the
fast numpy way (int16 addition in place when the slope is 1 and the result cannot overflow,
float32 otherwise), not with pydicom's float64 apply_modality_lut, so that the comparison is
with pydicom at its quickest rather than at its most convenient. Run with Debian's python (/usr/bin/python3,
which has python3-pydicom and python3-numpy). Prints one JSON line so the TypeScript benchmark
can read it; also usable on its own: /usr/bin/python3 bench/pydicom_volume.py [folder] [runs]
One untimed warm-up run comes first (imports, page cache), as on the TypeScript side.
"""
import json
import os
import statistics
import sys
import time

import numpy as np
import pydicom


def load_volume(folder):
    paths = []
    for dirpath, _, names in os.walk(folder):
        paths += [os.path.join(dirpath, n) for n in names if n.lower().endswith('.dcm')]
    datasets = [pydicom.dcmread(p) for p in paths]
    o = np.array(datasets[0].ImageOrientationPatient, dtype=np.float64)
    normal = np.cross(o[:3], o[3:])
    datasets.sort(key=lambda d: float(np.dot(np.array(d.ImagePositionPatient, dtype=np.float64), normal)))
    hu = np.empty((len(datasets), datasets[0].Rows, datasets[0].Columns), dtype=np.int16)
    for i, d in enumerate(datasets):
        px = d.pixel_array
        slope = float(getattr(d, 'RescaleSlope', 1))
        intercept = float(getattr(d, 'RescaleIntercept', 0))
        if slope == 1 and intercept.is_integer() and px.dtype == np.int16 and -32768 <= int(px.min()) + intercept and int(px.max()) + intercept <= 32767:
            np.add(px, np.int16(intercept), out=hu[i])
        else:
            hu[i] = np.clip(np.rint(px.astype(np.float32) * np.float32(slope) + np.float32(intercept)), -32768, 32767)
    return hu


def read_bytes(folder):
    total = 0
    for dirpath, _, names in os.walk(folder):
        for n in names:
            if n.lower().endswith('.dcm'):
                with open(os.path.join(dirpath, n), 'rb') as f:
                    total += len(f.read())
    return total


def timed(fn, runs):
    times = []
    result = fn()  # warm-up, not timed
    for _ in range(runs):
        t = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), result


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..', '..', 'shared', 'data', 'lidc', 'series', 'LIDC-IDRI-0001')
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    volume_ms, hu = timed(lambda: load_volume(folder), runs)
    read_ms, _ = timed(lambda: read_bytes(folder), runs)
    print(json.dumps({
        'volume_ms': round(volume_ms, 1),
        'read_bytes_ms': round(read_ms, 1),
        'shape': list(hu.shape),
        'hu_min': int(hu.min()),
        'hu_max': int(hu.max()),
        'pydicom': pydicom.__version__,
    }))


if __name__ == '__main__':
    main()
