"""Your own ViT as a Verdict pack: a PyTorch state dict in one of the published layouts →
backbone.onnx + tail.onnx + fixtures.json + card.md + manifest.json, verified like every pack
(export.py: the explicit CDAM tail equals torch.autograd within 1e-5 relative; float32 vs its
float64 twin).

    cd models && /usr/bin/python3 -m exporter.import_vit --checkpoint FILE --layout timm|dino|dinov2|hf \\
        --input 224 --labels labels.txt --out PACK [--head probe.pth] [--modality dermoscopy|CT] \\
        [--id ID --name NAME --description TEXT]

Key names and shapes follow the projects' published code:
- timm: huggingface/pytorch-image-models timm/models/vision_transformer.py (VisionTransformer:
  patch_embed.proj, cls_token, reg_token, pos_embed, blocks.N.{norm1, attn.qkv, attn.proj, ls1.gamma,
  norm2, mlp.fc1, mlp.fc2, ls2.gamma}, norm, fc_norm, head; global_pool 'token' or 'avg' with
  fc_norm after the pool and norm = Identity; no_embed_class: pos_embed over the patches only)
  and timm/layers/pos_embed.py (resample_abs_pos_embed: bicubic, antialias).
- dino: facebookresearch/dino vision_transformer.py (the same names, LayerNorm eps 1e-6, head
  Identity) and eval_linear.py (LinearClassifier `linear` on the CLS tokens of the last n blocks
  after the final norm; with avgpool_patchtokens, n = 1 and the CLS token and the average patch
  token interleaved feature by feature).
- dinov2: facebookresearch/dinov2 dinov2/models/vision_transformer.py (register_tokens inserted
  after CLS, after the position embedding; mask_token unused at inference; blocks.N or chunked
  blocks.C.N), dinov2/layers/{block,attention,layer_scale}.py (ls1.gamma/ls2.gamma, qkv bias
  optional), and dinov2/eval/linear.py (create_linear_input: CLS tokens of the last n blocks, then
  the average patch token of the last).
- hf: huggingface/transformers models/vit/modeling_vit.py (ViTModel / ViTForImageClassification:
  [vit.]embeddings.{cls_token, position_embeddings, patch_embeddings.projection},
  encoder.layer.N.{layernorm_before, attention.attention.{query,key,value}, attention.output.dense,
  layernorm_after, intermediate.dense, output.dense}, layernorm, classifier on the CLS token;
  layer_norm_eps 1e-12) and models/dinov2/modeling_dinov2.py (Dinov2Model /
  Dinov2ForImageClassification: encoder.layer.N.{norm1, attention…, layer_scale1.lambda1, norm2,
  mlp.fc1, mlp.fc2, layer_scale2.lambda1}, eps 1e-6, classifier on [CLS, mean of patch tokens]).

Everything the tail cannot follow is refused with the key or shape that shows it (ImportRefusal).
"""
import argparse
import math
import os
import re
import sys

import torch
import torch.nn.functional as F

from .vit import ViT, VitConfig

LAYOUTS = ('timm', 'dino', 'dinov2', 'hf')
IMAGENET = {'mean': [0.485, 0.456, 0.406], 'std': [0.229, 0.224, 0.225]}


class ImportRefusal(ValueError):
    """A checkpoint, head or option the importer will not turn into a pack, and why."""


# ---------------------------------------------------------------- reading files

def _tensors(obj, what: str) -> dict:
    if not isinstance(obj, dict) or not obj:
        raise ImportRefusal(f'{what}: expected a state dict (a mapping of names to tensors), got {type(obj).__name__}')
    bad = [k for k, v in obj.items() if not torch.is_tensor(v)]
    if bad:
        raise ImportRefusal(f'{what}: not a state dict: {bad[0]!r} is a {type(obj[bad[0]]).__name__}, not a tensor')
    return obj


