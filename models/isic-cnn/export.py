"""Exports the trained demo CNN (weights.pt, from train.py) for a black-box pack with CAM:

    /usr/bin/python3 models/isic-cnn/export.py [--out models/isic-cnn/.cache/export]

writes into --out
- model.onnx: `image` [B, 3, 128, 128] (normalised with ImageNet's mean and std) →
  `logits` [B, 7] and `features` [B, 192, 8, 8] (the last convolutional feature map, after its ReLU);
- cam-head.json: the linear head after global average pooling, {"weight": W [7][192], "bias": b [7]},
  so that logits = mean_hw(features) · Wᵀ + b — what the pack's blackBox.cam declares and Verdict
  checks at load;
- fixtures.json: reference maps on held-out test images, by torch.autograd in float64 (below);
- labels.txt, card.json: the pack writer's inputs (`verdict model pack`).

Reference maps (per image and target class k):
- CAM (Zhou et al., "Learning Deep Features for Discriminative Localization", CVPR 2016):
  M_k = Σ_c W_kc A_c on the h×w grid, brought to the input size bilinearly.
- Grad-CAM as jacobgil/pytorch-grad-cam defines it (pytorch_grad_cam/grad_cam.py
  get_cam_weights, base_cam.py compute_cam_per_layer and aggregate_multi_layers,
  utils/image.py scale_cam_image): α_c = spatial mean of ∂y_k/∂A_c (y_k the logit, as
  ClassifierOutputTarget), cam = ReLU(Σ_c α_c A_c), then per image: minus its min, divided by
  (1e-7 + its max), resized to the input's width × height (cv2.resize, INTER_LINEAR: pixel centres
  at half-integers, edges clamped — for enlarging the same as torch's bilinear interpolate with
  align_corners=False, used here since OpenCV is not a dependency: on float32 maps 8×8 → 128×128,
  7×7 → 224×224 and 5×9 → 100×180 the two differ by at most 1e-6, OpenCV 4.6); then ReLU, the mean over the
  one target layer and scale_cam_image again (min-max, no resize). The gradient is torch.autograd's,
  not the closed form W_kc / (h·w) that a GAP + linear head gives: the fixture checks that the two agree.
"""
import argparse
import base64
import json
import os
import sys

import numpy as np
import onnx
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, 'models'))
sys.path.insert(0, HERE)

from net import SmallResNet  # noqa: E402
from train import MEAN, SIZE, STD, load_split, to_input  # noqa: E402
from training import data_isic  # noqa: E402

OPSET = 17
NAMES = {'MEL': 'Melanoma', 'NV': 'Melanocytic nevus', 'BCC': 'Basal cell carcinoma', 'AKIEC': 'Actinic keratosis / intraepithelial carcinoma',
         'BKL': 'Benign keratosis', 'DF': 'Dermatofibroma', 'VASC': 'Vascular lesion'}


class WithFeatures(torch.nn.Module):
    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, image):
        features = self.net.forward_features(image)
        return self.net.head(features.mean((2, 3))), features


def b64_f32(a) -> str:
    return base64.b64encode(np.ascontiguousarray(np.asarray(a, dtype='<f4')).tobytes()).decode()


def scale_cam_image(cam, size=None):
    """pytorch-grad-cam utils/image.py scale_cam_image for one map [h, w] (float64)."""
    cam = cam - cam.min()
    cam = cam / (1e-7 + cam.max())
    if size is not None:
        cam = torch.nn.functional.interpolate(cam[None, None], size=size, mode='bilinear', align_corners=False)[0, 0]
    return cam


