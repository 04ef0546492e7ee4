"""Head packs: an interpretable head on the FROZEN ViT's final-norm patch tokens, exported as a
pack without a CDAM tail (models/README.md, "Head packs").

    export_head_pack(vit, head, spec, out_dir, fixture_images=..., fixture_ids=..., extra_files=...)

Two heads are defined here, both reading x_i = ViT.norm(last block output)[:, 1:] (N patch tokens):

- AttributeTokenHead (ExpLICD / FiLMed style): M learnable query tokens per diagnostic axis
  cross-attend over the patches; per-axis softmax pooling of the tokens' value logits gives the
  concept logits L_a; a linear layer maps the concatenated concept logits to the diagnosis.
  Extra output `attributeMaps` [B, A, N]: the attention of the axis's tokens, weighted by their
  pooling weights for the predicted value.
- PrototypeHead (ProtoFM style): a projector to unit vectors, P unit-vector prototypes, cosine
  similarity maps `prototypeMaps` [B, P, N], max-pooled activations `prototypeActivations`
  [B, P], and class scores W·a with W = relu(raw) ≥ 0.

backbone.onnx of a head pack computes, from `image`: `outputs` (the head's), `attention`,
`residual` and `embedding` exactly as the plain pack's Backbone (tail.py) does, plus the head's
extra outputs. The export fails — nothing is written — unless (1) the wrapper equals the plain
ViT's forward pass plus the head in float64 (≤ 1e-9) and (2) the float32 graph as exported equals
its float64 twin within 1e-4 (max |difference| / max |float64 value|, per tensor) on the fixture
images and on further seeded random images; and unless the pack stays under MAX_PACK_BYTES.
"""
import copy
import hashlib
import json
import os
import shutil
import tempfile

import onnx
import torch
from torch import nn

from .export import FORMAT, OPSET, _card_md, _export, _graph_io, _sha256, target_names
from .tail import Backbone
from .verify import max_rel_diff
from .vit import ViT

HEAD_FIXTURES_FORMAT = 'verdict-head-fixtures/1'
TOLERANCE = 1e-4
MAX_PACK_BYTES = 20 * 1024 * 1024
BASE_OUTPUTS = ['outputs', 'attention', 'residual', 'embedding']


def final_tokens(vit: ViT, image):
    """All tokens after the final norm [B, N+1, D] (the full last block, every query)."""
    x = vit.tokens_in(image)
    for block in vit.blocks:
        x, _ = block(x)
    return vit.norm(x)


def _unit(x, eps=1e-12):
    return x / x.norm(dim=-1, keepdim=True).clamp_min(eps)


class AttributeTokenHead(nn.Module):
    """ExpLICD-style attribute tokens. values[a] = V_a, the number of values of axis a.

    α_{a,m,i} = softmax_i(q_{a,m}·k_i / √d),  k_i, v_i linear maps of LayerNorm(x_i)
    o_{a,m} = Σ_i α_{a,m,i} v_i;  l_{a,m} = U_a o_{a,m} + b_a  (V_a value logits per token)
    L_a[v] = Σ_m softmax_m(l_{a,m}[v]) · l_{a,m}[v]               (concept logits of axis a)
    diagnosis = Linear(concat_a L_a)
    attributeMaps[a] = Σ_m softmax_m(l_{a,m}[v*]) · α_{a,m},  v* = argmax_v L_a[v]
    forward → (outputs [B, n_classes + Σ V_a] = diagnosis then L_1 … L_A, attributeMaps [B, A, N])."""

    extra_outputs = ['attributeMaps']

    def __init__(self, dim: int, values, n_classes: int, tokens_per_axis: int = 4, inner: int = 64):
        super().__init__()
        self.values = list(values)
        self.tokens_per_axis = tokens_per_axis
        self.inner = inner
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.key = nn.Linear(dim, inner)
        self.value = nn.Linear(dim, inner)
        self.queries = nn.Parameter(torch.randn(len(self.values) * tokens_per_axis, inner) * inner ** -0.5)
        self.units = nn.ModuleList(nn.Linear(inner, v) for v in self.values)
        self.classifier = nn.Linear(sum(self.values), n_classes)

    @property
    def n_outputs(self) -> int:
        return self.classifier.out_features + sum(self.values)

    def concepts(self, patches):
        """→ (diagnosis [B, C], [L_a [B, V_a]], [per-token pooling weights [B, M, V_a]], α [B, A·M, N])."""
        t = self.norm(patches)
        k, v = self.key(t), self.value(t)                                               # [B, N, d]
        alpha = ((self.queries @ k.transpose(1, 2)) * self.inner ** -0.5).softmax(-1)   # [B, A·M, N]
        o = alpha @ v                                                                   # [B, A·M, d]
        m = self.tokens_per_axis
        logits, weights = [], []
        for a, unit in enumerate(self.units):
            l = unit(o[:, a * m:(a + 1) * m])                                           # [B, M, V_a]
            w = l.softmax(1)
            logits.append((w * l).sum(1))
            weights.append(w)
        return self.classifier(torch.cat(logits, 1)), logits, weights, alpha

    def forward(self, patches):
        diagnosis, logits, weights, alpha = self.concepts(patches)
        m = self.tokens_per_axis
        maps = []
        for a, (la, w) in enumerate(zip(logits, weights)):
            star = nn.functional.one_hot(la.argmax(-1), la.shape[-1]).to(w.dtype)       # [B, V_a]
            w_star = (w * star.unsqueeze(1)).sum(-1)                                    # [B, M]
            maps.append((w_star.unsqueeze(-1) * alpha[:, a * m:(a + 1) * m]).sum(1))    # [B, N]
        return torch.cat([diagnosis] + logits, 1), torch.stack(maps, 1)


