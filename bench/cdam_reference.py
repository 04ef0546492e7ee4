"""Reference timings for the CDAM benchmark (bench/cdam.ts): the maps computed the way the
reference implementation does (obzai/CDAM maps.py) — torch.autograd with hooks on the last
block's norm1; Smooth CDAM as 50 separate backward passes, Integrated CDAM as 49 — in Debian's
torch on THREADS threads (BENCH_THREADS, the count ONNX Runtime gets). Prints one JSON line.
Run with /usr/bin/python3.

    /usr/bin/python3 bench/cdam_reference.py test-vit-lidc [runs] [threads]
"""
import json
import os
import statistics
import sys
import time

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, 'models'))
sys.path.insert(0, os.path.join(ROOT, 'models', 'test-vit'))

from exporter.reference import cdam_from_image, cdam_from_residual, integrated_cdam  # noqa: E402


def load_model(pack_id: str):
    """The PyTorch model behind a pack (the packs hold ONNX only): the test packs are rebuilt
    from their seeds, the demo models from the weights their training scripts saved."""
    if pack_id in ('lidc-vit', 'isic-vit'):
        from exporter.vit import ViT  # noqa: E402
        folder = os.path.join(ROOT, 'models', pack_id)
        sys.path.insert(0, folder)
        import importlib.util
        spec = importlib.util.spec_from_file_location(f'{pack_id}_train', os.path.join(folder, 'train.py'))
        train = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(train)
        vit = ViT(train.CONFIG)
        vit.load_state_dict(torch.load(os.path.join(folder, 'weights.pt')))
        return vit.eval()
    import make_test_packs as t  # noqa: E402
    specs = {'test-vit-lidc': (t.LIDC, 1, 11), 'test-vit-isic': (t.ISIC, 3, 12)}
    if pack_id not in specs:
        raise SystemExit(f'unknown pack {pack_id}')
    spec, chans, seed = specs[pack_id]
    return t.random_vit(chans, sum(len(h['units']) for h in spec['outputs']), seed)


def smooth_reference(vit, residual, seed_vec, samples=50, noise_level=0.05):
    """maps.py `concept_map_smoothgrad`: torch.normal noise (not the app's seeded generator,
    whose pure-Python fixtures version would slow the reference unfairly), one pass per sample."""
    std = noise_level * float(residual.max() - residual.min())
    maps = [cdam_from_residual(vit, residual + torch.normal(0.0, std, size=residual.shape), seed_vec) for _ in range(samples)]
    return torch.stack(maps).mean(0)


def median_ms(fn, runs: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main():
    pack_id = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    torch.set_num_threads(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    vit = load_model(pack_id)
    cfg = vit.cfg
    image = torch.randn(1, cfg.in_chans, cfg.img_size, cfg.img_size, generator=torch.Generator().manual_seed(0))
    seed_vec = torch.nn.functional.one_hot(torch.tensor([0]), cfg.n_outputs).float()

    def residual():
        with torch.no_grad():
            return vit.forward_parts(image)['residual']

    result = {
        'pack': pack_id, 'torch': torch.__version__, 'threads': torch.get_num_threads(), 'runs': runs,
        'vanilla_ms': median_ms(lambda: cdam_from_image(vit, image, seed_vec), runs),
        'smooth50_ms': median_ms(lambda: smooth_reference(vit, residual(), seed_vec), runs),
        'integrated50_ms': median_ms(lambda: integrated_cdam(vit, residual(), seed_vec, 50), runs),
    }
    print(json.dumps(result))


if __name__ == '__main__':
    main()