def load_state_dict(path: str, key: str = None) -> dict:
    """The tensors of a checkpoint: the file itself, or its `key` entry (DINO's full checkpoints hold
    'teacher'/'student', training scripts 'state_dict'/'model'), with DINO's prefixes 'module.'
    and 'backbone.' (and torch.compile's '_orig_mod.') removed as dino/utils.py load_pretrained_weights does."""
    if not os.path.isfile(path):
        raise ImportRefusal(f'{path}: no such file')
    try:
        obj = torch.load(path, map_location='cpu')
    except Exception as e:  # noqa: BLE001 - any unreadable file is refused with torch's reason
        raise ImportRefusal(f'{path}: not a PyTorch checkpoint ({e})') from e
    if key is not None:
        if not isinstance(obj, dict) or key not in obj:
            raise ImportRefusal(f'{path}: no entry {key!r} (--checkpoint-key); entries: {sorted(obj)[:12] if isinstance(obj, dict) else type(obj).__name__}')
        obj = obj[key]
    elif isinstance(obj, dict) and not any(torch.is_tensor(v) for v in obj.values()):
        for k in ('state_dict', 'model', 'teacher', 'module'):
            if isinstance(obj.get(k), dict):
                obj = obj[k]
                break
    sd = dict(_tensors(obj, path))
    for prefix in ('module.', '_orig_mod.'):
        if sd and all(k.startswith(prefix) for k in sd):
            sd = {k[len(prefix):]: v for k, v in sd.items()}
    if any(k.startswith('backbone.') for k in sd):  # DINO's MultiCropWrapper: backbone.* and the projection head.*
        sd = {k[len('backbone.'):]: v for k, v in sd.items() if k.startswith('backbone.')}
    return sd


def read_labels(path: str) -> list:
    """One label per line, optionally `name<TAB>label`; blank lines skipped. Names must be unique."""
    if not os.path.isfile(path):
        raise ImportRefusal(f'{path}: no such file (--labels)')
    units = []
    with open(path, encoding='utf-8') as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip('\r\n')
            if not line.strip():
                continue
            name, label = line.split('\t', 1) if '\t' in line else (line.strip(), line.strip())
            name, label = name.strip(), label.strip()
            if not name or not label:
                raise ImportRefusal(f'{path}:{number}: empty name or label')
            units.append({'name': name, 'label': label})
    if not units:
        raise ImportRefusal(f'{path}: no labels')
    seen = set()
    for u in units:
        if u['name'] in seen:
            raise ImportRefusal(f'{path}: the name {u["name"]!r} appears twice')
        seen.add(u['name'])
    return units


# ---------------------------------------------------------------- layouts → the exporter's ViT names

def _take(sd: dict, key: str, shape=None, what='checkpoint'):
    if key not in sd:
        raise ImportRefusal(f'{what}: missing key {key!r}')
    t = sd.pop(key)
    if shape is not None and tuple(t.shape) != tuple(shape):
        raise ImportRefusal(f'{what}: {key!r} has shape {list(t.shape)}, expected {list(shape)}')
    return t


def _maybe(sd: dict, key: str, shape=None, what='checkpoint'):
    return _take(sd, key, shape, what) if key in sd else None


def _block_indices(sd: dict, pattern: str) -> list:
    found = sorted({int(m.group(1)) for k in sd for m in [re.match(pattern, k)] if m})
    if not found:
        raise ImportRefusal(f'checkpoint: no transformer blocks (no key matching {pattern!r})')
    if found != list(range(len(found))):
        raise ImportRefusal(f'checkpoint: blocks are not numbered 0…{len(found) - 1}: {found}')
    return found


def _unknown(sd: dict, ignored=()):
    rest = sorted(k for k in sd if k not in ignored)
    if rest:
        more = f' and {len(rest) - 5} more' if len(rest) > 5 else ''
        raise ImportRefusal(f'checkpoint: keys this layout does not know (a different architecture?): {", ".join(rest[:5])}{more}')


