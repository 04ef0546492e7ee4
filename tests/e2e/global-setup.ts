// The hosts serve dist/renderer: build it once so the tests always run the current renderer.
import { execFileSync } from 'node:child_process';
import { repoRoot } from '../support/serve-process';

export default function globalSetup(): void {
  if (process.env.VERDICT_E2E_SKIP_BUILD === '1') return;
  execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'], { cwd: repoRoot, stdio: 'inherit' });
}
