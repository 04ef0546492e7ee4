// Starts the real loopback host (`main/hosts/serve/main.ts`) as a child process on a fresh temp
// folder and connects a typed API client to it — what each integration and e2e test uses. The
// printed link works once (a browser page trades it for a cookie), so the API client does not
// use it: it authenticates with an API key this harness chose and gave the host (VERDICT_API_KEY).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { ApiClient } from '../../renderer/lib/api-client';
import { connectWsBridge, type WsBridge } from '../../renderer/lib/ws-bridge';
import { repoRoot } from './data';

export { repoRoot, sharedData } from './data';

export type ServeProcess = {
  /** The printed launch link: it opens the app once (later pages of that browser use the cookie). */
  url: string;
  origin: string;
  token: string;
  /** The key the API client sends as `Authorization: Bearer`. */
  apiKey: string;
  dataDir: string;
  child: ChildProcess;
  output: () => string;
  /** What the host wrote to stderr alone: where main's log puts errors and their stacks. */
  errors: () => string;
  api: () => Promise<ApiClient & { close: () => void }>;
  stop: () => Promise<void>;
};

export async function startServeProcess(opts: { demo?: boolean; dataDir?: string } = {}): Promise<ServeProcess> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'verdict-host-'));
  const args = ['--import', 'tsx', join(repoRoot, 'main/hosts/serve/main.ts'), '--data', dataDir];
  if (!opts.demo) args.push('--no-demo');
  const apiKey = randomBytes(32).toString('base64url');
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, VERDICT_API_KEY: apiKey },
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => {
    out += d.toString();
    err += d.toString();
  });
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve host did not start in 30 s:\n${out}`)), 30_000);
    child.stdout!.on('data', () => {
      const m = /VERDICT_URL=(\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[1]);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve host exited (${code}):\n${out}`));
    });
  });
  const parsed = new URL(url);
  const token = parsed.searchParams.get('token')!;
  const origin = parsed.origin;
  return {
    url,
    origin,
    token,
    apiKey,
    dataDir,
    child,
    output: () => out,
    errors: () => err,
    api: async () => {
      const withKey = class extends WebSocket {
        constructor(u: string) {
          super(u, { headers: { authorization: `Bearer ${apiKey}` } });
        }
      };
      const bridge: WsBridge = await connectWsBridge(
        `ws://${parsed.host}/api`,
        withKey as unknown as new (u: string) => globalThis.WebSocket,
      );
      const client = new ApiClient(bridge) as ApiClient & { close: () => void };
      client.close = () => bridge.close();
      return client;
    },
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}