class PrototypeHead(nn.Module):
    """ProtoFM-style prototypes. z_i = normalize(fc2(GELU(fc1(LayerNorm(x_i))))),
    prototypeMaps[p, i] = ⟨z_i, proto_p / |proto_p|⟩ ∈ [−1, 1], a_p = max_i prototypeMaps[p, i],
    scores = W a with W = relu(raw) ≥ 0 (no bias).
    forward → (scores [B, C], prototypeMaps [B, P, N], prototypeActivations [B, P])."""

    extra_outputs = ['prototypeMaps', 'prototypeActivations']

    def __init__(self, dim: int, n_classes: int, per_class: int = 10, hidden: int = 128, proj_dim: int = 64, off_class_init: float = 0.05):
        super().__init__()
        self.per_class = per_class
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.fc1 = nn.Linear(dim, hidden)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden, proj_dim)
        p = n_classes * per_class
        self.prototypes = nn.Parameter(torch.randn(p, proj_dim))
        proto_class = torch.arange(p) // per_class
        self.register_buffer('proto_class', proto_class)
        own = nn.functional.one_hot(proto_class, n_classes).t().float()                # [C, P]
        self.raw_weight = nn.Parameter(own + (1 - own) * off_class_init)

    @property
    def n_outputs(self) -> int:
        return self.raw_weight.shape[0]

    def weight(self):
        return torch.relu(self.raw_weight)

    def project(self, patches):
        return _unit(self.fc2(self.act(self.fc1(self.norm(patches)))))                 # [B, N, d]

    def maps(self, patches):
        return _unit(self.prototypes) @ self.project(patches).transpose(1, 2)          # [B, P, N]

    def forward(self, patches):
        maps = self.maps(patches)
        activations = maps.max(-1).values                                               # [B, P]
        return activations @ self.weight().t(), maps, activations


class HeadBackbone(Backbone):
    """backbone.onnx of a head pack: the plain Backbone's attention, residual and embedding (CLS
    query only, tail.py), the full last block for the patch tokens, then the head."""

    def __init__(self, vit: ViT, head: nn.Module):
        super().__init__(vit)
        self.head = head

    def forward(self, image):
        x = self.vit.tokens_in(image)
        for block in self.vit.blocks[:-1]:
            x, _ = block(x)
        f = self.last.cls_forward(x)
        y, _ = self.vit.blocks[-1](x)
        head_out = self.head(self.vit.norm(y)[:, 1:])
        return (head_out[0], f['a0'][:, :, 1:], x, f['embedding']) + tuple(head_out[1:])


def _floats(t) -> list:
    return [float(x) for x in t.detach().double().reshape(-1)]


def _named(outputs, names):
    return dict(zip(names, outputs))


