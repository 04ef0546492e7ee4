"""The fixed held-out sample a committed pack is re-evaluated on (main/services/models/
pack-evaluation.test.ts): the first 200 test crops by row, their truth as training used it, and
the metrics the exported model scores on them. Written by train.py; run on its own to rebuild
pack-evaluation.json from weights.pt and the pack's manifest:

    /usr/bin/python3 models/lidc-vit/evaluation.py
"""
import json
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, 'models'))
sys.path.insert(0, HERE)

SAMPLE_SIZE = 200


def write_pack_evaluation(model, d, test_rows, norm, evaluate, predict):
    sample = sorted(test_rows)[:SAMPLE_SIZE]
    hu = torch.from_numpy(d['images'][sample]).unsqueeze(1)
    metrics = evaluate(predict(model, hu, norm), d['malignant'][sample], d['regression'][sample])
    out = {
        'data': 'lidc/nodule-crops/crops_hu_int16.npy',
        'rows': [d['rows'][i] for i in sample],
        'truth': {'malignant': [int(d['malignant'][i]) for i in sample], 'regression': [[float(v) for v in d['regression'][i]] for i in sample]},
        'metrics': {k: v for k, v in metrics.items() if isinstance(v, float)},
        'tolerance': 0.002,
    }
    with open(os.path.join(HERE, 'pack-evaluation.json'), 'w') as f:
        json.dump(out, f, indent=1)
    return out


if __name__ == '__main__':
    from exporter.vit import ViT  # noqa: E402
    from training import data_lidc  # noqa: E402
    from training.splits import split_groups  # noqa: E402
    import train  # noqa: E402
    manifest = json.load(open(os.path.join(HERE, 'pack', 'manifest.json')))
    norm = (manifest['input']['normalise']['mean'][0], manifest['input']['normalise']['std'][0])
    model = ViT(train.CONFIG)
    model.load_state_dict(torch.load(os.path.join(HERE, 'weights.pt')))
    model.eval()
    d = data_lidc.load(os.path.join(ROOT, '..', 'shared', 'data'))
    _, _, te = split_groups(d['patients'], seed=train.SEED, force_test=[data_lidc.DEMO_STUDY])
    print(json.dumps(write_pack_evaluation(model, d, te, norm, train.evaluate, train.predict)['metrics'], indent=1))
