// Issue 15's end-to-end path: the coordinator brings their own models through the Models view —
// a real-size ViT (timm ViT-S/16 @224, a timm-layout checkpoint with seeded random weights, made
// at test time and exported by models/exporter/import_vit.py) and the demo CNN black-box pack
// (models/isic-cnn/pack) — opens an ISIC case and sees CDAM and Smooth CDAM for the ViT and LiMA,
// RISE, occlusion, CAM and Grad-CAM for the CNN (each at its defaults, as users get them: the map
// drawn over the image, its method in the staff panel, its colour bar); builds a study comparing
// the ViT's CDAM with the CNN's CAM in the protocol editor; and a reader rates both blinded.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from '@playwright/test';
import { descriptor, methodLabel, type MethodId } from '../../app/methods';
import { isicFolder, isicImagesOf, repoRoot, tempDir } from '../support/data';
import { addBankQuestion, addReader, createStudy } from './coordinator-ui';
import { paintedShare } from './explain-helpers';
import { expect, importThroughApi, recordApi, screenshot, signIn, test } from './fixtures';
import { coordinatorThroughApi, openStudy, trialAt } from './study-steps';

const run = promisify(execFile);
const PASS = { coord: 'coordinator-pass-15', reader: 'reader-pass-15' };
const STUDY = 'Dermoscopy explanations, two models (e2e)';
const CNN_PACK = join(repoRoot, 'models/isic-cnn/pack');
const VARIANT = 'timm-s16';

/**
 * The timm ViT-S/16 pack: tests/importer/checkpoints.py writes the checkpoint, the importer
 * exports and verifies it (CDAM tail against torch.autograd). About 4 minutes on two loaded
 * cores, so it is kept in the temp folder under a hash of the importer's and checkpoint writer's
 * sources: later runs of the same code reuse it, any change to them makes a new one.
 */
async function timmVitPack(): Promise<string> {
  const sources = [
    ...readdirSync(join(repoRoot, 'models/exporter'))
      .filter((f) => f.endsWith('.py'))
      .sort()
      .map((f) => join(repoRoot, 'models/exporter', f)),
    join(repoRoot, 'tests/importer/checkpoints.py'),
  ];
  const hash = createHash('sha256');
  for (const f of sources) hash.update(f).update(readFileSync(f));
  const dir = join(tmpdir(), `verdict-e2e-${VARIANT}-${hash.digest('hex').slice(0, 16)}`);
  const pack = join(dir, 'pack');
  if (existsSync(join(dir, 'complete'))) return pack;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const env = { ...process.env, OMP_NUM_THREADS: '1', PYTHONDONTWRITEBYTECODE: '1' };
  const made = await run('/usr/bin/python3', ['tests/importer/checkpoints.py', VARIANT, join(dir, 'in')], { cwd: repoRoot, env });
  const { args } = JSON.parse(made.stdout) as { args: string[] };
  const t = Date.now();
  await run(
    'nice',
    ['-n', '10', '/usr/bin/python3', '-m', 'exporter.import_vit', ...args, '--threads', '1', '--fixture-cases', '1', '--out', pack],
    {
      cwd: join(repoRoot, 'models'),
      env,
      maxBuffer: 64 << 20,
    },
  );
  console.log(`${VARIANT}: exported and verified in ${((Date.now() - t) / 1000).toFixed(0)} s`);
  rmSync(join(dir, 'in'), { recursive: true, force: true });
  writeFileSync(join(dir, 'complete'), '');
  return pack;
}

/** Adds the pack folder in the Models view; returns its row's model id once its card is open. */
async function addPack(page: Page, folder: string, packId: string, name: string, methods: MethodId[]): Promise<number> {
  await page.getByTestId('model-path').fill(folder);
  await page.getByTestId('model-add').click();
  const card = page.getByTestId('model-card');
  await expect(card).toContainText(name);
  for (const m of methods) await expect(page.getByTestId('model-card-methods')).toContainText(methodLabel(m));
  const row = page.getByTestId('models-table').locator(`tr[data-pack-id="${packId}"]`);
  await expect(row.getByTestId('model-status')).toHaveText('active');
  const id = Number(await row.getAttribute('data-model-id'));
  await expect(card).toHaveAttribute('data-model-id', String(id));
  return id;
}

