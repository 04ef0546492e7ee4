// The mutation test's parent: hands mutant numbers to child processes (one per core), so that a
// crash or a hang is counted against its mutant instead of ending the run. A mutant that takes
// longer than `hangMs` is a hang: its child is killed and a fresh one takes the next mutant.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildReply } from './child';
import type { Outcome } from './trial';

export type FuzzOptions = {
  root: string;
  seed: number;
  mutants: number;
  workers: number;
  hangMs?: number;
  onResult?: (done: number) => void;
};

export type Incident = { index: number; source?: string; kind?: string; what: string };

export type FuzzReport = {
  mutants: number;
  refusedAtImport: number;
  accepted: number;
  refusedAtView: number;
  crashes: Incident[];
  hangs: Incident[];
  viewRefusals: Incident[];
  /** How many mutants each import refusal code stopped. */
  importCodes: Record<string, number>;
  peakRssMb: number;
  slowest: { index: number; ms: number; source: string };
  /** Mutants that took over a second (decoders stopped by their time limit show up here). */
  slow: Incident[];
  seconds: number;
};

const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));

type Done = { reply: Extract<ChildReply, { index: number }> } | { crash: string } | { hang: true };

const spawnChild = (root: string, seed: number): Promise<ChildProcess> =>
  new Promise((resolve, reject) => {
    const child = fork(CHILD, [root, String(seed)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`the fuzz child could not start (exit code ${code})`)));
  });

const runOne = (child: ChildProcess, index: number, hangMs: number): Promise<Done> =>
  new Promise((resolve) => {
    const cleanup = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    const onMessage = (m: ChildReply) => {
      if ('index' in m && m.index === index) {
        cleanup();
        resolve({ reply: m });
      }
    };
    const onExit = (code: number | null, signal: string | null) => {
      cleanup();
      resolve({ crash: `the child process ended (${signal ?? `exit code ${code}`})` });
    };
    const timer = setTimeout(() => {
      cleanup();
      child.kill('SIGKILL');
      resolve({ hang: true });
    }, hangMs);
    child.on('message', onMessage);
    child.on('exit', onExit);
    child.send({ index });
  });

export const runFuzz = async (o: FuzzOptions): Promise<FuzzReport> => {
  const started = performance.now();
  const report: FuzzReport = {
    mutants: o.mutants,
    refusedAtImport: 0,
    accepted: 0,
    refusedAtView: 0,
    crashes: [],
    hangs: [],
    viewRefusals: [],
    importCodes: {},
    peakRssMb: 0,
    slowest: { index: -1, ms: 0, source: '' },
    slow: [],
    seconds: 0,
  };
  const count = (index: number, r: Extract<ChildReply, { index: number }>): void => {
    const outcome: Outcome = r.outcome;
    report.peakRssMb = Math.max(report.peakRssMb, r.maxRssKb / 1024);
    if (r.ms > report.slowest.ms) report.slowest = { index, ms: Math.round(r.ms), source: r.source };
    if (r.ms > 1000)
      report.slow.push({
        index,
        source: r.source,
        kind: r.kind,
        what: `${Math.round(r.ms)} ms: ${'reason' in outcome ? outcome.reason : 'accepted'}`,
      });
    if (outcome.result === 'accepted') report.accepted++;
    else if (outcome.result === 'refused-at-import') {
      report.refusedAtImport++;
      report.importCodes[outcome.code] = (report.importCodes[outcome.code] ?? 0) + 1;
    } else {
      report.refusedAtView++;
      report.viewRefusals.push({ index, source: r.source, kind: r.kind, what: outcome.reason });
    }
  };
  let next = 0;
  let done = 0;
  const slot = async (): Promise<void> => {
    let child = await spawnChild(o.root, o.seed);
    while (next < o.mutants) {
      const index = next++;
      const d = await runOne(child, index, o.hangMs ?? 10_000);
      if ('reply' in d) count(index, d.reply);
      else {
        ('hang' in d ? report.hangs : report.crashes).push({
          index,
          what: 'hang' in d ? `no answer within ${(o.hangMs ?? 10_000) / 1000} s` : d.crash,
        });
        child.kill('SIGKILL');
        child = await spawnChild(o.root, o.seed);
      }
      o.onResult?.(++done);
    }
    child.disconnect();
  };
  await Promise.all(Array.from({ length: Math.max(1, o.workers) }, slot));
  report.seconds = Math.round((performance.now() - started) / 100) / 10;
  return report;
};