def _timm_like(sd: dict, layout: str) -> dict:
    """timm, DINO and DINOv2 share the block names; returns the parts in the exporter's names."""
    if any(re.match(r'blocks\.\d+\.\d+\.', k) for k in sd):  # DINOv2 chunked blocks: blocks.C.N.*
        sd.update({re.sub(r'^blocks\.\d+\.(\d+)\.', r'blocks.\1.', k): sd.pop(k) for k in list(sd) if re.match(r'blocks\.\d+\.\d+\.', k)})
    if any(re.match(r'blocks\.\d+\.mlp\.w12\.', k) for k in sd):
        raise ImportRefusal('checkpoint: blocks.N.mlp.w12 is a SwiGLU feed-forward (DINOv2 ViT-g); the CDAM tail supports the GELU MLP only')
    w = _take(sd, 'patch_embed.proj.weight')
    if w.dim() != 4 or w.shape[2] != w.shape[3]:
        raise ImportRefusal(f"checkpoint: 'patch_embed.proj.weight' has shape {list(w.shape)}, expected [dim, channels, patch, patch]")
    d, c, p = w.shape[0], w.shape[1], w.shape[2]
    out = {'patch_embed.weight': w, 'patch_embed.bias': _take(sd, 'patch_embed.proj.bias', (d,))}
    out['cls_token'] = _take(sd, 'cls_token', (1, 1, d))
    regs = _maybe(sd, 'register_tokens') if layout == 'dinov2' else _maybe(sd, 'reg_token')
    if regs is not None and (regs.dim() != 3 or regs.shape[0] != 1 or regs.shape[2] != d):
        raise ImportRefusal(f"checkpoint: {'register_tokens' if layout == 'dinov2' else 'reg_token'!r} has shape {list(regs.shape)}, expected [1, R, {d}]")
    pos = _take(sd, 'pos_embed')
    if pos.dim() != 3 or pos.shape[0] != 1 or pos.shape[2] != d:
        raise ImportRefusal(f"checkpoint: 'pos_embed' has shape {list(pos.shape)}, expected [1, tokens, {d}]")
    r = 0 if regs is None else regs.shape[1]
    rows = pos.shape[1]
    if _is_square(rows - 1):
        pass  # [CLS, patches]: timm's default, DINO, DINOv2 (registers get no position embedding)
    elif _is_square(rows):  # timm no_embed_class: the patches only; CLS (and registers) get none
        pos = torch.cat([torch.zeros(1, 1, d, dtype=pos.dtype), pos], dim=1)
    elif r and layout == 'timm' and _is_square(rows - 1 - r):  # timm: prefix tokens [CLS, registers] embedded too
        regs = regs + pos[:, 1:1 + r]
        pos = torch.cat([pos[:, :1], pos[:, 1 + r:]], dim=1)
    else:
        raise ImportRefusal(f"checkpoint: 'pos_embed' has {rows} rows: neither a square grid of patches nor one plus CLS")
    out['pos_embed'] = pos
    if regs is not None:
        out['reg_token'] = regs
    _maybe(sd, 'mask_token')  # DINOv2's masked-image-modelling token: not used at inference
    depth = len(_block_indices(sd, r'blocks\.(\d+)\.'))
    hidden = None
    qkv_bias = layer_scale = None
    for i in range(depth):
        b = f'blocks.{i}.'
        for n in ('norm1', 'norm2'):
            out[b + n + '.weight'] = _take(sd, b + n + '.weight', (d,))
            out[b + n + '.bias'] = _take(sd, b + n + '.bias', (d,))
        out[b + 'attn.qkv.weight'] = _take(sd, b + 'attn.qkv.weight', (3 * d, d))
        qb = _maybe(sd, b + 'attn.qkv.bias', (3 * d,))
        if qkv_bias is not None and qkv_bias != (qb is not None):
            raise ImportRefusal(f"checkpoint: {b + 'attn.qkv.bias'!r} is {'present' if qb is not None else 'missing'} in block {i} but not in block 0")
        qkv_bias = qb is not None
        if qb is not None:
            out[b + 'attn.qkv.bias'] = qb
        out[b + 'attn.proj.weight'] = _take(sd, b + 'attn.proj.weight', (d, d))
        out[b + 'attn.proj.bias'] = _take(sd, b + 'attn.proj.bias', (d,))
        fc1 = _take(sd, b + 'mlp.fc1.weight')
        if hidden is None:
            hidden = fc1.shape[0]
        if tuple(fc1.shape) != (hidden, d):
            raise ImportRefusal(f"checkpoint: {b + 'mlp.fc1.weight'!r} has shape {list(fc1.shape)}, expected [{hidden}, {d}]")
        out[b + 'mlp.fc1.weight'] = fc1
        out[b + 'mlp.fc1.bias'] = _take(sd, b + 'mlp.fc1.bias', (hidden,))
        out[b + 'mlp.fc2.weight'] = _take(sd, b + 'mlp.fc2.weight', (d, hidden))
        out[b + 'mlp.fc2.bias'] = _take(sd, b + 'mlp.fc2.bias', (d,))
        g1, g2 = _maybe(sd, b + 'ls1.gamma', (d,)), _maybe(sd, b + 'ls2.gamma', (d,))
        has = g1 is not None and g2 is not None
        if (g1 is None) != (g2 is None) or (layer_scale is not None and layer_scale != has):
            raise ImportRefusal(f"checkpoint: LayerScale keys {b}ls1.gamma / {b}ls2.gamma are present in some blocks only")
        layer_scale = has
        if has:
            out[b + 'ls1.gamma'], out[b + 'ls2.gamma'] = g1, g2
    norm_w = _maybe(sd, 'norm.weight', (d,))
    if norm_w is not None:
        out['norm.weight'], out['norm.bias'] = norm_w, _take(sd, 'norm.bias', (d,))
    fc_w = _maybe(sd, 'fc_norm.weight')
    if fc_w is not None:
        out['fc_norm.weight'], out['fc_norm.bias'] = fc_w, _take(sd, 'fc_norm.bias', tuple(fc_w.shape))
    head_w, head_b = _maybe(sd, 'head.weight'), _maybe(sd, 'head.bias')
    _unknown(sd)
    return {'out': out, 'dim': d, 'chans': c, 'patch': p, 'depth': depth, 'hidden': hidden, 'registers': r,
            'qkv_bias': qkv_bias, 'layer_scale': layer_scale, 'final_norm': norm_w is not None, 'fc_norm': fc_w is not None,
            'head': None if head_w is None else (head_w, head_b),
            'eps': 1e-6}


