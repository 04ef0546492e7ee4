// Where Verdict's bundled resources live. In the source tree (tsx, tests, CLI) they sit at the
// repository root; a packaged Electron app sets VERDICT_RESOURCES to its resources folder.
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';

export const resourcesDir = (): string => process.env.VERDICT_RESOURCES ?? resolve(fileURLToPath(new URL('.', import.meta.url)), '..');

export const migrationsDir = (): string => join(resourcesDir(), 'migrations');
export const demoDir = (): string => join(resourcesDir(), 'demo');
export const rendererDir = (): string => join(resourcesDir(), 'dist', 'renderer');
