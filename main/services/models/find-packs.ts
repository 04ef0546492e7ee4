// Finds bundled model packs: every folder holding a manifest.json under a root (the resources
// folder's `models/`). Hidden folders, node_modules and Python caches are skipped, a pack's
// own folder is not searched further, and the walk stops at a modest depth.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

const SKIP = new Set(['node_modules', '__pycache__', 'venv', 'site-packages']);

export async function findPackDirs(root: string, maxDepth = 5): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    if (entries.some((e) => e.isFile() && e.name === 'manifest.json')) {
      found.push(dir);
      return;
    }
    if (depth >= maxDepth) return;
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (e.isDirectory() && !e.name.startsWith('.') && !SKIP.has(e.name)) await walk(join(dir, e.name), depth + 1);
    }
  };
  await walk(root, 0);
  return found;
}