def _hf(sd: dict) -> dict:
    """Hugging Face ViTModel / ViTForImageClassification / Dinov2Model / Dinov2ForImageClassification."""
    for prefix in ('vit.', 'dinov2.'):
        if any(k.startswith(prefix) for k in sd):
            sd.update({k[len(prefix):]: sd.pop(k) for k in list(sd) if k.startswith(prefix)})
    if any(k.startswith('embeddings.register_tokens') for k in sd):
        raise ImportRefusal("checkpoint: 'embeddings.register_tokens' (Hugging Face Dinov2WithRegisters) is not supported: its classifier averages the registers with the patches; export the original DINOv2 weights with --layout dinov2")
    dinov2 = any(re.match(r'encoder\.layer\.\d+\.norm1\.', k) for k in sd)
    w = _take(sd, 'embeddings.patch_embeddings.projection.weight')
    if w.dim() != 4 or w.shape[2] != w.shape[3]:
        raise ImportRefusal(f"checkpoint: 'embeddings.patch_embeddings.projection.weight' has shape {list(w.shape)}, expected [dim, channels, patch, patch]")
    d, c, p = w.shape[0], w.shape[1], w.shape[2]
    out = {'patch_embed.weight': w, 'patch_embed.bias': _take(sd, 'embeddings.patch_embeddings.projection.bias', (d,))}
    out['cls_token'] = _take(sd, 'embeddings.cls_token', (1, 1, d))
    pos = _take(sd, 'embeddings.position_embeddings')
    if pos.dim() != 3 or pos.shape[0] != 1 or pos.shape[2] != d or not _is_square(pos.shape[1] - 1):
        raise ImportRefusal(f"checkpoint: 'embeddings.position_embeddings' has shape {list(pos.shape)}, expected [1, 1 + grid², {d}]")
    out['pos_embed'] = pos
    _maybe(sd, 'embeddings.mask_token')
    depth = len(_block_indices(sd, r'encoder\.layer\.(\d+)\.'))
    names = ({'norm1': 'norm1', 'norm2': 'norm2', 'mlp.fc1': 'mlp.fc1', 'mlp.fc2': 'mlp.fc2'} if dinov2 else
             {'norm1': 'layernorm_before', 'norm2': 'layernorm_after', 'mlp.fc1': 'intermediate.dense', 'mlp.fc2': 'output.dense'})
    hidden = None
    qkv_bias = None
    for i in range(depth):
        s, b = f'encoder.layer.{i}.', f'blocks.{i}.'
        for ours in ('norm1', 'norm2'):
            out[b + ours + '.weight'] = _take(sd, s + names[ours] + '.weight', (d,))
            out[b + ours + '.bias'] = _take(sd, s + names[ours] + '.bias', (d,))
        ws = [_take(sd, f'{s}attention.attention.{n}.weight', (d, d)) for n in ('query', 'key', 'value')]
        bs = [_maybe(sd, f'{s}attention.attention.{n}.bias', (d,)) for n in ('query', 'key', 'value')]
        if len({x is None for x in bs}) > 1 or (qkv_bias is not None and qkv_bias != (bs[0] is not None)):
            raise ImportRefusal(f'checkpoint: {s}attention.attention.{{query,key,value}}.bias: present for some projections or blocks only')
        qkv_bias = bs[0] is not None
        out[b + 'attn.qkv.weight'] = torch.cat(ws, 0)  # timm's fused order: q, k, v
        if qkv_bias:
            out[b + 'attn.qkv.bias'] = torch.cat(bs, 0)
        out[b + 'attn.proj.weight'] = _take(sd, s + 'attention.output.dense.weight', (d, d))
        out[b + 'attn.proj.bias'] = _take(sd, s + 'attention.output.dense.bias', (d,))
        fc1 = _take(sd, s + names['mlp.fc1'] + '.weight')
        hidden = hidden or fc1.shape[0]
        if tuple(fc1.shape) != (hidden, d):
            raise ImportRefusal(f"checkpoint: {s + names['mlp.fc1'] + '.weight'!r} has shape {list(fc1.shape)}, expected [{hidden}, {d}]")
        out[b + 'mlp.fc1.weight'] = fc1
        out[b + 'mlp.fc1.bias'] = _take(sd, s + names['mlp.fc1'] + '.bias', (hidden,))
        out[b + 'mlp.fc2.weight'] = _take(sd, s + names['mlp.fc2'] + '.weight', (d, hidden))
        out[b + 'mlp.fc2.bias'] = _take(sd, s + names['mlp.fc2'] + '.bias', (d,))
        if dinov2:
            out[b + 'ls1.gamma'] = _take(sd, s + 'layer_scale1.lambda1', (d,))
            out[b + 'ls2.gamma'] = _take(sd, s + 'layer_scale2.lambda1', (d,))
    out['norm.weight'], out['norm.bias'] = _take(sd, 'layernorm.weight', (d,)), _take(sd, 'layernorm.bias', (d,))
    for k in ('pooler.dense.weight', 'pooler.dense.bias'):
        _maybe(sd, k)  # ViTModel's pooler (dense + tanh): ViTForImageClassification does not use it
    head_w, head_b = _maybe(sd, 'classifier.weight'), _maybe(sd, 'classifier.bias')
    _unknown(sd)
    return {'out': out, 'dim': d, 'chans': c, 'patch': p, 'depth': depth, 'hidden': hidden, 'registers': 0,
            'qkv_bias': qkv_bias, 'layer_scale': dinov2, 'final_norm': True, 'fc_norm': False,
            'head': None if head_w is None else (head_w, head_b), 'hf_dinov2': dinov2,
            'eps': 1e-6 if dinov2 else 1e-12}


