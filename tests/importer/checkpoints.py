"""Checkpoints in the published ViT layouts, with seeded random weights at real sizes, written at
test time (never committed), and an independent forward pass of each layout written from its
own key names (not through models/exporter/vit.py) to check what the importer built.

    /usr/bin/python3 tests/importer/checkpoints.py VARIANT OUT_DIR   → OUT_DIR/{checkpoint.pth, head.pth?, labels.txt, args.json}

Key names and shapes: timm/models/vision_transformer.py, dino vision_transformer.py and
eval_linear.py, dinov2/models/vision_transformer.py and dinov2/layers/*, transformers
models/vit/modeling_vit.py and models/dinov2/modeling_dinov2.py (see models/exporter/import_vit.py).
"""
import json
import math
import os
import sys

import torch
import torch.nn.functional as F

LABELS = ['MEL\tMelanoma', 'NV\tMelanocytic nevus', 'BCC\tBasal cell carcinoma', 'AKIEC\tActinic keratosis',
          'BKL\tBenign keratosis', 'DF\tDermatofibroma', 'VASC\tVascular lesion']

# variant → layout, dim, depth, patch, training grid, registers, qkv bias, LayerScale, head
VARIANTS = {
    # the CDAM paper's set-up: DINO ViT-S/8 with eval_linear.py's probe on the last 4 CLS tokens
    'dino-s8': dict(layout='dino', dim=384, depth=12, patch=8, grid=28, head=('probe-dino', 4, False), input=224),
    'timm-b16': dict(layout='timm', dim=768, depth=12, patch=16, grid=14, head=('own', 1, False), input=224),
    # the e2e's real-size ViT (tests/e2e/own-models.spec.ts): timm ViT-S/16 @224, its own head
    'timm-s16': dict(layout='timm', dim=384, depth=12, patch=16, grid=14, head=('own', 1, False), input=224),
    # DINOv2 ViT-S/14 with 4 registers, trained at 518 (37×37), no qkv bias, a DINOv2 linear head on 4 CLS + avg
    'dinov2-s14-reg4': dict(layout='dinov2', dim=384, depth=12, patch=14, grid=37, registers=4, qkv_bias=False, layer_scale=True,
                            head=('probe-dinov2', 4, True), input=224),
    'hf-vit-b16': dict(layout='hf', dim=768, depth=12, patch=16, grid=14, head=('own', 1, False), input=224),
    # small ones for the refusal and option tests
    'timm-avg-small': dict(layout='timm', dim=128, depth=3, patch=16, grid=4, head=('own-avg', 1, False), input=96),
    'hf-dinov2-small': dict(layout='hf', dim=128, depth=3, patch=14, grid=5, layer_scale=True, hf_dinov2=True, head=('own', 1, True), input=84),
    'dino-avg-small': dict(layout='dino', dim=128, depth=3, patch=16, grid=4, head=('probe-dino', 1, True), input=64),
}


def _w(g, *shape, std=0.02):
    return torch.randn(*shape, generator=g) * std


def _ln(g, d, prefix, sd):
    sd[prefix + '.weight'] = 1.0 + 0.2 * torch.randn(d, generator=g)
    sd[prefix + '.bias'] = 0.1 * torch.randn(d, generator=g)


