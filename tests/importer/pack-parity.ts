// A pack written by the ViT importer (models/exporter/import_vit.py), checked from the TypeScript
// side the way main/services/explain/parity.test.ts checks the bundled test packs: the pack loads,
// and the backbone (outputs, attention, residual, embedding) and every CDAM method through the real
// ONNX graphs reproduce its fixtures.json (torch.autograd, float64) within the fixtures' tolerance.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { silentLog } from '../../main/log';
import { maxRelDiff } from '../../main/services/explain/max-rel-diff';
import { method, normaliseParams, type ResolvedTarget } from '../../main/services/explain/methods';
import { loadPack } from '../../main/services/models/load-pack';
import type { BackbonePass } from '../../main/services/models/model-runtime';
import { openRuntime } from '../../main/services/models/open-runtime';
import { readFixtures } from '../../main/services/models/test-packs';
import { repoRoot } from '../support/data';

export const PYTHON = '/usr/bin/python3';

/** Runs /usr/bin/python3 with `args` in `cwd` (relative to the repository root); throws with its stderr on failure. */
export function python(args: string[], cwd = '.', timeoutMs = 20 * 60_000): { stdout: string; stderr: string; status: number } {
  const r = spawnSync(PYTHON, args, {
    cwd: join(repoRoot, cwd),
    encoding: 'utf8',
    timeout: timeoutMs,
    env: { ...process.env, OMP_NUM_THREADS: '2', PYTHONDONTWRITEBYTECODE: '1' },
  });
  if (r.error) throw r.error;
  return { stdout: r.stdout, stderr: r.stderr, status: r.status ?? -1 };
}

/** Writes the seeded checkpoint of `variant` (tests/importer/checkpoints.py) into dir/in and imports it into dir/pack. */
export function importVariant(variant: string, dir: string, extra: string[] = []): { pack: string; seconds: number } {
  const made = python(['tests/importer/checkpoints.py', variant, join(dir, 'in')]);
  if (made.status !== 0) throw new Error(`checkpoints.py ${variant}: ${made.stderr}`);
  const { args } = JSON.parse(made.stdout) as { args: string[] };
  const pack = join(dir, 'pack');
  const t = Date.now();
  const r = python(['-m', 'exporter.import_vit', ...args, ...extra, '--out', pack], 'models');
  if (r.status !== 0) throw new Error(`import_vit ${variant} exited ${r.status}: ${r.stderr.slice(-2000)}`);
  return { pack, seconds: (Date.now() - t) / 1000 };
}

const vitPart = (v: Float32Array | undefined, what: string): Float32Array => {
  if (!v) throw new Error(`the backbone pass has no ${what}`);
  return v;
};

/** The worst max-rel-diff per quantity over the fixtures' cases; throws when one exceeds the fixtures' tolerance. */
export async function packParity(dir: string): Promise<Record<string, number>> {
  const pack = await loadPack(dir);
  const manifest = pack.manifest;
  const fixtures = readFixtures(dir);
  const targets = manifest.outputs.flatMap((o) => o.units.map((u) => u.name));
  const runtime = await openRuntime(pack.dir, manifest, ['cpu'], silentLog);
  const worst: Record<string, number> = {};
  const failures: string[] = [];
  const check = (what: string, ours: ArrayLike<number>, expected: number[]) => {
    const d = maxRelDiff(ours, expected);
    worst[what] = Math.max(worst[what] ?? 0, d);
    if (!(d <= fixtures.tolerance)) failures.push(`${what}: ${d.toExponential(2)}`);
  };
  try {
    if (fixtures.cases.length === 0) throw new Error(`${dir}: fixtures.json has no cases`);
    for (const c of fixtures.cases) {
      const pass: BackbonePass = await runtime.backbone(Float32Array.from(c.image), 1);
      check('outputs', pass.outputs, c.outputs);
      check('attention', vitPart(pass.attention, 'attention'), c.attention);
      check('residual', vitPart(pass.residual, 'residual'), c.residual);
      check('embedding', vitPart(pass.embedding, 'embedding'), c.embedding);
      const run = (id: string, target: ResolvedTarget, params = {}) => {
        const m = method(id);
        return m.compute({
          model: runtime,
          manifest,
          image: Float32Array.from(c.image),
          pass,
          target,
          params: normaliseParams(m, params, runtime.dims.heads),
          signal: new AbortController().signal,
          progress: () => {},
        });
      };
      const output = (t: string): ResolvedTarget => ({ kind: 'output', name: t, index: targets.indexOf(t) });
      if (Object.keys(c.cdam).sort().join() !== [...targets].sort().join())
        throw new Error(`${dir}: fixtures' CDAM targets differ from the manifest's units`);
      for (const t of targets) check('cdam', await run('cdam', output(t)), c.cdam[t]);
      check(
        'concept-cdam',
        await run('concept-cdam', { kind: 'concept', name: 'fixture', vector: Float32Array.from(c.conceptCdam.concept) }),
        c.conceptCdam.cdam,
      );
      const s = c.smoothCdam;
      check(
        'smooth-cdam',
        await run('smooth-cdam', output(s.target), { samples: s.samples, noiseLevel: s.noiseLevel, seed: s.seed }),
        s.cdam,
      );
      const g = c.integratedCdam;
      check('integrated-cdam', await run('integrated-cdam', output(g.target), { steps: g.steps }), g.cdam);
    }
  } finally {
    await runtime.release();
  }
  if (failures.length) throw new Error(`${dir}: differs from its fixtures beyond ${fixtures.tolerance}: ${failures.join('; ')}`);
  return worst;
}
