// `verdict model add | list | retire | restore` as users run it (bin/verdict.js in a child process), on a
// real study database and a copy of the ISIC test pack: the pack is copied beside the database,
// the original can be deleted, a broken pack is refused naming its fields, a retired model is
// listed as retired and no longer resolves for new maps.
import { execFile } from 'node:child_process';
import { existsSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { ModelEntry } from '../../app/models';
import { repoRoot, tempDir } from '../../tests/support/data';
import { ISIC_PACK, packVariant } from '../services/models/test-packs';

const run = async (...args: string[]) => {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [join(repoRoot, 'bin/verdict.js'), ...args], {
      cwd: repoRoot,
      env: { ...process.env, VERDICT_RESOURCES: emptyResources },
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
};

// Resources with the migrations but no bundled packs: the study holds only what the test adds.
const emptyResources = (() => {
  const dir = tempDir('verdict-resources-');
  symlinkSync(join(repoRoot, 'migrations'), join(dir, 'migrations'));
  return dir;
})();

describe('verdict model', () => {
  it('adds a pack (copied beside the database), lists it, retires it; the original may be deleted', async () => {
    const data = tempDir('verdict-cli-models-');
    const db = join(data, 'study.db');
    const pack = packVariant(ISIC_PACK, (m) => ((m.id = 'cli-isic'), (m.name = 'CLI ISIC ViT')));

    const added = await run('model', 'add', pack, '--db', db, '--json');
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    const entry = JSON.parse(added.stdout) as ModelEntry;
    expect(entry).toMatchObject({ packId: 'cli-isic', addedFrom: pack, retiredAt: null, bundled: false });
    expect(entry.path).toBe(join(data, 'model-packs', `cli-isic-${entry.sha256.slice(0, 12)}`));
    rmSync(pack, { recursive: true });

    const listed = await run('model', 'list', '--db', db);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(`${entry.id}  cli-isic 0.1.0  dermoscopy  test  active  sha256 ${entry.sha256.slice(0, 12)}`);
    expect(listed.stdout).toContain('methods: Attention, CDAM, Smooth CDAM');
    expect(listed.stdout).toContain(`copied from ${pack}: ${entry.path}`);

    const explained = await run('explain', '--db', db, '--model', 'cli-isic', '--case', '999', '--method', 'cdam', '--target', 'MEL');
    // The model resolves from its copy (the original is gone): what fails is the missing case.
    expect(explained.stderr).not.toMatch(/cli-isic|model pack/);

    const retired = await run('model', 'retire', 'cli-isic', '--db', db);
    expect(retired.code).toBe(0);
    expect(retired.stdout).toMatch(new RegExp(`^model ${entry.id}: cli-isic 0\\.1\\.0 retired on \\d{4}-\\d{2}-\\d{2}; 0 studies keep it`));
    const after = JSON.parse((await run('model', 'list', '--db', db, '--json')).stdout) as ModelEntry[];
    expect(after.map((m) => [m.packId, m.retiredAt !== null])).toEqual([['cli-isic', true]]);
    const refused = await run('explain', '--db', db, '--model', 'cli-isic', '--case', '1', '--method', 'cdam', '--target', 'MEL');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/verdict: Model "cli-isic" \(CLI ISIC ViT 0\.1\.0, id \d+\) was retired on/);
    expect(existsSync(entry.path)).toBe(true);

    const restored = await run('model', 'restore', 'cli-isic', '--db', db);
    expect(restored.code).toBe(0);
    expect(restored.stdout).toBe(`model ${entry.id}: cli-isic 0.1.0 active: offered for new maps and protocols\n`);
    const back = JSON.parse((await run('model', 'list', '--db', db, '--json')).stdout) as ModelEntry[];
    expect(back.map((m) => [m.packId, m.retiredAt])).toEqual([['cli-isic', null]]);
  }, 240_000);

  it('refuses a broken pack naming every wrong field, and a model id that does not exist', async () => {
    const db = join(tempDir('verdict-cli-models-'), 'study.db');
    const broken = packVariant(ISIC_PACK, (m) => ((m.modality = 'MRI'), (m.input.width = 'wide')));
    const r = await run('model', 'add', broken, '--db', db);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('verdict: pack/manifest.json: modality: ');
    expect(r.stderr).toContain('pack/manifest.json: input.width: ');
    expect((await run('model', 'list', '--db', db)).stdout.trim()).toBe('No models are registered.');
    const missing = await run('model', 'retire', '42', '--db', db);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('No model with id 42.');
    const unknown = await run('model', 'frobnicate', '--db', db);
    expect(unknown.stderr).toContain('unknown model command "frobnicate"');
  }, 240_000);
});