def make(variant: str, seed: int = 0):
    """(state dict in the layout's own names, head state dict or None, config)."""
    v = dict(VARIANTS[variant])
    v.setdefault('registers', 0)
    v.setdefault('qkv_bias', True)
    v.setdefault('layer_scale', False)
    g = torch.Generator().manual_seed(seed)
    d, p, depth, grid = v['dim'], v['patch'], v['depth'], v['grid']
    hidden, k = 4 * d, len(LABELS)
    std_in = 1.0 / math.sqrt(3 * p * p)
    sd = {}
    if v['layout'] == 'hf':
        pre = 'dinov2.' if v.get('hf_dinov2') else 'vit.'
        sd[pre + 'embeddings.cls_token'] = _w(g, 1, 1, d, std=0.5)
        sd[pre + 'embeddings.position_embeddings'] = _w(g, 1, 1 + grid * grid, d, std=0.5)
        sd[pre + 'embeddings.patch_embeddings.projection.weight'] = _w(g, d, 3, p, p, std=std_in)
        sd[pre + 'embeddings.patch_embeddings.projection.bias'] = _w(g, d)
        if v.get('hf_dinov2'):
            sd[pre + 'embeddings.mask_token'] = _w(g, 1, d)
        for i in range(depth):
            s = f'{pre}encoder.layer.{i}.'
            n1, n2, f1, f2 = (('norm1', 'norm2', 'mlp.fc1', 'mlp.fc2') if v.get('hf_dinov2') else
                              ('layernorm_before', 'layernorm_after', 'intermediate.dense', 'output.dense'))
            _ln(g, d, s + n1, sd)
            for n in ('query', 'key', 'value'):
                sd[f'{s}attention.attention.{n}.weight'] = _w(g, d, d, std=1.0 / math.sqrt(d))
                sd[f'{s}attention.attention.{n}.bias'] = _w(g, d)
            sd[s + 'attention.output.dense.weight'] = _w(g, d, d, std=1 / math.sqrt(d))
            sd[s + 'attention.output.dense.bias'] = _w(g, d)
            _ln(g, d, s + n2, sd)
            sd[s + f1 + '.weight'] = _w(g, hidden, d, std=1 / math.sqrt(d))
            sd[s + f1 + '.bias'] = _w(g, hidden)
            sd[s + f2 + '.weight'] = _w(g, d, hidden, std=1 / math.sqrt(hidden))
            sd[s + f2 + '.bias'] = _w(g, d)
            if v.get('hf_dinov2'):
                sd[s + 'layer_scale1.lambda1'] = 0.5 + 0.2 * torch.randn(d, generator=g)
                sd[s + 'layer_scale2.lambda1'] = 0.5 + 0.2 * torch.randn(d, generator=g)
        _ln(g, d, pre + 'layernorm', sd)
        width = 2 * d if v.get('hf_dinov2') else d
        sd['classifier.weight'] = _w(g, k, width, std=1 / math.sqrt(width))
        sd['classifier.bias'] = _w(g, k)
        return sd, None, v
    sd['patch_embed.proj.weight'] = _w(g, d, 3, p, p, std=std_in)
    sd['patch_embed.proj.bias'] = _w(g, d)
    sd['cls_token'] = _w(g, 1, 1, d, std=0.5)
    sd['pos_embed'] = _w(g, 1, 1 + grid * grid, d, std=0.5)
    if v['layout'] == 'dinov2':
        sd['mask_token'] = _w(g, 1, d)
        if v['registers']:
            sd['register_tokens'] = _w(g, 1, v['registers'], d, std=0.5)
    for i in range(depth):
        b = f'blocks.{i}.'
        _ln(g, d, b + 'norm1', sd)
        sd[b + 'attn.qkv.weight'] = _w(g, 3 * d, d, std=1.0 / math.sqrt(d))
        if v['qkv_bias']:
            sd[b + 'attn.qkv.bias'] = _w(g, 3 * d)
        sd[b + 'attn.proj.weight'] = _w(g, d, d, std=1 / math.sqrt(d))
        sd[b + 'attn.proj.bias'] = _w(g, d)
        if v['layer_scale']:
            sd[b + 'ls1.gamma'] = 0.5 + 0.2 * torch.randn(d, generator=g)
            sd[b + 'ls2.gamma'] = 0.5 + 0.2 * torch.randn(d, generator=g)
        _ln(g, d, b + 'norm2', sd)
        sd[b + 'mlp.fc1.weight'] = _w(g, hidden, d, std=1 / math.sqrt(d))
        sd[b + 'mlp.fc1.bias'] = _w(g, hidden)
        sd[b + 'mlp.fc2.weight'] = _w(g, d, hidden, std=1 / math.sqrt(hidden))
        sd[b + 'mlp.fc2.bias'] = _w(g, d)
    kind, n, avg = v['head']
    if kind == 'own-avg':  # timm global_pool='avg': fc_norm, norm = Identity
        _ln(g, d, 'fc_norm', sd)
    else:
        _ln(g, d, 'norm', sd)
    head = None
    width = d * (n + int(avg))
    if kind.startswith('own'):
        sd['head.weight'] = _w(g, k, width, std=1 / math.sqrt(width))
        sd['head.bias'] = _w(g, k)
    elif kind == 'probe-dino':  # eval_linear.py: DDP-wrapped LinearClassifier in 'state_dict'
        head = {'state_dict': {'module.linear.weight': _w(g, k, width, std=1 / math.sqrt(width)), 'module.linear.bias': _w(g, k)}}
    else:  # a DINOv2 linear head: nn.Linear((1 + layers)·D, K)
        head = {'weight': _w(g, k, width, std=1 / math.sqrt(width)), 'bias': _w(g, k)}
    return sd, head, v


