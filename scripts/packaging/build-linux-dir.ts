// Builds the installer's Linux app folder the way `npm run dist` does (the `dir` target: what the
// AppImage and .deb wrap), offline: a stand-in Electron distribution replaces the binary that
// cannot be downloaded here, and better-sqlite3 is not rebuilt for Electron's ABI (it keeps
// Node's, so the packaged main bundle can be loaded under Node by the check).
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const repoRoot = join(import.meta.dirname, '..', '..');

export const electronVersion = (): string =>
  (JSON.parse(readFileSync(join(repoRoot, 'node_modules/electron/package.json'), 'utf8')) as { version: string }).version;

/** Electron's unpacked layout, minus Electron: electron-builder copies it and renames `electron`. */
function standInElectronDist(dir: string): string {
  mkdirSync(join(dir, 'resources'), { recursive: true });
  writeFileSync(join(dir, 'electron'), '#!/bin/sh\necho "stand-in Electron: the real binary is installed by npm run dist" >&2\nexit 1\n');
  chmodSync(join(dir, 'electron'), 0o755);
  writeFileSync(join(dir, 'version'), `v${electronVersion()}`);
  writeFileSync(join(dir, 'LICENSE'), '');
  return dir;
}

const run = (cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env) => {
  try {
    return execFileSync(cmd, args, { cwd: repoRoot, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  } catch (e) {
    const { stdout, stderr } = e as { stdout?: string; stderr?: string };
    throw new Error(`${cmd} ${args.join(' ')} failed:\n${stdout ?? ''}\n${stderr ?? ''}`);
  }
};

/**
 * `npm run build`, then electron-builder's `--linux dir` for this machine's architecture into
 * workDir/out. Every download is pointed at a dead proxy: the check proves that packaging needs
 * nothing from the network. Returns the app folder (…/linux-unpacked or linux-<arch>-unpacked).
 */
export function buildLinuxDir(workDir: string): string {
  run('npm', ['run', 'build', '--silent']);
  const dist = standInElectronDist(join(workDir, 'electron-dist'));
  const out = join(workDir, 'out');
  const dead = 'http://127.0.0.1:9';
  const offline = {
    ...process.env,
    HTTPS_PROXY: dead,
    HTTP_PROXY: dead,
    https_proxy: dead,
    http_proxy: dead,
    ELECTRON_GET_USE_PROXY: '1',
    NO_PROXY: '',
    no_proxy: '',
  };
  const log = run(
    'npx',
    [
      'electron-builder',
      '--linux',
      'dir',
      `--${process.arch}`,
      `-c.electronDist=${dist}`,
      `-c.electronVersion=${electronVersion()}`,
      '-c.npmRebuild=false',
      `-c.directories.output=${out}`,
    ],
    offline,
  );
  // electron-builder's own summary, without its page-long list of duplicate @stdlib references.
  for (const line of log.split('\n')) if (line.trim() && !line.includes('duplicate dependency')) console.log(line);
  return join(out, process.arch === 'x64' ? 'linux-unpacked' : `linux-${process.arch}-unpacked`);
}
