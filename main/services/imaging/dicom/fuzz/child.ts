// Child process of the mutation test: builds the mutants the parent names, runs each through
// import and view (trial.ts) and reports the outcome with its peak RSS. Nothing here catches
// what a trial does not: an uncaught exception or a crash ends this process, and the parent
// counts it against the mutant it was running.
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describeSource, mutant, type Source } from './mutate';
import { runTrial } from './trial';

export type ChildRequest = { index: number };
export type ChildReply =
  | { ready: true }
  | { index: number; source: string; kind: string; outcome: Awaited<ReturnType<typeof runTrial>>; ms: number; maxRssKb: number };

const [root, seedText] = process.argv.slice(2);
const seed = Number(seedText);

const listFiles = async (dir: string): Promise<string[]> => {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
};

const sources: Source[] = [];
for (const path of await listFiles(root)) sources.push(describeSource(relative(root, path), new Uint8Array(await readFile(path))));
const work = await mkdtemp(join(tmpdir(), 'verdict-fuzz-'));
process.on('exit', () => void rm(work, { recursive: true, force: true }));
process.on('disconnect', () => process.exit(0));

const send = (reply: ChildReply): void => void process.send!(reply);

process.on('message', async ({ index }: ChildRequest) => {
  const m = mutant(sources, seed, index);
  const started = performance.now();
  const outcome = await runTrial(work, `m${index}`, m.bytes);
  send({ index, source: m.source, kind: m.kind, outcome, ms: performance.now() - started, maxRssKb: process.resourceUsage().maxRSS });
});
send({ ready: true });
