// ONNX Runtime sessions with execution-provider fallback: try the accelerators this platform
// can have (CUDA on Linux/Windows, DirectML on Windows, CoreML on macOS) in order and fall back
// to CPU when creating a session with one fails — a missing driver or provider library is
// normal on readers' machines and must never stop the app. The provider that actually
// opened the session is returned, so the UI and every stored result can say what ran.
import * as ort from 'onnxruntime-node';
import { VerdictError } from '../../../app/errors';
import type { Log } from '../../log';

export type ProviderName = 'cuda' | 'dml' | 'coreml' | 'cpu';

// ORT's own logger would print a missing CUDA library to stderr on every machine without one;
// failures reach us as exceptions, which go to Verdict's log instead.
ort.env.logLevel = 'fatal';

/** The providers worth trying on a platform, best first; CPU always last. */
export function defaultProviders(platform: NodeJS.Platform = process.platform): ProviderName[] {
  if (platform === 'win32') return ['cuda', 'dml', 'cpu'];
  if (platform === 'darwin') return ['coreml', 'cpu'];
  return ['cuda', 'cpu'];
}

export type OpenedSession = { session: ort.InferenceSession; provider: ProviderName };

// ORT's intra-op threads for the sessions opened from now on; undefined: ORT's default (the
// physical cores). Set by `npm run bench` (BENCH_THREADS) so the references run at the same count.
let intraOpThreads: number | undefined;
export function setIntraOpThreads(n: number | undefined): void {
  intraOpThreads = n;
}

const firstLine = (e: unknown) =>
  String(e instanceof Error ? e.message : e)
    .split('\n')[0]
    .replace(/\u001b\[[0-9;]*m/g, '')
    .trim();

/**
 * Creates a session for `model` (the graph's bytes) with the first provider that works.
 * `label` names the graph in logs and errors, e.g. `test-vit-lidc/backbone.onnx`.
 */
export async function openSession(model: Uint8Array, label: string, providers: readonly ProviderName[], log: Log): Promise<OpenedSession> {
  const tried: string[] = [];
  const order: ProviderName[] = providers.includes('cpu') ? [...providers] : [...providers, 'cpu'];
  for (const provider of order) {
    try {
      // logSeverityLevel 3: ORT's own warnings about a missing provider library go to our log instead.
      const session = await ort.InferenceSession.create(model, {
        executionProviders: [provider],
        logSeverityLevel: 3,
        graphOptimizationLevel: 'all',
        ...(intraOpThreads ? { intraOpNumThreads: intraOpThreads } : {}),
      });
      if (tried.length) log.info(`${label}: running on ${provider} (${tried.join('; ')})`);
      return { session, provider };
    } catch (e) {
      tried.push(`${provider} failed: ${firstLine(e)}`);
      log.info(`${label}: could not open with ${provider}, trying the next provider: ${firstLine(e)}`);
    }
  }
  throw new VerdictError(
    'model.session-failed',
    `${label}: ONNX Runtime could not open the graph with any provider (${tried.join('; ')}).`,
    { file: label },
  );
}

/** Opens a graph on CPU only to read it (validation); a file ORT cannot load is `model.bad-onnx`. */
export async function inspectGraph(model: Uint8Array, file: string): Promise<ort.InferenceSession> {
  try {
    return await ort.InferenceSession.create(model, {
      executionProviders: ['cpu'],
      logSeverityLevel: 3,
      graphOptimizationLevel: 'disabled',
    });
  } catch (e) {
    throw new VerdictError('model.bad-onnx', `${file}: ONNX Runtime cannot load it: ${firstLine(e)}`, { file, reason: firstLine(e) });
  }
}
