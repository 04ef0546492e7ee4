// The coordinator's Models view (issue 15 §3): adds a pack folder (a copy of the ISIC test pack
// under its own id, in a temp folder) through the path field, sees its card, methods and execution
// provider; deletes the original folder and still explains with it (the study holds its own copy);
// sees a broken manifest refused with every wrong field named; retires the model, which then
// drops out of the models offered for new maps, and restores it.
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isicFolder, repoRoot, tempDir } from '../support/data';
import { expect, importThroughApi, screenshot, test } from './fixtures';

/** The ISIC test pack in a fresh folder, its manifest edited. */
function packCopy(edit: (m: Record<string, any>) => void): string {
  const dir = join(tempDir('verdict-e2e-pack-'), 'my-pack');
  cpSync(join(repoRoot, 'models/test-vit/isic-pack'), dir, { recursive: true });
  const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  edit(m);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m, null, 2));
  return dir;
}

test('the coordinator adds a pack folder, reads its card, sees a refusal naming the fields, retires the model and restores it', async ({
  page,
  host,
  api,
}) => {
  test.setTimeout(240_000);
  expect((await importThroughApi(api, isicFolder(['ISIC_0024306'], false))).status).toBe('done');
  const [isicCase] = await api.call('cases.list', {});
  const pack = packCopy((m) => {
    m.id = 'e2e-isic';
    m.name = 'E2E ISIC ViT';
  });

  await page.goto(host.url);
  await page.getByTestId('view-study').click();
  await page.getByTestId('admin-tab-models').click();
  const table = page.getByTestId('models-table');
  // The bundled packs are listed (the readers never see this tab).
  await expect(table.locator('tr[data-pack-id="isic-vit"]')).toBeVisible();

  // ---- Add the pack folder: its card opens.
  await page.getByTestId('model-path').fill(pack);
  await page.getByTestId('model-add').click();
  const card = page.getByTestId('model-card');
  await expect(card).toContainText('E2E ISIC ViT');
  await expect(card).toContainText('Software tests only; not for clinical use.');
  await expect(page.getByTestId('model-card-text')).toContainText('## Notes');
  await expect(page.getByTestId('model-card-methods')).toContainText('Attention, CDAM, Smooth CDAM');
  await expect(page.getByTestId('model-card-provider')).toContainText('not opened yet');
  const row = table.locator('tr[data-pack-id="e2e-isic"]');
  await expect(row.getByTestId('model-status')).toHaveText('active');
  const modelId = Number(await row.getAttribute('data-model-id'));
  const entry = (await api.call('models.catalogue', {})).find((m) => m.id === modelId)!;
  expect(entry.addedFrom).toBe(pack);
  expect(entry.path).toBe(join(host.dataDir, 'model-packs', `e2e-isic-${entry.sha256.slice(0, 12)}`));
  await expect(card).toContainText(entry.path);
  await expect(row).toContainText(entry.sha256.slice(0, 12));

  // ---- The original folder goes; the study's copy explains, and the provider that ran shows.
  rmSync(pack, { recursive: true });
  const map = await api.call('explain.map', { modelId, caseId: isicCase.id, method: 'cdam', target: 'MEL' });
  expect(map.grid).toEqual({ rows: 8, cols: 8 });
  await page.getByTestId('admin-tab-studies').click();
  await page.getByTestId('admin-tab-models').click();
  await expect(row.getByTestId('model-provider')).toHaveText(map.provider);

  // ---- A broken manifest: every wrong field named, nothing added.
  const broken = packCopy((m) => {
    m.id = 'e2e-broken';
    m.modality = 'MRI';
    m.input.height = -64;
    m.outputs[0].units[1].name = 3;
  });
  await page.getByTestId('model-path').fill(broken);
  await page.getByTestId('model-add').click();
  const refusal = page.getByTestId('model-refusal');
  await expect(refusal).toHaveAttribute('data-code', 'model.invalid-manifest');
  const lines = refusal.getByTestId('model-refusal-line');
  await expect(lines).toHaveCount(3);
  await expect(lines.nth(0)).toContainText('my-pack/manifest.json: modality:');
  await expect(refusal).toContainText('my-pack/manifest.json: input.height:');
  await expect(refusal).toContainText('my-pack/manifest.json: outputs[0].units[1].name:');
  await expect(table.locator('tr[data-pack-id="e2e-broken"]')).toHaveCount(0);
  await refusal.scrollIntoViewIfNeeded();
  await screenshot(page, 'models-view-refusal');

  // ---- Retire the model: listed as retired, no longer offered for new maps.
  // The card opened by the add is still open; its button closes and reopens it.
  await expect(page.getByTestId('model-card')).toHaveAttribute('data-model-id', String(modelId));
  await row.getByTestId('model-open').click();
  await expect(page.getByTestId('model-card')).toHaveCount(0);
  await row.getByTestId('model-open').click();
  await expect(page.getByTestId('model-card')).toHaveAttribute('data-model-id', String(modelId));
  await page.getByTestId('model-retire').click();
  await page.getByTestId('model-retire-confirm').click();
  await expect(row).toHaveAttribute('data-status', 'retired');
  await expect(row.getByTestId('model-status')).toHaveText(/^retired \d{4}-\d{2}-\d{2}$/);
  await expect(page.getByTestId('model-retired')).toBeVisible();
  expect((await api.call('models.list', {})).map((m) => m.id)).not.toContain(modelId);
  await screenshot(page, 'models-view-retired');

  // ---- Restore it: active again, offered for new maps.
  await page.getByTestId('model-restore').click();
  await expect(row).toHaveAttribute('data-status', 'active');
  await expect(row.getByTestId('model-status')).toHaveText('active');
  await expect(page.getByTestId('model-retire')).toBeVisible();
  expect((await api.call('models.list', {})).map((m) => m.id)).toContain(modelId);
});