/**
 * Runs `method` for MEL with the picker (its defaults) and checks what the staff member sees: map A
 * drawn over the whole image with paint on it, its method and target in the staff panel, the
 * colour bar with the method's ends. Screenshot of the explain panel and of the viewer.
 */
async function seeMap(page: Page, method: MethodId, shot: string) {
  const t = Date.now();
  await page.getByTestId('explain-method').selectOption(method);
  await page.getByTestId('explain-target').selectOption('MEL');
  await page.getByTestId('explain-run').click();
  const heatmap = page.getByTestId('heatmap-a');
  await expect(heatmap).toHaveAttribute('data-method', method, { timeout: 240_000 });
  await expect(heatmap).toHaveAttribute('data-target', 'MEL');
  const info = page.getByTestId('map-info-a');
  await expect(info).toContainText(`${methodLabel(method)} · MEL`);
  await expect(info).toHaveAttribute('data-method', method);
  const seconds = (Date.now() - t) / 1000;
  // Over the image exactly.
  const [h, i] = [(await heatmap.boundingBox())!, (await page.getByTestId('dermo-image').boundingBox())!];
  expect(
    Math.max(Math.abs(h.x - i.x), Math.abs(h.y - i.y), Math.abs(h.width - i.width), Math.abs(h.height - i.height)),
    method,
  ).toBeLessThan(1);
  expect(await paintedShare(heatmap), method).toBeGreaterThan(0.05);
  const bar = page.getByTestId('colour-bar');
  await expect(bar).toHaveAttribute('data-method', method);
  const [lo, hi] = descriptor(method).ends;
  await expect(bar.locator('figcaption')).toContainText(lo);
  await expect(bar.locator('figcaption')).toContainText(hi);
  await page
    .getByTestId('explain-panel')
    .screenshot({ path: await screenshot(page, `own-models-${shot}`).then((p) => p.replace(/\.png$/, '-panel.png')) });
  console.log(`${method}: ${seconds.toFixed(1)} s to the map on screen (${(await info.innerText()).replace(/\s+/g, ' ')})`);
}