def _is_square(n: int) -> bool:
    return n > 0 and math.isqrt(n) ** 2 == n


# ---------------------------------------------------------------- heads

def read_head_file(path: str) -> tuple:
    """A linear probe: DINO eval_linear.py's checkpoint ('state_dict' → 'module.linear.weight'),
    a DINOv2 linear head ('weight', 'bias'), or any state dict with exactly one *weight/*bias pair."""
    sd = load_state_dict(path)
    pairs = [k[:-len('weight')] for k in sd if k.endswith('weight') and k[:-len('weight')] + 'bias' in sd]
    if len(pairs) != 1 or len(sd) != 2:
        raise ImportRefusal(f'{path}: a linear head holds one weight and one bias; found keys {sorted(sd)[:8]} (an MLP or another head the CDAM tail cannot follow)')
    w, b = sd[pairs[0] + 'weight'], sd[pairs[0] + 'bias']
    if w.dim() != 2 or b.shape != (w.shape[0],):
        raise ImportRefusal(f'{path}: {pairs[0]}weight has shape {list(w.shape)} and {pairs[0]}bias {list(b.shape)}: not a linear layer')
    return w, b


def head_features(layout: str, head_w, d: int, blocks: int = None, avgpool: bool = None, source: str = 'checkpoint', parts=None) -> tuple:
    """What the head reads, as the exporter's `features`, and the weight with its columns in that order."""
    k, width = head_w.shape
    if width % d:
        raise ImportRefusal(f'{source}: the head takes {width} features, not a multiple of the embedding dim {d}')
    m = width // d
    if avgpool is None:
        avgpool = {'dino': m == 2, 'dinov2': m >= 2}.get(layout, False)
    if blocks is None:
        blocks = m - int(avgpool)
    if blocks < 1 or blocks + int(avgpool) != m:
        raise ImportRefusal(f'{source}: the head takes {width} = {m}×{d} features; {blocks} CLS token(s){" + the average patch token" if avgpool else ""} give {(blocks + int(avgpool)) * d}')
    if blocks > parts['depth']:
        raise ImportRefusal(f'{source}: the head reads the CLS tokens of {blocks} blocks; the model has {parts["depth"]}')
    features = [('cls', j) for j in range(blocks - 1, -1, -1)]  # oldest block first, as get_intermediate_layers returns them
    w = head_w
    if avgpool:
        if layout == 'dino':
            if blocks != 1:
                raise ImportRefusal(f'{source}: DINO eval_linear.py concatenates the average patch token only with n_last_blocks = 1 (got {blocks})')
            w = torch.cat([head_w[:, 0::2], head_w[:, 1::2]], dim=1)  # interleaved (cls_d, avg_d) pairs → [cls | avg]
        features.append(('avg', 0))
    return tuple(features), w