# ---------------------------------------------------------------- independent forward passes

def _resample(pos, grid):
    g0 = math.isqrt(pos.shape[1] - 1)
    if g0 == grid:
        return pos
    d = pos.shape[2]
    x = pos[:, 1:].float().reshape(1, g0, g0, d).permute(0, 3, 1, 2)
    x = F.interpolate(x, size=(grid, grid), mode='bicubic', antialias=True, align_corners=False)
    return torch.cat([pos[:, :1], x.permute(0, 2, 3, 1).reshape(1, grid * grid, d).to(pos.dtype)], 1)


def _attention(x, wq, bq, wk, bk, wv, bv, wo, bo, heads):
    b, n, d = x.shape
    dh = d // heads
    split = lambda t: t.reshape(b, n, heads, dh).transpose(1, 2)  # noqa: E731
    q, k, v = split(F.linear(x, wq, bq)), split(F.linear(x, wk, bk)), split(F.linear(x, wv, bv))
    a = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(dh), -1)
    return F.linear((a @ v).transpose(1, 2).reshape(b, n, d), wo, bo)


def reference_logits(variant: str, sd: dict, head, image):
    """The logits of the model the checkpoint describes, in float64, from the layout's own key names."""
    v = VARIANTS[variant]
    sd = {k: t.double() for k, t in sd.items()}
    d, p, depth = v['dim'], v['patch'], v['depth']
    heads, grid, r = d // 64, image.shape[-1] // p, v.get('registers', 0)
    if v['layout'] == 'hf':
        pre = 'dinov2.' if v.get('hf_dinov2') else 'vit.'
        eps = 1e-6 if v.get('hf_dinov2') else 1e-12
        e = lambda k: sd[pre + k]  # noqa: E731
        x = F.conv2d(image, e('embeddings.patch_embeddings.projection.weight'), e('embeddings.patch_embeddings.projection.bias'), stride=p)
        x = torch.cat([e('embeddings.cls_token'), x.flatten(2).transpose(1, 2)], 1) + _resample(e('embeddings.position_embeddings'), grid)
        for i in range(depth):
            s = f'encoder.layer.{i}.'
            n1, n2, f1, f2 = (('norm1', 'norm2', 'mlp.fc1', 'mlp.fc2') if v.get('hf_dinov2') else
                              ('layernorm_before', 'layernorm_after', 'intermediate.dense', 'output.dense'))
            h = F.layer_norm(x, (d,), e(s + n1 + '.weight'), e(s + n1 + '.bias'), eps)
            a = _attention(h, *[e(f'{s}attention.attention.{n}.{w}') for n in ('query', 'key', 'value') for w in ('weight', 'bias')],
                           e(s + 'attention.output.dense.weight'), e(s + 'attention.output.dense.bias'), heads)
            x = x + (a * e(s + 'layer_scale1.lambda1') if v.get('hf_dinov2') else a)
            h = F.layer_norm(x, (d,), e(s + n2 + '.weight'), e(s + n2 + '.bias'), eps)
            m = F.linear(F.gelu(F.linear(h, e(s + f1 + '.weight'), e(s + f1 + '.bias'))), e(s + f2 + '.weight'), e(s + f2 + '.bias'))
            x = x + (m * e(s + 'layer_scale2.lambda1') if v.get('hf_dinov2') else m)
        y = F.layer_norm(x, (d,), e('layernorm.weight'), e('layernorm.bias'), eps)
        feat = torch.cat([y[:, 0], y[:, 1:].mean(1)], -1) if v.get('hf_dinov2') else y[:, 0]
        return F.linear(feat, sd['classifier.weight'], sd['classifier.bias'])
    eps = 1e-6
    x = F.conv2d(image, sd['patch_embed.proj.weight'], sd['patch_embed.proj.bias'], stride=p).flatten(2).transpose(1, 2)
    x = torch.cat([sd['cls_token'], x], 1) + _resample(sd['pos_embed'], grid)
    if r:
        x = torch.cat([x[:, :1], sd['register_tokens'], x[:, 1:]], 1)
    outs = []
    for i in range(depth):
        b = f'blocks.{i}.'
        h = F.layer_norm(x, (d,), sd[b + 'norm1.weight'], sd[b + 'norm1.bias'], eps)
        wq, wk, wv = sd[b + 'attn.qkv.weight'].chunk(3)
        bq, bk, bv = sd[b + 'attn.qkv.bias'].chunk(3) if b + 'attn.qkv.bias' in sd else (None, None, None)
        a = _attention(h, wq, bq, wk, bk, wv, bv, sd[b + 'attn.proj.weight'], sd[b + 'attn.proj.bias'], heads)
        x = x + (a * sd[b + 'ls1.gamma'] if b + 'ls1.gamma' in sd else a)
        h = F.layer_norm(x, (d,), sd[b + 'norm2.weight'], sd[b + 'norm2.bias'], eps)
        m = F.linear(F.gelu(F.linear(h, sd[b + 'mlp.fc1.weight'], sd[b + 'mlp.fc1.bias'])), sd[b + 'mlp.fc2.weight'], sd[b + 'mlp.fc2.bias'])
        x = x + (m * sd[b + 'ls2.gamma'] if b + 'ls2.gamma' in sd else m)
        outs.append(x)
    kind, n, avg = v['head']
    if kind == 'own-avg':
        feat = F.layer_norm(x[:, 1 + r:].mean(1), (d,), sd['fc_norm.weight'], sd['fc_norm.bias'], eps)
        return F.linear(feat, sd['head.weight'], sd['head.bias'])
    normed = [F.layer_norm(o, (d,), sd['norm.weight'], sd['norm.bias'], eps) for o in outs[-n:]]
    feat = torch.cat([o[:, 0] for o in normed], -1)
    if kind == 'own':
        return F.linear(feat, sd['head.weight'], sd['head.bias'])
    if kind == 'probe-dino':
        if avg:  # eval_linear.py: (cls, avg) stacked on a last axis, then flattened: interleaved
            feat = torch.cat((feat.unsqueeze(-1), normed[-1][:, 1:].mean(1).unsqueeze(-1)), -1).reshape(feat.shape[0], -1)
        w = head['state_dict']
        return F.linear(feat, w['module.linear.weight'].double(), w['module.linear.bias'].double())
    if avg:  # dinov2/eval/linear.py create_linear_input: CLS tokens, then the last block's average patch token
        feat = torch.cat([feat, normed[-1][:, 1 + r:].mean(1)], -1)
    return F.linear(feat, head['weight'].double(), head['bias'].double())


