// CDAM benchmark: vanilla, Smooth (50) and Integrated (50) CDAM on each bundled pack through
// ONNX Runtime (backbone + batched tail, CPU), beside the same maps computed the reference way
// (bench/cdam_reference.py: torch.autograd with hooks, one backward pass per map), both at
// BENCH_THREADS threads (ORT's intraOpNumThreads, torch.set_num_threads).
// Goals: vanilla ≥ 5× faster than the reference; Smooth and Integrated ≥ 4× faster than the
// reference loop and ≤ 5× our own vanilla cost.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { silentLog } from '../main/log';
import { method, normaliseParams } from '../main/services/explain/methods';
import { setIntraOpThreads } from '../main/services/models/execution-providers';
import { loadPack } from '../main/services/models/load-pack';
import { openRuntime } from '../main/services/models/open-runtime';
import { readFixtures } from '../main/services/models/test-packs';
import { repoRoot } from '../tests/support/data';
import { benchThreads } from './real-size';

const PACKS = [
  { id: 'test-vit-lidc', dir: join(repoRoot, 'models/test-vit/lidc-pack') },
  { id: 'test-vit-isic', dir: join(repoRoot, 'models/test-vit/isic-pack') },
  { id: 'lidc-vit', dir: join(repoRoot, 'models/lidc-vit/pack') },
  { id: 'isic-vit', dir: join(repoRoot, 'models/isic-vit/pack') },
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

async function timeMs(runs: number, fn: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 3; i++) await fn(); // warm-up: ORT allocations and JIT
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return median(times);
}

type Ours = { vanilla: number; smooth: number; integrated: number };

async function ours(dir: string, runs: number): Promise<Ours> {
  setIntraOpThreads(benchThreads());
  const pack = await loadPack(dir);
  const runtime = await openRuntime(pack.dir, pack.manifest, ['cpu'], silentLog);
  const image = Float32Array.from(readFixtures(dir).cases[0].image);
  const target = { kind: 'output' as const, name: 'first', index: 0 };
  // Each timing is the whole map from the model input: backbone pass + method.
  const timed = (id: string) => {
    const m = method(id);
    const params = normaliseParams(m, {}, runtime.dims.heads);
    return timeMs(runs, async () =>
      m.compute({
        model: runtime,
        manifest: pack.manifest,
        image,
        pass: await runtime.backbone(image, 1),
        target,
        params,
        signal: new AbortController().signal,
        progress: () => {},
      }),
    );
  };
  try {
    return { vanilla: await timed('cdam'), smooth: await timed('smooth-cdam'), integrated: await timed('integrated-cdam') };
  } finally {
    await runtime.release();
  }
}

async function reference(packId: string, runs: number) {
  const { stdout } = await promisify(execFile)(
    '/usr/bin/python3',
    [join(repoRoot, 'bench/cdam_reference.py'), packId, String(runs), String(benchThreads())],
    {
      timeout: 600_000,
    },
  );
  return JSON.parse(stdout.trim().split('\n').pop()!) as {
    vanilla_ms: number;
    smooth50_ms: number;
    integrated50_ms: number;
    torch: string;
    threads: number;
  };
}

export async function runCdamBenchmark(runs = 21): Promise<string[]> {
  const lines: string[] = [];
  for (const p of PACKS) {
    const o = await ours(p.dir, runs);
    let ref: Awaited<ReturnType<typeof reference>> | null = null;
    try {
      ref = await reference(p.id, Math.max(5, Math.round(runs / 4)));
    } catch (e) {
      lines.push(`${p.id}: reference not run (${(e as Error).message.split('\n')[0]})`);
    }
    const row = (name: string, ms: number, refMs: number | undefined, goal: string) =>
      `  ${name.padEnd(16)} ours ${ms.toFixed(2).padStart(7)} ms` +
      (refMs ? ` | reference ${refMs.toFixed(2).padStart(7)} ms | ${(refMs / ms).toFixed(1)}× faster` : '') +
      ` | ${goal}`;
    lines.push(
      `${p.id} (ONNX Runtime CPU, ${benchThreads()} threads, vs torch ${ref?.torch ?? '?'} autograd, ${ref?.threads ?? '?'} threads):`,
    );
    lines.push(row('CDAM', o.vanilla, ref?.vanilla_ms, 'goal ≥5× faster'));
    lines.push(
      row('Smooth CDAM 50', o.smooth, ref?.smooth50_ms, `goal ≥4× faster; ${(o.smooth / o.vanilla).toFixed(1)}× our vanilla (goal ≤5×)`),
    );
    lines.push(
      row(
        'Integrated 50',
        o.integrated,
        ref?.integrated50_ms,
        `goal ≥4× faster; ${(o.integrated / o.vanilla).toFixed(1)}× our vanilla (goal ≤5×)`,
      ),
    );
  }
  return lines;
}