def verify_head(vit: ViT, head: nn.Module, images, trials: int = 4, seed: int = 0) -> dict:
    """(1) the wrapper in float64 against the plain ViT's forward_parts plus the head on
    final_tokens; (2) float32 against float64 on `images` and `trials` seeded random images."""
    names = BASE_OUTPUTS + list(head.extra_outputs)
    vit64, head64 = copy.deepcopy(vit).double().eval(), copy.deepcopy(head).double().eval()
    b32 = HeadBackbone(vit, head).float().eval()
    b64 = HeadBackbone(vit64, head64).double().eval()
    g = torch.Generator().manual_seed(seed)
    cfg = vit.cfg
    batch = torch.cat([images.float(), torch.randn(trials, cfg.in_chans, cfg.img_size, cfg.img_size, generator=g)])
    with torch.no_grad():
        out64 = _named(b64(batch.double()), names)
        out32 = _named(b32(batch), names)
        parts = vit64.forward_parts(batch.double())
        ref_head = head64(final_tokens(vit64, batch.double())[:, 1:])
    reference = {'outputs': ref_head[0], 'attention': parts['attention'][:, :, 0, 1:], 'residual': parts['residual'],
                 'embedding': parts['embedding'], **_named(ref_head[1:], head.extra_outputs)}
    wrapper = max(max_rel_diff(out64[n], reference[n]) for n in names)
    f32 = {n: max(max_rel_diff(out32[n][i], out64[n][i]) for i in range(len(batch))) for n in names}
    result = {'wrapper_float64': wrapper, **{f'{n}_float32': v for n, v in f32.items()}}
    if not wrapper <= 1e-9 or not all(v <= TOLERANCE for v in f32.values()):
        raise ValueError(f'the head pack graph differs from its reference: {result} (float32 tolerance {TOLERANCE})')
    return result


def make_head_fixtures(vit: ViT, head: nn.Module, images, image_ids, extra=None) -> dict:
    """fixtures.json of a head pack: the images (float32 as the app gives them) and every output
    of backbone.onnx computed by torch in float64."""
    names = BASE_OUTPUTS + list(head.extra_outputs)
    b64 = HeadBackbone(copy.deepcopy(vit).double(), copy.deepcopy(head).double()).double().eval()
    with torch.no_grad():
        out = _named(b64(images.float().double()), names)
    fixtures = {
        'format': HEAD_FIXTURES_FORMAT,
        'tolerance': TOLERANCE,
        'batch': int(images.shape[0]),
        'imageIds': list(image_ids),
        'shapes': {'image': list(images.shape), **{n: list(out[n].shape) for n in names}},
        'image': _floats(images.float()),
        'expected': {n: _floats(out[n]) for n in names},
    }
    fixtures.update(extra or {})
    return fixtures


def _pin_output_shapes(path, shapes):
    """torch.onnx leaves some output dimensions symbolic; write the known sizes (every dimension
    but the batch) into the graph's output declarations, so that the graph and the manifest say
    the same thing."""
    model = onnx.load(path)
    for v in model.graph.output:
        dims = v.type.tensor_type.shape.dim
        want = shapes[v.name]
        if len(dims) != len(want):
            raise ValueError(f'{v.name}: the graph has rank {len(dims)}, expected {len(want)}')
        for d, size in zip(list(dims)[1:], want[1:]):
            if d.HasField('dim_value') and d.dim_value != size:
                raise ValueError(f'{v.name}: the graph says {d.dim_value}, torch gives {size}')
            d.dim_value = size
    onnx.checker.check_model(model)
    onnx.save(model, path)


