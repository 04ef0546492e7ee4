"""Writes a model pack: backbone.onnx, tail.onnx, fixtures.json, card.md and manifest.json.

    export_pack(vit, spec, out_dir)

`spec` holds the manifest's descriptive fields (id, version, name, modality, input, outputs,
methods, card). The export fails — nothing is written — unless the explicit CDAM tail equals
torch.autograd's within 1e-5 (relative to the map's largest magnitude) on random inputs."""
import hashlib
import json
import os
import shutil
import tempfile

import onnx
import torch

from .fixtures import make_fixtures
from .tail import Backbone, make_tail
from .verify import verify_tail
from .vit import ViT

OPSET = 17
FORMAT = 'verdict-model-pack/1'


def _sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(1 << 20), b''):
            h.update(chunk)
    return h.hexdigest()


def _graph_io(path: str) -> dict:
    model = onnx.load(path)
    onnx.checker.check_model(model)

    def shape(v):
        return [d.dim_value if d.HasField('dim_value') else -1 for d in v.type.tensor_type.shape.dim]

    return {'inputs': {v.name: shape(v) for v in model.graph.input}, 'outputs': {v.name: shape(v) for v in model.graph.output}}


def _export(module, args, path, input_names, output_names):
    dynamic = {name: {0: 'batch'} for name in input_names + output_names}
    torch.onnx.export(module, args, path, input_names=input_names, output_names=output_names,
                      dynamic_axes=dynamic, opset_version=OPSET, do_constant_folding=True)


def _card_md(spec: dict) -> str:
    card = spec['card']
    lines = [f"# {spec['name']} ({spec['id']} {spec['version']})", '', f"**Intended use:** {card['intendedUse']}", '',
             f"**Training:** {card['training']}", '', '## Metrics', '']
    lines += [f'- {k}: {v}' for k, v in card['metrics'].items()] or ['- none']
    if card.get('notes'):
        lines += ['', '## Notes', ''] + [f'- {n}' for n in card['notes']]
    return '\n'.join(lines) + '\n'


def target_names(spec: dict) -> list:
    return [u['name'] for head in spec['outputs'] for u in head['units']]


def export_pack(vit: ViT, spec: dict, out_dir: str, fixture_cases: int = 2) -> dict:
    vit = vit.float().eval()
    cfg = vit.cfg
    names = target_names(spec)
    if len(names) != cfg.n_outputs or len(set(names)) != len(names):
        raise ValueError(f'the manifest lists {len(names)} output units ({names}); the model has {cfg.n_outputs}, and names must be unique')
    verified = verify_tail(vit)

    work = tempfile.mkdtemp(prefix='verdict-pack-')
    try:
        image = torch.zeros(2, cfg.in_chans, cfg.img_size, cfg.img_size)
        _export(Backbone(vit), (image,), os.path.join(work, 'backbone.onnx'), ['image'], ['outputs', 'attention', 'residual', 'embedding'])
        residual = torch.zeros(2, cfg.residual_tokens, cfg.dim)
        tail_args = (residual, torch.zeros(2, cfg.n_outputs), torch.zeros(2, cfg.dim))
        _export(make_tail(vit), tail_args, os.path.join(work, 'tail.onnx'), ['residual', 'seed', 'concept'], ['outputs', 'cdam'])
        with open(os.path.join(work, 'fixtures.json'), 'w') as f:
            json.dump(make_fixtures(vit, names, cases=fixture_cases), f)
        with open(os.path.join(work, 'card.md'), 'w') as f:
            f.write(_card_md(spec))

        files = {key: {'path': name, 'sha256': _sha256(os.path.join(work, name))}
                 for key, name in [('backbone', 'backbone.onnx'), ('tail', 'tail.onnx'), ('fixtures', 'fixtures.json'), ('card', 'card.md')]}
        manifest = {
            'format': FORMAT,
            'id': spec['id'], 'version': spec['version'], 'name': spec['name'], 'modality': spec['modality'],
            'purpose': spec.get('purpose', 'demo'),
            'input': spec['input'],
            'vit': {'patchSize': cfg.patch_size, 'grid': [cfg.grid, cfg.grid], 'tokens': cfg.residual_tokens, 'dim': cfg.dim, 'heads': cfg.heads, 'depth': cfg.depth,
                    **({'extraTokens': cfg.extra_tokens} if cfg.extra_tokens else {})},
            'outputs': spec['outputs'],
            'methods': spec.get('methods', ['attention', 'cdam', 'smooth-cdam', 'integrated-cdam', 'concept-cdam']),
            'files': files,
            'graphs': {'backbone': _graph_io(os.path.join(work, 'backbone.onnx')), 'tail': _graph_io(os.path.join(work, 'tail.onnx'))},
            'card': spec['card'],
            'export': {'torch': torch.__version__.split('+')[0], 'opset': OPSET, 'maxRelDiff': verified},
        }
        with open(os.path.join(work, 'manifest.json'), 'w') as f:
            json.dump(manifest, f, indent=2, ensure_ascii=False)
            f.write('\n')
        if os.path.isdir(out_dir):
            shutil.rmtree(out_dir)
        shutil.copytree(work, out_dir)
        os.chmod(out_dir, 0o755)  # mkdtemp made it private
        return manifest
    finally:
        shutil.rmtree(work, ignore_errors=True)
