"""Seeded splits by group (patient for LIDC, lesion for ISIC): every row of a group lands in the
same part, so no patient or lesion is both trained on and tested on. Groups named in
`force_test` (the bundled demo cases) always go to the test part."""
import random


def split_groups(groups, fractions=(0.7, 0.15, 0.15), seed=0, force_test=()):
    """groups: one group key per row. Returns three lists of row indexes (train, val, test)."""
    keys = sorted(set(groups) - set(force_test))
    random.Random(seed).shuffle(keys)
    n = len(keys)
    n_train = round(n * fractions[0])
    n_val = round(n * fractions[1])
    part = {k: 0 for k in keys[:n_train]}
    part.update({k: 1 for k in keys[n_train:n_train + n_val]})
    part.update({k: 2 for k in keys[n_train + n_val:]})
    part.update({k: 2 for k in force_test})
    out = ([], [], [])
    for i, g in enumerate(groups):
        out[part[g]].append(i)
    return out
