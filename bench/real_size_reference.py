"""Reference timings for the real-size rows of `npm run bench` (bench/real-size.ts), in Debian's
torch at BENCH_THREADS threads (torch.set_num_threads, the same count ONNX Runtime gets):

- ViT (the seeded DINO ViT-S/8 or timm ViT-B/16 checkpoint the bench imported, rebuilt with
  models/exporter/import_vit.py build_vit): the backbone pass; CDAM, Smooth CDAM (50 backward
  passes) and Integrated CDAM (50 steps) with torch.autograd the obzai/CDAM maps.py way, as
  bench/cdam_reference.py does for the bundled packs.
- every model: RISE as eclique/RISE explanations.py does it (N binary s×s grids, each cell kept
  with probability p, upsampled bilinearly to (s+1)·cell and cropped at a random shift; the
  masked images forwarded in batches of 100, gpu_batch there; saliency = Σ p_c(x·m) m / (N p));
  LiMA's cost as its loop pays it: the forward passes of the official bidirectional search
  (RuoyuChen10/LIMA, the count Verdict's search reports for the same image) in batches of 32.
  RISE and LiMA run for at most CAP seconds and are extrapolated linearly to the whole count.
Prints one JSON line. Run with /usr/bin/python3:

    /usr/bin/python3 bench/real_size_reference.py MODEL THREADS CAP_S LIMA_PASSES RISE_MASKS
      MODEL: a .bench/<variant>/made.json (ViT), or models/isic-cnn | models/test-cnn
"""
import json
import os
import resource
import statistics
import sys
import time

import torch
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, 'models'))
sys.path.insert(0, os.path.join(ROOT, 'bench'))


def load(model: str):
    """(torch module mapping images → logits, ViT or None, input size)."""
    if model.endswith('.json'):
        from exporter.import_vit import build_vit
        made = json.load(open(model))
        a = made['args']
        opt = lambda k: a[a.index(k) + 1] if k in a else None  # noqa: E731
        path = lambda k: os.path.join(ROOT, opt(k)) if opt(k) else None  # noqa: E731
        n_labels = sum(1 for line in open(path('--labels')) if line.strip())
        vit, _ = build_vit(path('--checkpoint'), opt('--layout'), int(opt('--input')), n_labels, head=path('--head'))
        return (lambda x: vit(x)), vit, vit.cfg.img_size
    folder = os.path.join(ROOT, model)
    sys.path.insert(0, folder)
    if model.endswith('isic-cnn'):
        from net import SmallResNet
        net = SmallResNet(7)
        size = 128
    else:
        from make_test_cnn import TestCnn
        net = TestCnn()
        size = 64
    net.load_state_dict(torch.load(os.path.join(folder, 'weights.pt')))
    net.eval()
    return net, None, size


def median_ms(fn, runs: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def capped_ms(step, total: int, batch: int, cap_s: float) -> dict:
    """Runs step(b) for batches until `total` items or cap_s seconds; ms for all `total`, extrapolated."""
    step(min(batch, total))  # warm-up
    done, t0 = 0, time.perf_counter()
    while done < total and time.perf_counter() - t0 < cap_s:
        b = min(batch, total - done)
        step(b)
        done += b
    ms = (time.perf_counter() - t0) * 1000
    return {'ms': ms * total / done, 'done': done, 'total': total}


def rise_masks(n, s, p, size, g):
    """eclique/RISE generate_masks: cells kept with probability p, bilinear upsampling, random shift."""
    cell = -(-size // s)
    up = (s + 1) * cell
    grid = (torch.rand(n, 1, s, s, generator=g) < p).float()
    big = F.interpolate(grid, size=(up, up), mode='bilinear', align_corners=False)
    out = torch.empty(n, 1, size, size)
    shifts = torch.randint(0, cell, (n, 2), generator=g)
    for i in range(n):
        x, y = int(shifts[i, 0]), int(shifts[i, 1])
        out[i] = big[i, :, x:x + size, y:y + size]
    return out


def main():
    model, threads, cap_s, lima_passes, rise_n = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    torch.set_num_threads(threads)
    forward, vit, size = load(model)
    g = torch.Generator().manual_seed(0)
    image = torch.randn(1, 3, size, size, generator=g)
    out = {'torch': torch.__version__, 'threads': torch.get_num_threads()}
    with torch.no_grad():
        out['backbone_ms'] = median_ms(lambda: forward(image), 5)
    if vit is not None:
        from cdam_reference import smooth_reference
        from exporter.reference import cdam_from_image, integrated_cdam
        seed_vec = F.one_hot(torch.tensor([0]), vit.cfg.n_outputs).float()

        def residual():
            with torch.no_grad():
                return vit.forward_parts(image)['residual']

        out['cdam_ms'] = median_ms(lambda: cdam_from_image(vit, image, seed_vec), 5)
        out['smooth50_ms'] = median_ms(lambda: smooth_reference(vit, residual(), seed_vec), 2)
        out['integrated50_ms'] = median_ms(lambda: integrated_cdam(vit, residual(), seed_vec, 50), 2)
        out['rss_after_cdam_mb'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    def rise_step(b):
        with torch.no_grad():
            m = rise_masks(b, 7, 0.5, size, g)
            p = torch.softmax(forward(image * m), 1)[:, 0]
            return (p[:, None, None] * m[:, 0]).sum(0)

    def lima_step(b):
        with torch.no_grad():
            keep = (torch.rand(b, 1, 7, 7, generator=g) < 0.5).float()
            m = F.interpolate(keep, size=(size, size), mode='nearest')
            return torch.softmax(forward(image * m), 1)

    out['rise'] = capped_ms(rise_step, rise_n, 100, cap_s)
    out['lima'] = capped_ms(lima_step, lima_passes, 32, cap_s)
    out['max_rss_mb'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


if __name__ == '__main__':
    main()