def write(variant: str, out_dir: str, seed: int = 0) -> dict:
    """The checkpoint, head and labels files, and the import arguments, in out_dir."""
    os.makedirs(out_dir, exist_ok=True)
    sd, head, v = make(variant, seed)
    files = {'checkpoint': os.path.join(out_dir, 'checkpoint.pth'), 'labels': os.path.join(out_dir, 'labels.txt')}
    torch.save(sd, files['checkpoint'])
    if head is not None:
        files['head'] = os.path.join(out_dir, 'head.pth')
        torch.save(head, files['head'])
    with open(files['labels'], 'w') as f:
        f.write('\n'.join(LABELS) + '\n')
    args = ['--checkpoint', files['checkpoint'], '--layout', v['layout'], '--input', str(v['input']), '--labels', files['labels'],
            '--id', f'imported-{variant}', '--name', f'Imported {variant} (random weights)', '--purpose', 'test',
            '--description', 'Software tests of the importer only; random weights.']
    if head is not None:
        args += ['--head', files['head']]
    with open(os.path.join(out_dir, 'args.json'), 'w') as f:
        json.dump(args, f)
    return {'files': files, 'args': args}


def check(variant: str, pack_dir: str, seed: int = 0) -> float:
    """max |outputs in fixtures.json − the independent forward pass| / max |…| over the fixtures' images."""
    sd, head, v = make(variant, seed)
    with open(os.path.join(pack_dir, 'fixtures.json')) as f:
        cases = json.load(f)['cases']
    worst = 0.0
    for c in cases:
        image = torch.tensor(c['image'], dtype=torch.float64).reshape(1, 3, v['input'], v['input'])
        ref = reference_logits(variant, sd, head, image)[0]
        ours = torch.tensor(c['outputs'], dtype=torch.float64)
        worst = max(worst, float((ours - ref).abs().max() / ref.abs().max()))
    return worst


if __name__ == '__main__':
    torch.set_num_threads(1)
    if sys.argv[1] == 'check':  # check VARIANT PACK_DIR
        print(json.dumps({'outputsMaxRelDiff': check(sys.argv[2], sys.argv[3])}))
    else:  # VARIANT OUT_DIR
        print(json.dumps(write(sys.argv[1], sys.argv[2])))
