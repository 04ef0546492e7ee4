// Real-size rows of `npm run bench` (issue 15 §4): a DINO ViT-S/8 @224 (785 tokens), a timm
// ViT-B/16 @224 — seeded random checkpoints in their projects' own layouts (tests/importer/
// checkpoints.py) imported by models/exporter/import_vit.py at bench time and cached under .bench/
// (gitignored) — and the demo CNN (models/isic-cnn/pack; models/test-cnn/pack while it is absent).
// Per image, on one real ISIC image: the backbone pass, CDAM, Smooth CDAM 50, Integrated CDAM 50
// (ViTs), LiMA and RISE (all), and the process's peak RSS; beside them the references in torch
// (bench/real_size_reference.py) at the SAME thread count: BENCH_THREADS (default 2) is ORT's
// intraOpNumThreads for these sessions and torch.set_num_threads there.
// LiMA (the paper's bidirectional search, ~1,600 passes) and RISE (4,000 masks) on a ViT take
// minutes per image on two cores, so both run for at most BENCH_CAP_S seconds (default 20) and are
// extrapolated linearly over their passes (LiMA's progress counts passes, RISE's masks).
// Each model runs in its own child process, so each peak RSS is that model's alone; ViT-B/16's
// Smooth CDAM 50 also runs alone in one, for its own peak (goal ≤ 1.5 GB).
// The first map through the API: a Verdict with the ViT-S/8 pack added and the demo study (ISIC
// cases) imported, from the explain request to the CDAM map returned — cold (first request: the
// pack's sessions open) and warm (another case).
// Then the first map after opening a case as the viewer does (goal ≤ 1 s), cold and warm.
// Run only these rows: `npm run bench -- vit-real` (or BENCH_ONLY=vit-real); BENCH_STAGES picks
// stages (backbone,cdam,smooth-cdam,integrated-cdam,lima,rise,first-map) and leaves the torch
// references out, e.g. BENCH_MODELS=vit-s8 BENCH_STAGES=first-map.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { silentLog } from '../main/log';
import { demoDir } from '../main/paths';
import { rgbImageInput } from '../main/services/explain/input/rgb-image';
import { method, normaliseParams } from '../main/services/explain/methods';
import { decodeRgb } from '../main/services/imaging/isic/decode';
import { setIntraOpThreads } from '../main/services/models/execution-providers';
import { loadPack } from '../main/services/models/load-pack';
import { openRuntime } from '../main/services/models/open-runtime';
import { isicImages, repoRoot } from '../tests/support/data';

export const benchThreads = (): number => Number(process.env.BENCH_THREADS ?? 2);
const capS = () => Number(process.env.BENCH_CAP_S ?? 20);
const CACHE = join(repoRoot, '.bench');
const PYTHON = '/usr/bin/python3';

type Model = { key: string; label: string; pack: string; reference: string; vit: boolean };

function python(args: string[], cwd = repoRoot): string {
  const r = spawnSync(PYTHON, args, {
    cwd,
    encoding: 'utf8',
    timeout: 30 * 60_000,
    env: { ...process.env, OMP_NUM_THREADS: String(benchThreads()), PYTHONDONTWRITEBYTECODE: '1' },
  });
  if (r.status !== 0)
    throw new Error(`python ${args.slice(0, 2).join(' ')} exited ${r.status}: ${(r.stderr || String(r.error)).slice(-1500)}`);
  return r.stdout;
}

/** The seeded checkpoint of `variant` imported into .bench/<variant>/pack, once (cached). */
function ensureVitPack(variant: string): { pack: string; made: string } {
  const dir = join(CACHE, variant);
  const pack = join(dir, 'pack');
  const made = join(dir, 'made.json');
  if (existsSync(join(pack, 'manifest.json')) && existsSync(made)) return { pack, made };
  console.log(`  (importing the seeded ${variant} checkpoint into ${pack}: a few minutes, once)`);
  const out = python(['tests/importer/checkpoints.py', variant, join(dir, 'in')]);
  writeFileSync(made, out);
  const { args } = JSON.parse(out) as { args: string[] };
  const abs = args.map((a) => (a.startsWith('.bench/') ? join(repoRoot, a) : a));
  python(['-m', 'exporter.import_vit', ...abs, '--fixture-cases', '1', '--out', pack], join(repoRoot, 'models'));
  return { pack, made };
}