def export_head_pack(vit: ViT, head: nn.Module, spec: dict, out_dir: str, *, fixture_images, fixture_ids,
                     fixture_extra=None, extra_files=None, sections=('attributes', 'prototypes')) -> dict:
    """Writes a head pack. spec: id, version, name, modality, input, outputs, methods, card, and
    optionally the extra manifest sections named in `sections`. extra_files: {key: (relative path,
    bytes)}, e.g. exemplar PNGs. fixture_extra: more keys for fixtures.json (e.g. scoreSheet)."""
    vit, head = vit.float().eval(), head.float().eval()
    cfg = vit.cfg
    names = target_names(spec)
    if len(names) != head.n_outputs or len(set(names)) != len(names):
        raise ValueError(f'the manifest lists {len(names)} output units; the head has {head.n_outputs}, and names must be unique')
    if 'tail' in spec.get('files', {}) or 'cdam' in spec['methods']:
        raise ValueError('a head pack has no CDAM tail')
    verified = verify_head(vit, head, fixture_images)

    work = tempfile.mkdtemp(prefix='verdict-head-pack-')
    try:
        out_names = BASE_OUTPUTS + list(head.extra_outputs)
        _export(HeadBackbone(vit, head).eval(), (torch.zeros(2, cfg.in_chans, cfg.img_size, cfg.img_size),),
                os.path.join(work, 'backbone.onnx'), ['image'], out_names)
        with open(os.path.join(work, 'fixtures.json'), 'w') as f:
            json.dump(make_head_fixtures(vit, head, fixture_images, fixture_ids, fixture_extra), f)
        with open(os.path.join(work, 'card.md'), 'w') as f:
            f.write(_card_md(spec))
        files = {key: {'path': name, 'sha256': _sha256(os.path.join(work, name))}
                 for key, name in [('backbone', 'backbone.onnx'), ('fixtures', 'fixtures.json'), ('card', 'card.md')]}
        for key, (rel, data) in (extra_files or {}).items():
            if os.path.isabs(rel) or '..' in rel.split('/'):
                raise ValueError(f'{rel}: pack files must stay inside the pack')
            path = os.path.join(work, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, 'wb') as f:
                f.write(data)
            files[key] = {'path': rel, 'sha256': hashlib.sha256(data).hexdigest()}

        n, k = cfg.grid * cfg.grid, head.n_outputs
        with torch.no_grad():
            shapes = [list(t.shape[1:]) for t in HeadBackbone(vit, head)(torch.zeros(1, cfg.in_chans, cfg.img_size, cfg.img_size))]
        expected = {'inputs': {'image': [-1, cfg.in_chans, cfg.img_size, cfg.img_size]},
                    'outputs': {name: [-1] + s for name, s in zip(out_names, shapes)}}
        _pin_output_shapes(os.path.join(work, 'backbone.onnx'), expected['outputs'])
        # Pinning rewrote the graph: hash what is shipped.
        files['backbone']['sha256'] = _sha256(os.path.join(work, 'backbone.onnx'))
        graph = _graph_io(os.path.join(work, 'backbone.onnx'))
        if graph != expected or expected['outputs']['outputs'] != [-1, k] or expected['outputs']['attention'] != [-1, cfg.heads, n]:
            raise ValueError(f'backbone.onnx has inputs/outputs {graph}, expected {expected}')

        manifest = {
            'format': FORMAT,
            'id': spec['id'], 'version': spec['version'], 'name': spec['name'], 'modality': spec['modality'],
            'purpose': spec.get('purpose', 'demo'),
            'input': spec['input'],
            'vit': {'patchSize': cfg.patch_size, 'grid': [cfg.grid, cfg.grid], 'tokens': cfg.tokens, 'dim': cfg.dim, 'heads': cfg.heads, 'depth': cfg.depth},
            'outputs': spec['outputs'],
            **{s: spec[s] for s in sections if s in spec},
            'methods': spec['methods'],
            'files': files,
            'graphs': {'backbone': graph},
            'card': spec['card'],
            'export': {'torch': torch.__version__.split('+')[0], 'opset': OPSET, 'tolerance': TOLERANCE, 'maxRelDiff': verified},
        }
        with open(os.path.join(work, 'manifest.json'), 'w') as f:
            json.dump(manifest, f, indent=2, ensure_ascii=False, allow_nan=False)
            f.write('\n')
        size = sum(os.path.getsize(os.path.join(dp, fn)) for dp, _, fns in os.walk(work) for fn in fns)
        if size > MAX_PACK_BYTES:
            raise ValueError(f'the pack would be {size / 2 ** 20:.1f} MiB, more than {MAX_PACK_BYTES / 2 ** 20:.0f} MiB')
        if os.path.isdir(out_dir):
            shutil.rmtree(out_dir)
        shutil.copytree(work, out_dir)
        for dp, dns, _ in os.walk(out_dir):
            for dn in dns:
                os.chmod(os.path.join(dp, dn), 0o755)
        os.chmod(out_dir, 0o755)  # mkdtemp made it private
        return manifest
    finally:
        shutil.rmtree(work, ignore_errors=True)
