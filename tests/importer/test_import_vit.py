"""The ViT importer (models/exporter/import_vit.py) on small seeded checkpoints: three layouts'
options exported and checked against an independent forward pass (timm global_pool='avg' with
fc_norm, Hugging Face Dinov2ForImageClassification, DINO's probe with avgpool_patchtokens), and
every refusal naming its key, shape or option. Run by tests/importer/import-small.test.ts:

    /usr/bin/python3 -m unittest tests/importer/test_import_vit.py   (from the repository root)
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, 'models'))
sys.path.insert(0, HERE)

import checkpoints  # noqa: E402
from exporter import import_vit  # noqa: E402
from exporter.import_vit import ImportRefusal, build_vit  # noqa: E402

torch.set_num_threads(1)


class SmallLayouts(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix='verdict-import-')

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def export(self, variant):
        w = checkpoints.write(variant, os.path.join(self.dir, 'in'))
        out = os.path.join(self.dir, 'pack')
        self.assertEqual(import_vit.main(w['args'] + ['--out', out, '--threads', '1']), 0)
        with open(os.path.join(out, 'manifest.json')) as f:
            manifest = json.load(f)
        self.assertLess(checkpoints.check(variant, out), 1e-9)
        self.assertLess(manifest['export']['maxRelDiff']['cdam_float32'], 1e-5)
        return manifest

    def test_timm_average_pool_with_fc_norm_resampled_to_a_larger_input(self):
        m = self.export('timm-avg-small')  # trained 4×4, exported 6×6
        self.assertEqual(m['vit'], {'patchSize': 16, 'grid': [6, 6], 'tokens': 37, 'dim': 128, 'heads': 2, 'depth': 3})
        notes = ' '.join(m['card']['notes'])
        self.assertIn("resampled from the checkpoint's 4×4 grid to 6×6", notes)
        self.assertIn('average of the patch tokens', notes)

    def test_hugging_face_dinov2_classifier_on_cls_and_mean_patch_token(self):
        m = self.export('hf-dinov2-small')
        self.assertIn('the last block\'s CLS token + the average patch token', ' '.join(m['card']['notes']))

    def test_dino_probe_with_avgpool_patchtokens_interleaved(self):
        self.export('dino-avg-small')


class Refusals(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix='verdict-refuse-')

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def save(self, obj, name='checkpoint.pth'):
        path = os.path.join(self.dir, name)
        torch.save(obj, path)
        return path

    def refused(self, sd, layout='timm', input_size=96, labels=7, head=None, **kw):
        with self.assertRaises(ImportRefusal) as cm:
            build_vit(self.save(sd), layout, input_size, labels, head=head, **kw)
        return str(cm.exception)

    def timm(self):
        return checkpoints.make('timm-avg-small')[0]

    def test_unknown_layout(self):
        self.assertIn("--layout 'vit': unknown layout; expected one of timm, dino, dinov2, hf", self.refused(self.timm(), layout='vit'))

    def test_missing_key(self):
        sd = self.timm()
        del sd['blocks.2.attn.proj.weight']
        self.assertIn("missing key 'blocks.2.attn.proj.weight'", self.refused(sd))

    def test_wrong_shape(self):
        sd = self.timm()
        sd['blocks.1.attn.qkv.weight'] = sd['blocks.1.attn.qkv.weight'][:-1]
        self.assertIn("'blocks.1.attn.qkv.weight' has shape [383, 128], expected [384, 128]", self.refused(sd))

    def test_keys_of_another_architecture(self):
        sd = self.timm()
        sd['blocks.0.attn.q_norm.weight'] = torch.ones(64)
        self.assertIn('keys this layout does not know (a different architecture?): blocks.0.attn.q_norm.weight', self.refused(sd))

    def test_swiglu_feed_forward(self):
        sd = self.timm()
        sd['blocks.0.mlp.w12.weight'] = torch.zeros(2, 2)
        self.assertIn('blocks.N.mlp.w12 is a SwiGLU feed-forward', self.refused(sd, layout='dinov2'))

    def test_head_with_more_outputs_than_labels(self):
        self.assertIn('the head has 7 outputs', self.refused(self.timm(), labels=3))

    def test_no_head(self):
        sd, _, _ = checkpoints.make('dino-avg-small')
        self.assertIn('no head (no head.weight): give the linear probe with --head', self.refused(sd, layout='dino', input_size=64))

    def test_mlp_probe_is_refused(self):
        sd, _, _ = checkpoints.make('dino-avg-small')
        mlp = self.save({'0.weight': torch.zeros(64, 256), '0.bias': torch.zeros(64), '2.weight': torch.zeros(7, 64), '2.bias': torch.zeros(7)}, 'mlp.pth')
        self.assertIn('a linear head holds one weight and one bias', self.refused(sd, layout='dino', input_size=64, head=mlp))

    def test_probe_of_the_wrong_width(self):
        sd, _, _ = checkpoints.make('dino-avg-small')
        probe = self.save({'weight': torch.zeros(7, 200), 'bias': torch.zeros(7)}, 'probe.pth')
        self.assertIn('the head takes 200 features, not a multiple of the embedding dim 128', self.refused(sd, layout='dino', input_size=64, head=probe))

    def test_dino_avgpool_needs_one_block(self):
        sd, _, _ = checkpoints.make('dino-avg-small')
        probe = self.save({'weight': torch.zeros(7, 3 * 128), 'bias': torch.zeros(7)}, 'probe.pth')
        msg = self.refused(sd, layout='dino', input_size=64, head=probe, head_blocks=2, head_avgpool=True)
        self.assertIn('only with n_last_blocks = 1 (got 2)', msg)

    def test_input_not_a_multiple_of_the_patch(self):
        self.assertIn('--input 100: not a multiple of the patch size 16', self.refused(self.timm(), input_size=100))

    def test_not_a_state_dict(self):
        self.assertIn('not a state dict', self.refused({'epoch': 3, 'lr': 0.1}))

    def test_the_command_exits_2_with_the_reason(self):
        sd = self.timm()
        del sd['pos_embed']
        path = self.save(sd)
        labels = os.path.join(self.dir, 'labels.txt')
        with open(labels, 'w') as f:
            f.write('\n'.join(checkpoints.LABELS) + '\n')
        r = subprocess.run([sys.executable, '-m', 'exporter.import_vit', '--checkpoint', path, '--layout', 'timm', '--input', '96',
                            '--labels', labels, '--out', os.path.join(self.dir, 'pack')], cwd=os.path.join(ROOT, 'models'),
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 2)
        self.assertIn("import_vit: refused: checkpoint: missing key 'pos_embed'", r.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.dir, 'pack')))

    def test_dino_training_checkpoint_reads_the_teacher_backbone(self):
        sd, head, _ = checkpoints.make('dino-avg-small')
        full = {'teacher': {**{'module.backbone.' + k: v for k, v in sd.items()}, 'module.head.mlp.0.weight': torch.zeros(8, 128)},
                'student': {}, 'epoch': 100}
        probe = self.save(head, 'probe.pth')
        vit, _ = build_vit(self.save(full), 'dino', 64, 7, head=probe)
        self.assertTrue(torch.equal(vit.cls_token.data, sd['cls_token']))

    def test_labels_file_with_a_repeated_name(self):
        labels = os.path.join(self.dir, 'labels.txt')
        with open(labels, 'w') as f:
            f.write('MEL\tMelanoma\nNV\tNevus\nMEL\tAgain\n')
        with self.assertRaises(ImportRefusal) as cm:
            import_vit.read_labels(labels)
        self.assertIn("the name 'MEL' appears twice", str(cm.exception))


if __name__ == '__main__':
    unittest.main()