# ---------------------------------------------------------------- position embeddings

def resample_pos_embed(pos, grid: int):
    """[1, 1 + g0², D] → [1, 1 + grid², D]: the patch rows as a g0×g0 image, bicubic with antialias
    (as timm's resample_abs_pos_embed), CLS row kept."""
    g0 = math.isqrt(pos.shape[1] - 1)
    if g0 == grid:
        return pos, None
    d = pos.shape[2]
    patches = pos[:, 1:].float().reshape(1, g0, g0, d).permute(0, 3, 1, 2)
    patches = F.interpolate(patches, size=(grid, grid), mode='bicubic', antialias=True, align_corners=False)
    patches = patches.permute(0, 2, 3, 1).reshape(1, grid * grid, d).to(pos.dtype)
    return torch.cat([pos[:, :1], patches], dim=1), f'Position embeddings resampled from the checkpoint\'s {g0}×{g0} grid to {grid}×{grid} (bicubic, antialiased, as timm\'s resample_abs_pos_embed).'


# ---------------------------------------------------------------- the model

def build_vit(checkpoint: str, layout: str, input_size: int, n_labels: int, head: str = None, head_blocks: int = None,
              head_avgpool: bool = None, heads: int = None, eps: float = None, gelu: str = 'erf', pool: str = None,
              checkpoint_key: str = None) -> tuple:
    """(ViT with the checkpoint's weights, notes for the card)."""
    if layout not in LAYOUTS:
        raise ImportRefusal(f'--layout {layout!r}: unknown layout; expected one of {", ".join(LAYOUTS)}')
    if gelu not in ('erf', 'tanh'):
        raise ImportRefusal(f'--gelu {gelu!r}: expected erf or tanh')
    sd = load_state_dict(checkpoint, checkpoint_key)
    parts = _hf(dict(sd)) if layout == 'hf' else _timm_like(dict(sd), layout)
    d, p = parts['dim'], parts['patch']
    notes = []
    if input_size % p:
        raise ImportRefusal(f'--input {input_size}: not a multiple of the patch size {p} (patch_embed weight {[d, parts["chans"], p, p]})')
    grid = input_size // p
    n_heads = heads or d // 64
    if d % n_heads:
        raise ImportRefusal(f'--heads {n_heads}: does not divide the embedding dim {d}')
    if not heads:
        notes.append(f'Attention heads: {n_heads} (dim {d} / 64, the convention of the timm, DINO, DINOv2 and Hugging Face ViTs; --heads overrides).')

    # the head
    if head:
        if parts['head'] is not None:
            notes.append(f'The checkpoint\'s own head was replaced by the linear probe {os.path.basename(head)}.')
        head_w, head_b = read_head_file(head)
        source = head
    elif parts['head'] is not None:
        head_w, head_b = parts['head']
        if head_b is None or head_w.dim() != 2 or tuple(head_b.shape) != (head_w.shape[0],):
            raise ImportRefusal(f'checkpoint: the head ({"classifier" if layout == "hf" else "head"}.weight {list(head_w.shape)}) is not a linear layer with a bias')
        source = 'checkpoint'
    else:
        raise ImportRefusal(f'checkpoint: no head (no {"classifier" if layout == "hf" else "head"}.weight): give the linear probe with --head')
    if head_w.shape[0] != n_labels:
        raise ImportRefusal(f'{source}: the head has {head_w.shape[0]} outputs ({source == "checkpoint" and ("classifier" if layout == "hf" else "head") or "weight"} {list(head_w.shape)}); the labels file has {n_labels}')
    if parts['fc_norm'] and pool == 'token':
        raise ImportRefusal("checkpoint: 'fc_norm' is timm's norm after average pooling; --pool token does not fit it")
    if layout == 'timm' or (layout == 'hf' and not parts.get('hf_dinov2')):
        if head_blocks not in (None, 1) or head_avgpool:
            raise ImportRefusal(f'--head-blocks/--head-avgpool: a {layout} head reads the final features only')
        avg = pool == 'avg' or (pool is None and parts['fc_norm'])
        features = (('avg', 0),) if avg else (('cls', 0),)
        if head_w.shape[1] != d:
            raise ImportRefusal(f'{source}: the head takes {head_w.shape[1]} features; a {layout} ViT gives {d}')
        if parts['fc_norm'] and tuple(parts['out']['fc_norm.weight'].shape) != (d,):
            raise ImportRefusal(f"checkpoint: 'fc_norm.weight' has shape {list(parts['out']['fc_norm.weight'].shape)}, expected [{d}]")
        if avg:
            notes.append('Head on the average of the patch tokens (timm global_pool="avg"): the CDAM tail runs the whole last block.')
    elif layout == 'hf':  # Dinov2ForImageClassification: [CLS, mean of patch tokens]
        if head_w.shape[1] == 2 * d and head_blocks in (None, 1) and head_avgpool in (None, True):
            features = (('cls', 0), ('avg', 0))
        elif head_w.shape[1] == d and not head_avgpool:
            features = (('cls', 0),)
        else:
            raise ImportRefusal(f'{source}: a Hugging Face Dinov2 classifier takes [CLS, mean patch token] ({2 * d} features) or the CLS token ({d}); got {head_w.shape[1]}')
    else:
        if parts['fc_norm']:
            raise ImportRefusal(f"checkpoint: 'fc_norm' is not part of the {layout} layout")
        features, head_w = head_features(layout, head_w, d, head_blocks, head_avgpool, source, parts)
    reads = ' + '.join('the last block\'s CLS token' if (k, j) == ('cls', 0) else f'the CLS token {j} block(s) before the last' if k == 'cls'
                       else 'the average patch token' for k, j in features)
    notes.append(f'The head reads {reads}, after the final norm; CDAM follows the last block\'s part of it (gradients at its norm1 output, as obzai/CDAM).')
    if not parts['final_norm'] and not parts['fc_norm']:
        raise ImportRefusal("checkpoint: no final norm ('norm.weight') and no 'fc_norm.weight'")

    pos, note = resample_pos_embed(parts['out']['pos_embed'], grid)
    parts['out']['pos_embed'] = pos
    if note:
        notes.append(note)
    if parts['registers']:
        notes.append(f'{parts["registers"]} register tokens: not patches; attention and CDAM maps cover the {grid * grid} patch tokens only.')
    cfg = VitConfig(img_size=input_size, patch_size=p, in_chans=parts['chans'], dim=d, depth=parts['depth'], heads=n_heads,
                    n_outputs=n_labels, eps=eps if eps is not None else parts['eps'], qkv_bias=parts['qkv_bias'],
                    layer_scale=parts['layer_scale'], registers=parts['registers'], gelu=gelu, final_norm=parts['final_norm'],
                    fc_norm=parts['fc_norm'], features=features, mlp_hidden=parts['hidden'])
    vit = ViT(cfg)
    state = dict(parts['out'])
    state['head.weight'], state['head.bias'] = head_w, head_b
    missing, unexpected = vit.load_state_dict({k: v.float() for k, v in state.items()}, strict=False)
    if missing or unexpected:  # a bug here, not the user's: every key is checked above
        raise ImportRefusal(f'internal: keys not mapped: missing {missing[:5]}, unexpected {unexpected[:5]}')
    return vit.eval(), notes


