// `npm start`: builds the renderer and the Electron host, and launches Verdict's desktop window.
// Electron's binary is not downloaded by `npm ci` (so installs work offline); where it is
// missing this says what to do instead of failing obscurely.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const require = createRequire(import.meta.url);
const run = (cmd: string, args: string[], cwd = root) => execFileSync(cmd, args, { cwd, stdio: 'inherit' });

function electronBinary(): string | null {
  try {
    const path = require('electron') as unknown as string;
    return existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

/** better-sqlite3 rebuilt for Electron's ABI in its own folder, so Node's copy (tests, CLI) stays intact. */
function sqliteForElectron(electronVersion: string): string {
  const dir = join(root, '.electron-native', `electron-${electronVersion}`, 'better-sqlite3');
  const binding = join(dir, 'build', 'Release', 'better_sqlite3.node');
  if (existsSync(binding)) return binding;
  console.log(`Building better-sqlite3 for Electron ${electronVersion} (needs internet once)…`);
  cpSync(join(root, 'node_modules', 'better-sqlite3'), dir, { recursive: true });
  const bin = (name: string) => join(root, 'node_modules', '.bin', name);
  try {
    run(bin('prebuild-install'), ['--runtime=electron', `--target=${electronVersion}`], dir);
  } catch {
    run(
      bin('node-gyp'),
      ['rebuild', '--release', '--runtime=electron', `--target=${electronVersion}`, '--dist-url=https://electronjs.org/headers'],
      dir,
    );
  }
  return binding;
}

const electron = electronBinary();
if (!electron) {
  console.error(`Electron is not installed on this machine: npm ci skips its binary download so that
installs work offline.

  To run the desktop app (needs internet once):  node node_modules/electron/install.js && npm start
  To use Verdict without Electron, in a browser:  npm run serve   (then open the printed URL)`);
  process.exit(1);
}

run('npx', ['vite', 'build']);
run('npx', ['vite', 'build', '-c', 'vite.electron.config.ts', '--mode', 'main']);
run('npx', ['vite', 'build', '-c', 'vite.electron.config.ts', '--mode', 'preload']);
const electronVersion = (JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8')) as { version: string }).version;
const child = spawn(electron, [join(root, 'dist/electron/main.js')], {
  stdio: 'inherit',
  env: { ...process.env, VERDICT_RESOURCES: root, VERDICT_SQLITE_BINDING: sqliteForElectron(electronVersion) },
});
child.on('exit', (code) => process.exit(code ?? 0));