def grad_cam_reference(net64, x64, k):
    """pytorch-grad-cam's GradCAM with one target layer (the last block) and ClassifierOutputTarget(k)."""
    feats = {}

    def hook(_m, _i, out):
        out.retain_grad()
        feats['a'] = out

    h = net64.layers[-1].register_forward_hook(hook)
    try:
        logits = net64(x64)
        net64.zero_grad()
        logits[0, k].backward()
    finally:
        h.remove()
    a, grads = feats['a'].detach()[0], feats['a'].grad[0]
    weights = grads.mean((1, 2))
    cam = torch.relu((weights[:, None, None] * a).sum(0))
    scaled = scale_cam_image(cam, (x64.shape[-2], x64.shape[-1]))
    aggregated = torch.relu(scaled[None]).mean(0)
    return scale_cam_image(aggregated), grads, a, logits.detach()[0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', default=os.path.join(ROOT, '..', 'shared', 'data'))
    ap.add_argument('--out', default=os.path.join(HERE, '.cache', 'export'))
    ap.add_argument('--weights', default=os.path.join(HERE, 'weights.pt'))
    args = ap.parse_args()
    torch.set_num_threads(1)
    os.makedirs(args.out, exist_ok=True)
    k = len(data_isic.CLASSES)
    net = SmallResNet(k)
    net.load_state_dict(torch.load(args.weights))
    net.eval()

    onnx_path = os.path.join(args.out, 'model.onnx')
    torch.onnx.export(WithFeatures(net), (torch.zeros(1, 3, SIZE, SIZE),), onnx_path, input_names=['image'],
                      output_names=['logits', 'features'], dynamic_axes={n: {0: 'batch'} for n in ['image', 'logits', 'features']},
                      opset_version=OPSET, do_constant_folding=True)
    onnx.checker.check_model(onnx.load(onnx_path))

    w, b = net.head.weight.detach(), net.head.bias.detach()
    with open(os.path.join(args.out, 'cam-head.json'), 'w') as f:
        json.dump({'weight': [[float(v) for v in row] for row in w.numpy().astype(np.float32)],
                   'bias': [float(v) for v in b.numpy().astype(np.float32)]}, f)
    with open(os.path.join(args.out, 'labels.txt'), 'w') as f:
        f.write(''.join(f'{c}\t{NAMES[c]}\n' for c in data_isic.CLASSES))

    # Reference maps on held-out test images, in float64.
    d, tr, va, te = load_split(args.data)
    net64 = SmallResNet(k).double()
    net64.load_state_dict(net.state_dict())
    net64.eval()
    cases = []
    worst_closed_form = 0.0
    # The first held-out image of melanoma, basal cell carcinoma and nevus (the lowest test indexes are all nevi).
    picks = [next(i for i in sorted(te) if d['labels'][i] == data_isic.CLASSES.index(c)) for c in ['MEL', 'BCC', 'NV']]
    for i in picks:
        u8 = d['images'][i]
        x64 = to_input(u8[None]).double()
        with torch.no_grad():
            logits = net64(x64)[0]
        predicted = int(logits.argmax())
        maps = []
        for target in sorted({predicted, int(d['labels'][i])}):
            gc, grads, a, _ = grad_cam_reference(net64, x64, target)
            # For a GAP + linear head ∂y_k/∂A_c(i, j) = W_kc / (h·w): autograd must agree.
            hw = a.shape[1] * a.shape[2]
            worst_closed_form = max(worst_closed_form, float((grads - net64.head.weight[target].detach()[:, None, None] / hw).abs().max()))
            cam = (net64.head.weight[target].detach()[:, None, None] * a).sum(0)
            cam_input = torch.nn.functional.interpolate(cam[None, None], size=(SIZE, SIZE), mode='bilinear', align_corners=False)[0, 0]
            maps.append({'target': data_isic.CLASSES[target], 'targetIndex': target, 'camGrid': cam.flatten().tolist(),
                         'cam': b64_f32(cam_input.numpy()), 'gradCam': b64_f32(gc.numpy())})
        cases.append({'imageId': d['ids'][i], 'label': data_isic.CLASSES[int(d['labels'][i])],
                      'image': base64.b64encode(np.ascontiguousarray(u8).tobytes()).decode(), 'logits': logits.tolist(), 'maps': maps})
    if worst_closed_form > 1e-12:
        raise SystemExit(f'autograd gradient differs from W/(h·w) by {worst_closed_form}: the head is not GAP + linear')
    fixtures = {
        'reference': 'models/isic-cnn/export.py: torch.autograd in float64; Grad-CAM as jacobgil/pytorch-grad-cam GradCAM',
        'image': {'layout': 'HWC uint8, base64', 'height': SIZE, 'width': SIZE, 'mean': MEAN, 'std': STD},
        'grid': [int(a.shape[1]), int(a.shape[2])], 'maps': 'cam and gradCam: H×W float32 little-endian, base64; camGrid: h×w',
        'cases': cases,
    }
    with open(os.path.join(args.out, 'fixtures.json'), 'w') as f:
        json.dump(fixtures, f)
    if os.path.exists(os.path.join(HERE, 'training-log.json')):
        with open(os.path.join(args.out, 'card.json'), 'w') as f:
            json.dump(card(json.load(open(os.path.join(HERE, 'training-log.json')))), f, indent=1)
    print(f'wrote {args.out}: {sum(len(c["maps"]) for c in cases)} reference maps; autograd vs W/(h·w) max diff {worst_closed_form:.2e}')


def card(log):
    t, s = log['test'], log['split']
    best = max(log['history'], key=lambda h: h['val'])
    vit_log = os.path.join(ROOT, 'models', 'isic-vit', 'training-log.json')
    vit = json.load(open(vit_log))['test'] if os.path.exists(vit_log) else None
    return {
        'intendedUse': 'Research demonstration of explanation methods in Verdict (a CNN, read as a black box with CAM / Grad-CAM); not for clinical use.',
        'training': (f"From scratch on {s['train']} HAM10000/ISIC 2018 images, validation {s['val']}, test {s['test']}, split by lesion_id "
                     f"with isic-vit's seed {log['seed']} (the same split); whole image resized to {log['size']}×{log['size']}; a narrow "
                     f"ResNet (one basic block per stage, widths 32-64-128-192, {log['parameters']:,} parameters) ending in global average "
                     f"pooling and a linear layer; class-balanced cross-entropy, rotation/flip/shift/brightness augmentation; AdamW, "
                     f"{len(log['history'])} epochs, {log['minutes']:.1f} min on one CPU thread."),
        'metrics': {**{k: round(v, 4) for k, v in t.items()}, 'test images': s['test']},
        'notes': ['Small, low-resolution and trained from scratch on CPU: published ISIC CNNs with pretrained backbones reach balanced accuracy around 0.8.',
                  'Held-out test split of isic-vit (the bundled demo images\' lesions included); balanced accuracy is the mean per-class recall.',
                  f"The checkpoint kept is the epoch with the best validation balanced accuracy (epoch {best['epoch']} of {len(log['history'])}: {best['val']:.4f})."]
                 + ([f"isic-vit (64 px ViT) on the same test images: balanced accuracy {vit['balanced accuracy']:.4f}, macro AUC {vit['macro AUC']:.4f}."] if vit else []) + [
                  'CAM and Grad-CAM are read from the graph\'s last feature map (8×8) and the declared linear head; for this head they coincide up to scale.'],
    }


if __name__ == '__main__':
    main()