def _normalise(text: str, channels: int) -> dict:
    if text == 'imagenet':
        return dict(IMAGENET)
    try:
        mean, std = text.split(':')
        out = {'mean': [float(x) for x in mean.split(',')], 'std': [float(x) for x in std.split(',')]}
    except ValueError:
        raise ImportRefusal(f'--normalise {text!r}: expected "imagenet" or "m1,m2,m3:s1,s2,s3"') from None
    if len(out['mean']) not in (1, channels) or len(out['std']) != len(out['mean']) or min(out['std']) <= 0:
        raise ImportRefusal(f'--normalise {text!r}: expected 1 or {channels} means and as many positive stds')
    return out


def _slug(text: str) -> str:
    return re.sub(r'[^a-z0-9]+', '-', text.lower()).strip('-') or 'imported-vit'


def import_vit(args) -> dict:
    from .export import export_pack

    torch.set_num_threads(args.threads)
    units = read_labels(args.labels)
    vit, notes = build_vit(args.checkpoint, args.layout, args.input, len(units), head=args.head, head_blocks=args.head_blocks,
                           head_avgpool=args.head_avgpool, heads=args.heads, eps=args.eps, gelu=args.gelu, pool=args.pool,
                           checkpoint_key=args.checkpoint_key)
    cfg = vit.cfg
    if args.modality == 'CT':
        centre, width = args.ct_window
        input_spec = {'kind': 'ct-crop', 'channels': cfg.in_chans, 'height': cfg.img_size, 'width': cfg.img_size,
                      'ct': {'cropPixels': cfg.img_size, 'window': {'center': centre, 'width': width}},
                      'normalise': _normalise(args.normalise or '0.5:0.5', cfg.in_chans)}
    else:
        if cfg.in_chans != 3:
            raise ImportRefusal(f'checkpoint: the patch embedding takes {cfg.in_chans} channels; a dermoscopy pack takes RGB (3)')
        input_spec = {'kind': 'rgb-image', 'channels': 3, 'height': cfg.img_size, 'width': cfg.img_size,
                      'normalise': _normalise(args.normalise or 'imagenet', 3)}
    name = args.name or f'{args.layout} ViT ({os.path.basename(args.checkpoint)})'
    spec = {
        'id': args.id or _slug(name), 'version': args.version, 'name': name, 'modality': args.modality, 'purpose': args.purpose,
        'input': input_spec,
        'outputs': [{'head': args.head_name, 'kind': 'class-logits', 'units': units}],
        'card': {'intendedUse': args.description or 'Not stated by the person who imported the model.',
                 'training': f'Imported from {os.path.basename(args.checkpoint)} ({args.layout} layout)'
                             + (f' with the linear head {os.path.basename(args.head)}' if args.head else '') + '; training as its authors describe it.',
                 'metrics': {}, 'notes': notes},
    }
    return export_pack(vit, spec, args.out, fixture_cases=args.fixture_cases)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog='python3 -m exporter.import_vit', description='A PyTorch ViT state dict → a verified Verdict model pack (models/README.md, "Your own ViT").')
    p.add_argument('--checkpoint', required=True, help='the state dict (.pth/.pt)')
    p.add_argument('--layout', required=True, help='timm | dino | dinov2 | hf')
    p.add_argument('--input', type=int, required=True, help='input size in pixels (square); position embeddings are resampled to it')
    p.add_argument('--labels', required=True, help='one label per line, or name<TAB>label')
    p.add_argument('--out', required=True, help='the pack folder to write (replaced)')
    p.add_argument('--head', help='a separate linear probe (DINO eval_linear.py checkpoint, DINOv2 linear head, or weight+bias)')
    p.add_argument('--head-blocks', type=int, help='the probe reads the CLS tokens of the last N blocks (default: from its width)')
    p.add_argument('--head-avgpool', type=lambda s: s.lower() in ('1', 'true', 'yes'), help='the probe also reads the average patch token (true/false)')
    p.add_argument('--pool', choices=['token', 'avg'], help="timm's global_pool (default: avg when the checkpoint has fc_norm, else token)")
    p.add_argument('--checkpoint-key', help="the checkpoint's entry holding the state dict (e.g. teacher)")
    p.add_argument('--heads', type=int, help='attention heads (default dim/64)')
    p.add_argument('--eps', type=float, help='LayerNorm eps (default: 1e-6; 1e-12 for Hugging Face ViT)')
    p.add_argument('--gelu', default='erf', help='erf (exact, the default) or tanh (Hugging Face "gelu_new")')
    p.add_argument('--modality', default='dermoscopy', choices=['dermoscopy', 'CT'])
    p.add_argument('--ct-window', type=float, nargs=2, default=[-400.0, 1500.0], metavar=('CENTER', 'WIDTH'))
    p.add_argument('--normalise', help='"imagenet" (RGB default) or "m1,m2,m3:s1,s2,s3"')
    p.add_argument('--id')
    p.add_argument('--name')
    p.add_argument('--version', default='1.0.0')
    p.add_argument('--description', help='intended use, for the model card')
    p.add_argument('--head-name', default='diagnosis', help="the manifest's output head name")
    p.add_argument('--purpose', default='demo', choices=['demo', 'test', 'sanity-check'])
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--fixture-cases', type=int, default=2, help='seeded random images in fixtures.json (each costs ~110 autograd passes of the last block)')
    return p


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    try:
        manifest = import_vit(args)
    except ValueError as e:  # ImportRefusal, or export.py's verification (the tail differs from autograd)
        print(f'import_vit: refused: {e}', file=sys.stderr)
        return 2
    print(f"{args.out}: pack {manifest['id']} written; tail vs autograd max rel diff {manifest['export']['maxRelDiff']}")
    return 0


if __name__ == '__main__':
    sys.exit(main())
