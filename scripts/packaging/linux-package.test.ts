// The installer ships only what runs, for the platform it runs on: builds the Linux app folder as
// `npm run dist` would (offline, with a stand-in Electron), checks what it holds and leaves out,
// prints where its bytes go, and starts the packaged main process from the packaged paths.
import { extractAll } from '@electron/asar';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { state } from '../../main/hosts/electron/stand-in-electron';
import { buildLinuxDir, repoRoot } from './build-linux-dir';
import { TEST_ONLY_ROLES } from '../../main/services/models/load-pack';
import { foreignBinary, isNative, listApp, mib, sizesByFolder, type Entry } from './package-contents';

// The Linux x64 app folder, Electron's own files aside, was 296 MiB; it is about 120 MiB now:
// onnxruntime (44), sharp's libvips (18), the model packs (39, the demo CNN's 3.4 among them;
// their fixtures.json, the exporter's reference values, are test-only and left out: load-pack.ts
// TEST_ONLY_ROLES), the demo (8), the renderer (4). This limit catches regressions such as
// another platform's runtime (+25 to +86 MiB) or the checkpoints (+19 MiB) coming back.
const LIMIT = 125 * 2 ** 20;

let work = '';
let appDir = '';
let disk: Entry[] = [];
let asar: Entry[] = [];
const all = () => [...disk, ...asar];

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'verdict-package-'));
  const started = Date.now();
  appDir = buildLinuxDir(work);
  console.log(`built ${appDir} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  ({ disk, asar } = listApp(appDir));
});
// The build and the extracted archive take about 250 MB: gone with the run.
afterAll(() => rmSync(work, { recursive: true, force: true }));

const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && !d.name.endsWith('.py') && !d.parentPath.includes('__pycache__'))
    .map((d) => join(d.parentPath, d.name).slice(dir.length + 1));

describe('the Linux app folder', () => {
  it('holds the migrations, the demo study, the model packs, the renderer and the main bundle', () => {
    const resources = join(appDir, 'resources');
    for (const dir of ['migrations', 'demo']) {
      const want = filesUnder(join(repoRoot, dir));
      expect(want.length).toBeGreaterThan(0);
      expect(filesUnder(join(resources, dir)).sort()).toEqual(want.sort());
    }
    const packs = readdirSync(join(repoRoot, 'models'), { withFileTypes: true })
      .filter((d) => d.isDirectory() && !d.name.startsWith('test-'))
      .flatMap((d) => ['pack', 'randomized-pack'].map((p) => `${d.name}/${p}`))
      .filter((p) => existsSync(join(repoRoot, 'models', p, 'manifest.json')));
    expect(packs.length).toBeGreaterThanOrEqual(4);
    for (const p of packs) {
      // Every file the manifest names (and hashes) but the test-only ones: a pack missing one is refused at start-up.
      const manifest = JSON.parse(readFileSync(join(repoRoot, 'models', p, 'manifest.json'), 'utf8')) as {
        files: Record<string, { path: string }>;
      };
      const roles = Object.entries(manifest.files).filter(([role]) => !TEST_ONLY_ROLES.has(role));
      for (const f of ['manifest.json', ...roles.map(([, r]) => r.path)]) {
        expect(statSync(join(resources, 'models', p, f), { throwIfNoEntry: false })?.size, `${p}/${f}`).toBe(
          statSync(join(repoRoot, 'models', p, f)).size,
        );
      }
    }
    expect(existsSync(join(resources, 'dist/renderer/index.html'))).toBe(true);
    const inAsar = new Set(asar.map((e) => e.path));
    for (const f of ['dist/electron/main.js', 'dist/electron/preload.cjs', 'package.json'])
      expect(inAsar.has(`resources/app.asar/${f}`), f).toBe(true);
  });

  it('leaves out checkpoints, test packs and fixtures, Python, sources, source maps and dev tools', () => {
    const unwanted = [
      /\.pt$/,
      /\.py$/,
      /(^|\/)test-[a-z]+\//,
      /\/fixtures\.json$/,
      /\/node_modules\/(@esbuild|esbuild|tsx|vite|vitest|electron|electron-builder|typescript|svelte)\//,
      /\/node_modules\/better-sqlite3\/(deps|src|build\/Release\/obj(\.target)?)\//,
      /test_extension\.node$/,
      /\.map$/,
    ];
    expect(
      all()
        .map((e) => e.path)
        .filter((p) => unwanted.some((re) => re.test(p))),
    ).toEqual([]);
  });

  it('holds native code for this platform and architecture only, unpacked from app.asar where it can be loaded', () => {
    const natives = disk.filter((e) => isNative(e.path));
    const foreign = natives.map((e) => [e.path, foreignBinary(join(appDir, e.path), process.arch)]).filter(([, why]) => why !== null);
    expect(foreign).toEqual([]);
    expect(asar.filter((e) => isNative(e.path) && !e.unpacked).map((e) => e.path)).toEqual([]);
    // The ones the app loads are there (a filter that drops too much fails here, not on a user's machine).
    const have = natives.map((e) => e.path);
    for (const want of [
      `onnxruntime-node/bin/napi-v6/linux/${process.arch}/onnxruntime_binding.node`,
      `onnxruntime-node/bin/napi-v6/linux/${process.arch}/libonnxruntime.so.1`,
      'better-sqlite3/build/Release/better_sqlite3.node',
      `@img/sharp-linux-${process.arch}/lib/sharp-linux-${process.arch}-`,
      `@img/sharp-libvips-linux-${process.arch}/lib/libvips-cpp.so`,
    ]) {
      expect(
        have.some((p) => p.startsWith(`resources/app.asar.unpacked/node_modules/${want}`)),
        want,
      ).toBe(true);
    }
  });

  it(`is at most ${mib(LIMIT)}, and says where the bytes go`, () => {
    const total = disk.reduce((s, e) => s + e.size, 0);
    const rows = [...sizesByFolder([...disk.filter((e) => e.path !== 'resources/app.asar'), ...asar])].sort((a, b) => b[1] - a[1]);
    const asarFile = disk.find((e) => e.path === 'resources/app.asar')!.size;
    console.log(
      [
        `Linux ${process.arch} app folder (stand-in Electron): ${mib(total)} (limit ${mib(LIMIT)})`,
        `  ${mib(asarFile).padStart(10)}  resources/app.asar (the file; its packed contents below)`,
        ...rows.filter(([, b]) => b >= 100 << 10).map(([k, b]) => `  ${mib(b).padStart(10)}  ${k}`),
        `  ${mib(rows.filter(([, b]) => b < 100 << 10).reduce((s, [, b]) => s + b, 0)).padStart(10)}  (${rows.filter(([, b]) => b < 100 << 10).length} folders under 100 KiB)`,
      ].join('\n'),
    );
    expect(total).toBeLessThanOrEqual(LIMIT);
  });
});

describe('the packaged main process', () => {
  const logs: string[] = [];
  const errors: string[] = [];

  beforeAll(async () => {
    // Electron reads app.asar through its patched fs; Node cannot, so the archive is extracted
    // (its unpacked files included) and the bundle loaded from there. Resources are the packaged
    // ones: resolved through process.resourcesPath, as in the installed app.
    const app = join(work, 'app');
    extractAll(join(appDir, 'resources', 'app.asar'), app);
    delete process.env.VERDICT_RESOURCES;
    (process as { resourcesPath?: string }).resourcesPath = join(appDir, 'resources');
    state.userData = join(work, 'user-data');
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void logs.push(a.join(' ')));
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void errors.push(a.join(' ')));
    await import(join(app, 'dist/electron/main.js'));
    await vi.waitFor(() => expect(state.windows[0]?.loaded).toBeTruthy(), { timeout: 30_000 });
  });
  afterAll(() => vi.restoreAllMocks());

  it('opens its window with the preload beside it in app.asar', () => {
    const { options, loaded } = state.windows[0];
    expect(loaded).toBe('verdict-app://renderer/index.html');
    expect(existsSync(options.webPreferences.preload)).toBe(true);
    expect(options.webPreferences.preload).toMatch(/dist[\\/]electron[\\/]preload\.cjs$/);
  });

  it('serves the packaged renderer on its app scheme', async () => {
    const serve = state.protocolHandlers.get('verdict-app')!;
    const page = await serve(new Request('verdict-app://renderer/index.html'));
    expect(page.status).toBe(200);
    const html = await page.text();
    const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeTruthy();
    const asset = await serve(new Request(`verdict-app://renderer/${script}`));
    expect(asset.status).toBe(200);
    expect((await asset.arrayBuffer()).byteLength).toBe(statSync(join(appDir, 'resources/dist/renderer', script!)).size);
  });

  it('answers the window through the packaged modules', async () => {
    const call = state.ipc.get('verdict:call')!;
    const info = await call({ senderFrame: { url: 'verdict-app://renderer/index.html' } }, { name: 'app.info', args: {} });
    expect(info).toMatchObject({ ok: true, data: { host: 'electron', studyName: 'study.db' } });
  });

  it('imports the packaged demo study (migrations, SQLite, DICOM, sharp) and explains it with the packaged models (ONNX Runtime)', async () => {
    const ready = await vi.waitFor(
      () => {
        const line = logs.find((l) => l.includes('demo study ready'));
        if (!line) throw new Error(`demo study not ready yet; errors so far: ${errors.join('\n')}`);
        return line;
      },
      { timeout: 170_000, interval: 500 },
    );
    // Nothing failed on the way: a pack with a missing file, say, is logged and left out.
    expect(errors).toEqual([]);
    expect(logs.some((l) => l.includes(`importing the demo study from ${join(appDir, 'resources', 'demo')}`))).toBe(true);
    const [, cases, maps] = /(\d+) cases, (\d+) explanation maps/.exec(ready)!.map(Number);
    expect(cases).toBeGreaterThan(0);
    expect(maps, logs.join('\n')).toBeGreaterThan(0);
  });
});