test('the coordinator adds an ONNX classifier through the pack form; a class list that does not fit the graph is refused', async ({
  page,
  host,
  api,
}) => {
  test.setTimeout(180_000);
  const onnx = join(repoRoot, 'models/test-cnn/pack/model.onnx');
  await page.goto(host.url);
  await page.getByTestId('view-study').click();
  await page.getByTestId('admin-tab-models').click();

  // Six classes for a seven-column output: refused, naming the graph and the count.
  await page.getByTestId('onnx-path').fill(onnx);
  await page.getByTestId('onnx-input').fill('64');
  await page.getByTestId('onnx-labels').fill(['MEL', 'NV', 'BCC', 'AKIEC', 'BKL', 'DF'].join('\n'));
  await page.getByTestId('onnx-add').click();
  const refusal = page.getByTestId('onnx-refusal');
  await expect(refusal).toHaveAttribute('data-code', 'model.bad-shape');
  await expect(refusal).toContainText('model.onnx:');

  await page.getByTestId('onnx-labels').fill(['MEL\tMelanoma', 'NV', 'BCC', 'AKIEC', 'BKL', 'DF', 'VASC'].join('\n'));
  await page.getByTestId('onnx-id').fill('e2e-cnn');
  await page.getByTestId('onnx-name').fill('E2E CNN');
  await page.getByTestId('onnx-intended-use').fill('End-to-end tests of the pack form.');
  await page.getByTestId('onnx-add').click();
  const card = page.getByTestId('model-card');
  await expect(card).toContainText('E2E CNN');
  await expect(card).toContainText('End-to-end tests of the pack form.');
  await expect(page.getByTestId('model-card-methods')).toContainText('LiMA');
  await expect(page.getByTestId('model-card-methods')).not.toContainText('CDAM');
  await expect(refusal).toHaveCount(0);
  const entry = (await api.call('models.catalogue', {})).find((m) => m.packId === 'e2e-cnn')!;
  expect(entry.path).toBe(join(host.dataDir, 'model-packs', `e2e-cnn-${entry.sha256.slice(0, 12)}`));
  expect(entry.methods).toEqual(expect.arrayContaining(['lima', 'rise', 'occlusion']));
  await expect(page.getByTestId('models-table').locator('tr[data-pack-id="e2e-cnn"]')).toContainText('dermoscopy');
  await screenshot(page, 'models-view-onnx');
});

test('the coordinator adds a CNN with its CAM fields through the pack form: it offers CAM and Grad-CAM; one field alone is refused naming the other', async ({
  page,
  host,
  api,
}) => {
  test.setTimeout(180_000);
  const pack = join(repoRoot, 'models/isic-cnn/pack');
  await page.goto(host.url);
  await page.getByTestId('view-study').click();
  await page.getByTestId('admin-tab-models').click();

  await page.getByTestId('onnx-path').fill(join(pack, 'model.onnx'));
  await page.getByTestId('onnx-input').fill('128');
  await page.getByTestId('onnx-labels').fill(['MEL', 'NV', 'BCC', 'AKIEC', 'BKL', 'DF', 'VASC'].join('\n'));
  await page.getByTestId('onnx-id').fill('e2e-cam-cnn');
  await page.getByTestId('onnx-name').fill('E2E CAM CNN');
  await page.getByTestId('onnx-cam-features').fill('features');
  await page.getByTestId('onnx-add').click();
  const refusal = page.getByTestId('onnx-refusal');
  await expect(refusal).toContainText('CAM head file:');

  // A feature-map output the graph lacks: main's refusal names the field too.
  await page.getByTestId('onnx-cam-features').fill('pool5');
  await page.getByTestId('onnx-cam-head').fill(join(pack, 'cam-head.json'));
  await page.getByTestId('onnx-add').click();
  await expect(refusal).toHaveAttribute('data-code', 'model.bad-shape');
  await expect(refusal).toContainText('CAM feature-map output: model.onnx: the graph has no output "pool5"');

  await page.getByTestId('onnx-cam-features').fill('features');
  await page.getByTestId('onnx-add').click();
  const card = page.getByTestId('model-card');
  await expect(card).toContainText('E2E CAM CNN');
  await expect(refusal).toHaveCount(0);
  const methods = page.getByTestId('model-card-methods');
  for (const label of ['CAM', 'Grad-CAM', 'LiMA', 'RISE', 'Occlusion']) await expect(methods).toContainText(label);
  const entry = (await api.call('models.catalogue', {})).find((m) => m.packId === 'e2e-cam-cnn')!;
  expect(entry.methods).toEqual(expect.arrayContaining(['cam', 'grad-cam']));
  await expect(page.getByTestId('models-table').locator('tr[data-pack-id="e2e-cam-cnn"] [data-testid="model-methods"]')).toContainText(
    'Grad-CAM',
  );
  expect(entry.path.startsWith(join(host.dataDir, 'model-packs'))).toBe(true);
});