test('own models: a timm ViT-S/16 and the demo CNN added in the Models view, explained, compared in a study and rated blinded', async ({
  page,
  context,
  host,
  api,
  problems,
}) => {
  test.setTimeout(30 * 60_000);
  const vitPack = await timmVitPack();
  const vitManifest = JSON.parse(readFileSync(join(vitPack, 'manifest.json'), 'utf8'));
  expect(vitManifest.vit).toMatchObject({ patchSize: 16, grid: [14, 14], tokens: 197, dim: 384, depth: 12 });
  const cnnManifest = JSON.parse(readFileSync(join(CNN_PACK, 'manifest.json'), 'utf8'));
  // The user's folders: a copy, so the test can show the study keeps its own.
  const userVit = join(tempDir('verdict-e2e-own-vit-'), 'my-vit');
  cpSync(vitPack, userVit, { recursive: true });

  expect((await importThroughApi(api, isicFolder(isicImagesOf(['mel', 'nv']), false))).status).toBe('done');
  const cases = await api.call('cases.list', {});
  const melanoma = cases.find((c) => c.diagnosis === 'mel')!;

  // ---- The coordinator's account, and the reader's.
  // (The API client signs in as the coordinator too, to read what main stored.)
  await coordinatorThroughApi(api, 'Coordinator', PASS.coord);
  await page.goto(host.url);
  await signIn(page, 'Coordinator', PASS.coord);
  await page.getByTestId('view-study').click();
  await page.getByTestId('admin-tab-readers').click();
  await addReader(page, 'Dr Dermis', 'reader', PASS.reader, { specialty: 'dermatology', years: '8' });

  // ---- The Models view: the ViT folder and the demo CNN pack.
  await page.getByTestId('admin-tab-models').click();
  const vitId = await addPack(page, userVit, vitManifest.id, vitManifest.name, ['attention', 'cdam', 'smooth-cdam']);
  await expect(page.getByTestId('model-card')).toContainText('3 × 224 × 224');
  const vitEntry = (await api.call('models.catalogue', {})).find((m) => m.id === vitId)!;
  expect(vitEntry.path).toBe(join(host.dataDir, 'model-packs', `${vitManifest.id}-${vitEntry.sha256.slice(0, 12)}`));
  // The card names both folders: the study's own copy, and the one the coordinator added it from.
  await expect(page.getByTestId('model-card')).toContainText(vitEntry.path);
  await expect(page.getByTestId('model-card')).toContainText(userVit);
  rmSync(userVit, { recursive: true });
  await screenshot(page, 'own-models-vit-card');
  const cnnId = await addPack(page, CNN_PACK, cnnManifest.id, cnnManifest.name, ['lima', 'rise', 'occlusion', 'cam', 'grad-cam']);
  await expect(page.getByTestId('model-card')).toContainText('3 × 128 × 128');
  // The demo CNN ships with Verdict: adding its folder again finds the model already registered.
  await expect(page.getByTestId('model-card')).toContainText('(bundled with Verdict)');
  await expect(page.getByTestId('model-card-methods')).not.toContainText('CDAM');
  await screenshot(page, 'own-models-cnn-card');

  // ---- An ISIC case: the ViT's maps, then the CNN's.
  await page.getByTestId('view-cases').click();
  await page.locator(`[data-testid=worklist] [data-case-id="${melanoma.id}"]`).click();
  await expect(page.getByTestId('dermo-truth')).toHaveAttribute('data-diagnosis', 'mel');
  const image = page.getByTestId('dermo-image');
  await expect.poll(async () => (await image.boundingBox())?.width ?? 0).toBeGreaterThan(100);
  await page.getByTestId('explain-model').selectOption(String(vitId));
  for (const m of ['cdam', 'smooth-cdam'] as const) await seeMap(page, m, `vit-${m}`);
  await page.getByTestId('explain-model').selectOption(String(cnnId));
  for (const m of ['cam', 'grad-cam', 'occlusion', 'rise', 'lima'] as const) await seeMap(page, m, `cnn-${m}`);
  // Seven class probabilities from the CNN.
  await expect(page.locator('[data-testid=model-outputs] tr[data-probability]')).toHaveCount(7);

  // ---- The study: the ViT's CDAM against the CNN's CAM, built in the protocol editor.
  await page.getByTestId('view-study').click();
  await page.getByTestId('admin-tab-protocols').click();
  await page.getByTestId('new-protocol-dermoscopy').click();
  await page.getByTestId('protocol-id').fill('e2e-own-models');
  await page.getByTestId('protocol-title').fill('Two models, blinded');
  await page.getByTestId('cases-by-list').check();
  for (const c of cases) await page.getByTestId('case-picker').locator(`input[data-label="${c.label}"]`).check();
  await page.getByTestId('add-condition').click();
  await page.getByTestId('add-condition').click();
  const conditions = page.getByTestId('conditions').locator('tbody tr');
  await conditions.nth(0).getByTestId('condition-model').selectOption(vitManifest.id);
  await conditions.nth(0).getByTestId('condition-method').selectOption('cdam');
  await conditions.nth(1).getByTestId('condition-model').selectOption(cnnManifest.id);
  await conditions.nth(1).getByTestId('condition-method').selectOption('cam');
  await expect(conditions.nth(0)).toContainText('CDAM');
  await expect(conditions.nth(1)).toContainText('CAM');
  await addBankQuestion(page, /^How useful/);
  await page.getByTestId('protocol-validate').click();
  const verdict = page.getByTestId('protocol-verdict');
  await expect(verdict).toHaveAttribute('data-ok', 'true');
  await expect(verdict).toContainText('2 cases, 4 trials per reader');
  await page.getByTestId('protocol-save').click();
  await expect(verdict).toContainText('Saved as e2e-own-models version 1');
  await page.getByTestId('protocol-editor').getByRole('button', { name: 'Close' }).click();
  const study = await createStudy(page, 'e2e-own-models v1 — Two models, blinded', STUDY, ['Dr Dermis']);
  await expect(study.getByTestId('study-progress').locator('tr[data-total="4"]')).toHaveCount(1);
  // The Models view counts the study against both models.
  await page.getByTestId('admin-tab-models').click();
  for (const id of [vitId, cnnId]) {
    await page.getByTestId('models-table').locator(`tr[data-model-id="${id}"]`).getByTestId('model-open').click();
    await expect(page.getByTestId('model-card')).toContainText('1 study uses it');
  }
  await page.getByTestId('sign-out').click();

  // ---- The reader: four maps rated, none of them named by model or method.
  const secret = new RegExp(
    [
      vitManifest.id,
      vitManifest.name,
      cnnManifest.id,
      cnnManifest.name,
      'timm',
      'ViT',
      'CNN',
      'ResNet',
      ...(['cdam', 'smooth-cdam', 'cam', 'grad-cam', 'lima', 'rise', 'occlusion'] as const).map(methodLabel),
    ]
      .map((s) => `\\b${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`)
      .join('|'),
    'i',
  );
  const readerPage = await context.newPage();
  readerPage.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  const readerCalls = recordApi(readerPage);
  await readerPage.goto(host.url);
  await signIn(readerPage, 'Dr Dermis', PASS.reader);
  await openStudy(readerPage, STUDY);
  expect(await readerPage.locator('body').innerText()).not.toMatch(secret);
  await readerPage.getByTestId('resume').click();
  for (let p = 0; p < 4; p++) {
    const view = await trialAt(readerPage, p);
    await expect(view).toHaveAttribute('data-kind', 'stimulus');
    await expect(readerPage.getByTestId('trial-image')).toHaveAttribute('data-overlay-on-screen', 'true');
    const shown = await readerPage.locator('body').innerText();
    expect(shown, `trial ${p}`).not.toMatch(secret);
    if (p < 2) await screenshot(readerPage, `own-models-reader-${p}`);
    await readerPage.getByTestId('trial-heading').focus();
    await readerPage.keyboard.press(String(p + 2));
    await expect(readerPage.getByTestId('trial-save')).toHaveAttribute('data-status', 'saved');
    await readerPage.keyboard.press('ArrowRight');
  }
  await expect(readerPage.getByTestId('study-complete')).toBeVisible();
  expect(await readerPage.locator('body').innerText()).not.toMatch(secret);
  // Main has the four ratings, two per condition, each with its stimulus.
  const studyId = (await api.call('studies.list', {})).find((s) => s.name === STUDY)!.id;
  const answers = await api.call('studies.answers', { studyId });
  expect(answers).toHaveLength(4);
  const byCondition = new Map<string, number>();
  for (const a of answers) byCondition.set(a.condition!, (byCondition.get(a.condition!) ?? 0) + 1);
  expect([...byCondition.values()]).toEqual([2, 2]);
  expect(readerCalls.filter((c) => c.name === 'reading.answer' && c.result?.ok)).toHaveLength(4);
  // Nor did main send the reader's page a model's or method's name in any reply.
  expect(readerCalls.filter((c) => c.name === 'reading.trial' && c.result?.ok).length).toBeGreaterThanOrEqual(4);
  for (const c of readerCalls) expect(JSON.stringify(c.result ?? null), c.name).not.toMatch(secret);
  expect(problems).toEqual([]);
});