/** BENCH_MODELS=vit-s8,vit-b16,cnn (default all) picks the rows. */
function models(): Model[] {
  const wanted = (process.env.BENCH_MODELS ?? 'vit-s8,vit-b16,cnn').split(',');
  return allModels(wanted).filter((m) => wanted.includes(m.key));
}

function allModels(wanted: string[]): Model[] {
  const none = { pack: '', made: '' };
  const s8 = wanted.includes('vit-s8') ? ensureVitPack('dino-s8') : none;
  const b16 = wanted.includes('vit-b16') ? ensureVitPack('timm-b16') : none;
  const demoCnn = existsSync(join(repoRoot, 'models/isic-cnn/pack/manifest.json'));
  const cnn = demoCnn ? 'isic-cnn' : 'test-cnn';
  return [
    { key: 'vit-s8', label: 'DINO ViT-S/8 @224 (785 tokens)', pack: s8.pack, reference: s8.made, vit: true },
    { key: 'vit-b16', label: 'timm ViT-B/16 @224 (197 tokens)', pack: b16.pack, reference: b16.made, vit: true },
    {
      key: 'cnn',
      label: demoCnn ? 'demo CNN isic-cnn @128' : 'test CNN @64 (models/isic-cnn/pack absent)',
      pack: join(repoRoot, `models/${cnn}/pack`),
      reference: `models/${cnn}`,
      vit: false,
    },
  ];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const rssMb = () => process.resourceUsage().maxRSS / 1024;

type Timed = { ms: number; done?: number; total?: number };
type WorkerResult = { provider: string; threads: number; times: Record<string, Timed>; rss: Record<string, number> };

/** In a child process: one model's timings, the peak RSS after each stage. */
async function worker(packDir: string, stages: string[], runs: number): Promise<WorkerResult> {
  setIntraOpThreads(benchThreads());
  const pack = await loadPack(packDir);
  const runtime = await openRuntime(pack.dir, pack.manifest, ['cpu'], silentLog);
  const { height, width } = runtime.dims;
  const file = readdirSync(isicImages)
    .filter((f) => f.endsWith('.jpg'))
    .sort()[0];
  const image = rgbImageInput(await decodeRgb(join(isicImages, file)), { height, width, normalise: pack.manifest.input.normalise });
  const target = { kind: 'output' as const, name: 'MEL', index: 0 };
  const times: Record<string, Timed> = {};
  // peak after opening the pack (reading the graphs, creating the sessions), its resident size after, then the peak after each stage
  const rss: Record<string, number> = { opened: rssMb(), 'resident then': process.memoryUsage().rss / 2 ** 20 };
  for (const stage of stages) {
    if (stage === 'backbone') {
      const xs: number[] = [];
      for (let i = 0; i <= runs; i++) {
        const t = performance.now();
        await runtime.backbone(image, 1);
        if (i) xs.push(performance.now() - t); // the first is a warm-up
      }
      times.backbone = { ms: median(xs) };
    } else {
      const m = method(stage);
      const params = normaliseParams(m, {}, runtime.dims.heads);
      const capped = stage === 'lima' || stage === 'rise';
      const xs: number[] = [];
      let done: number | undefined, total: number | undefined;
      for (let i = 0; i <= (capped ? 0 : runs); i++) {
        const controller = new AbortController();
        const t = performance.now();
        const timer = capped ? setTimeout(() => controller.abort(), capS() * 1000) : undefined;
        try {
          await m.compute({
            model: runtime,
            manifest: pack.manifest,
            image,
            pass: await runtime.backbone(image, 1),
            target,
            subject: { caseId: 1, noduleId: null },
            params,
            signal: controller.signal,
            progress: (d, n) => ((done = d), (total = n)),
          });
        } catch (e) {
          if (!controller.signal.aborted) throw e;
        } finally {
          clearTimeout(timer);
        }
        const ms = performance.now() - t;
        if (capped) xs.push(done && total && done < total ? (ms * total) / done : ms);
        else if (i || runs === 0) xs.push(ms); // the first is a warm-up
      }
      times[stage] = { ms: median(xs), ...(capped ? { done, total } : {}) };
    }
    rss[stage] = rssMb();
  }
  await runtime.release();
  return { provider: runtime.provider, threads: benchThreads(), times, rss };
}

function inChild(packDir: string, stages: string[], runs: number): WorkerResult {
  const r = spawnSync(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), '--worker', packDir, stages.join(','), String(runs)],
    {
      encoding: 'utf8',
      timeout: 30 * 60_000,
      env: process.env,
      maxBuffer: 1 << 24,
    },
  );
  if (r.status !== 0)
    throw new Error(`bench worker (${stages.join(',')}) exited ${r.status}: ${(r.stderr || String(r.error)).slice(-1500)}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as WorkerResult;
}

type Reference = {
  torch: string;
  threads: number;
  backbone_ms: number;
  cdam_ms?: number;
  smooth50_ms?: number;
  integrated50_ms?: number;
  rise: Timed;
  lima: Timed;
  max_rss_mb: number;
};

/** Wall and CPU time (ms; the CPU time of all the process's threads, less sensitive to other load). */
type Took = { wall: number; cpu: number };
type FirstMaps = { cold: Took; warm: Took; openedCold: Took; openedWarm: Took };

/**
 * The first CDAM map through the API in a fresh Verdict with the pack added (its sessions not
 * open): `explain.map` alone, cold (the pack's sessions open) and warm (another case); and after
 * opening a case as the viewer does (renderer/lib/app/case-state.svelte.ts, explain-state.svelte.ts:
 * cases.get, then the image and models.list → explain.predict side by side), the map asked the
 * moment the model list is in — from opening the case to the map returned, in a second fresh
 * Verdict (cold) and then on another case (warm).
 */
async function firstMap(packDir: string): Promise<FirstMaps> {
  setIntraOpThreads(benchThreads());
  const { testVerdict } = await import('../tests/support/verdict');
  const fresh = async () => {
    const v = testVerdict();
    await v.imports.run(demoDir());
    const modelId = (await v.models.add(packDir)).id;
    return { v, modelId, cases: v.cases.list().filter((c) => c.modality === 'dermoscopy') };
  };
  const map = async (v: Awaited<ReturnType<typeof fresh>>['v'], modelId: number, caseId: number) => {
    const m = await v.explain.map({ modelId, caseId, method: 'cdam', target: 'MEL' });
    if (m.cached) throw new Error('the first map came from the cache');
  };
  const took = async (run: () => Promise<void>): Promise<Took> => {
    const t = performance.now();
    const c = process.cpuUsage();
    await run();
    const { user, system } = process.cpuUsage(c);
    return { wall: performance.now() - t, cpu: (user + system) / 1000 };
  };
  const alone = (f: Awaited<ReturnType<typeof fresh>>, caseId: number) => took(() => map(f.v, f.modelId, caseId));
  const opening = async ({ v, modelId }: Awaited<ReturnType<typeof fresh>>, caseId: number) => {
    let rest: Promise<unknown> = Promise.resolve();
    const t = await took(async () => {
      const detail = v.cases.get(caseId);
      const image = v.imaging.dermoImage(detail.images[0].id);
      const models = v.models.list();
      const predict = models.then(() => v.explain.predict({ modelId, caseId }));
      rest = Promise.all([image, predict]);
      await models;
      await map(v, modelId, caseId);
    });
    await rest;
    return t;
  };
  const a = await fresh();
  let cold: Took, warm: Took;
  try {
    cold = await alone(a, a.cases[0].id);
    warm = await alone(a, a.cases[1].id);
  } finally {
    a.v.close();
  }
  const b = await fresh();
  try {
    return { cold, warm, openedCold: await opening(b, b.cases[2].id), openedWarm: await opening(b, b.cases[3].id) };
  } finally {
    b.v.close();
  }
}

const s = (ms: number) =>
  ms >= 10_000 ? `${(ms / 1000).toFixed(0)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
const pad = (x: string, n: number) => x.padStart(n);

/** Prints each model's rows as soon as they are measured (the whole run takes tens of minutes). */
export async function runRealSizeBenchmark(emit: (line: string) => void = console.log): Promise<void> {
  const threads = benchThreads();
  const lines = { push: (...xs: string[]) => xs.forEach((x) => emit(x)) };
  lines.push(
    `BENCH_THREADS=${threads}: ONNX Runtime intraOpNumThreads and torch.set_num_threads; RISE (4000 masks) and LiMA capped at ${capS()} s each and extrapolated over their passes (marked ~)`,
  );
  const picked = process.env.BENCH_STAGES?.split(',');
  for (const m of models()) {
    const all = m.vit ? ['backbone', 'cdam', 'smooth-cdam', 'integrated-cdam', 'lima', 'rise'] : ['backbone', 'lima', 'rise'];
    const stages = picked ? all.filter((x) => picked.includes(x)) : all;
    const ours = stages.length ? inChild(m.pack, stages, m.vit ? 5 : 10) : null;
    const lima = ours?.times.lima;
    // BENCH_STAGES picks rows and leaves the torch references out (minutes per model)
    const ref: Partial<Reference> = picked
      ? {}
      : (JSON.parse(
          python(['bench/real_size_reference.py', m.reference, String(threads), String(capS()), String(lima?.total ?? 1610), '4000'])
            .trim()
            .split('\n')
            .pop()!,
        ) as Reference);
    /** The row's line, or none when its stage did not run (BENCH_STAGES). */
    const row = (name: string, o: Timed | undefined, r: Timed | number | undefined, goal = ''): string[] => {
      if (!o) return [];
      const rms = typeof r === 'number' ? r : r?.ms;
      const est = (t: Timed | number | undefined) => (typeof t === 'object' && t.done !== undefined && t.done < (t.total ?? 0) ? '~' : ' ');
      return [
        `  ${name.padEnd(18)} ours ${est(o)}${pad(s(o.ms), 7)}` +
          (rms ? ` | reference ${est(r)}${pad(s(rms), 7)} | ${(rms / o.ms).toFixed(1)}× faster` : '') +
          (goal ? ` | ${goal}` : ''),
      ];
    };
    lines.push(
      `${m.label} — ${ours?.provider ?? 'first map only'}, ${threads} threads` +
        (ref.torch ? `; reference torch ${ref.torch}, ${ref.threads} threads:` : ' (no reference: BENCH_STAGES):'),
    );
    const t = ours?.times ?? {};
    lines.push(...row('backbone pass', t.backbone, ref.backbone_ms));
    if (m.vit && t.cdam) {
      const v = t.cdam.ms;
      lines.push(...row('CDAM', t.cdam, ref.cdam_ms, 'goal ≥ 5× faster than autograd'));
      const times = (x: string) => (t[x] ? `${(t[x].ms / v).toFixed(1)}× our CDAM` : '');
      lines.push(...row('Smooth CDAM 50', t['smooth-cdam'], ref.smooth50_ms, `${times('smooth-cdam')} (goal ≤ 3×)`));
      lines.push(...row('Integrated CDAM 50', t['integrated-cdam'], ref.integrated50_ms, times('integrated-cdam')));
    }
    lines.push(...row('LiMA', lima, ref.lima, `${lima?.total} passes; reference: the same passes in torch, batches of 32`));
    lines.push(...row('RISE 4000', t.rise, ref.rise, 'reference: eclique/RISE batched masks in torch'));
    if (ours)
      lines.push(
        `  peak RSS: ours ${Object.entries(ours.rss)
          .map(([k, mb]) => `${k} ${mb.toFixed(0)} MB`)
          .join(' → ')}` + (ref.max_rss_mb ? `; reference ${ref.max_rss_mb.toFixed(0)} MB` : ''),
      );
    if (m.key === 'vit-b16' && (!picked || picked.includes('smooth-cdam'))) {
      const alone = inChild(m.pack, ['smooth-cdam'], 0);
      const mb = alone.rss['smooth-cdam'];
      lines.push(
        `  Smooth CDAM 50 alone (a process that opens the pack and makes one map): peak RSS ${mb.toFixed(0)} MB, resident after opening ${alone.rss['resident then'].toFixed(0)} MB (goal ≤ 1536 MB: ${mb <= 1536 ? 'met' : 'NOT met'})`,
      );
    }
    if (m.key === 'vit-s8' && (!picked || picked.includes('first-map'))) {
      const f = await firstMap(m.pack);
      const w = (x: Took) => `${s(x.wall)} (CPU ${s(x.cpu)})`;
      lines.push(
        `  first map through the API (explain.map, CDAM, ISIC case): cold ${w(f.cold)} (sessions open), warm ${w(f.warm)} (another case)`,
      );
      lines.push(
        `  first map after opening a case (the viewer's calls, CDAM asked at once): cold ${w(f.openedCold)} (sessions open), warm ${w(f.openedWarm)} (another case) — goal ≤ 1 s`,
      );
    }
  }
}

if (process.argv[2] === '--worker') {
  const [packDir, stages, runs] = process.argv.slice(3);
  const r = await worker(packDir, stages.split(','), Number(runs));
  console.log(JSON.stringify(r));
}
