// A dermatologist rates the self-explanations of the two ISIC concept models in a study: an
// attribute map (the "color" axis of the attribute-token model, with the value it read) and a
// prototype map (the prototype that contributes most to the predicted class, with its training
// exemplars) — blinded, with the same rating tools as any other map, and the answers stored
// with the stimulus that was shown.
import type { ProtocolInput } from '../../app/protocol';
import { isicFolder } from '../support/data';
import { expect, importThroughApi, recordApi, screenshot, signIn, test } from './fixtures';
import { coordinatorThroughApi, openStudy, preparedStudyThroughApi, readerThroughApi } from './study-steps';

test('ISIC study: an attribute map and a prototype rated by a reader', async ({ page, host, api, problems }) => {
  test.setTimeout(300_000);
  expect((await importThroughApi(api, isicFolder(['ISIC_0024400'], false))).status).toBe('done');
  const [lesion] = await api.call('cases.list', {});
  await coordinatorThroughApi(api);
  const reader = await readerThroughApi(api, {
    name: 'Dr Derm',
    specialty: 'dermatology',
    yearsExperience: 9,
    passphrase: 'derm-passphrase',
  });

  // The prototype to rate: the one the score sheet puts first for this lesion.
  const models = await api.call('models.list', {});
  const protoModel = models.find((m) => m.packId === 'isic-protofm')!;
  const sheet = await api.call('explain.prototypes', { modelId: protoModel.id, caseId: lesion.id, count: 1 });
  const prototype = sheet.rows[0].name;

  const protocol: ProtocolInput = {
    format: 'verdict-protocol/1',
    id: 'e2e-self-explaining',
    version: 1,
    title: 'ISIC attributes and prototypes',
    modality: 'dermoscopy',
    cases: { labels: [lesion.label] },
    conditions: [
      { id: 'colour-axis', model: 'isic-explicd', method: 'attribute-map', target: 'color' },
      { id: 'top-prototype', model: 'isic-protofm', method: 'prototype-map', target: prototype },
    ],
    phases: ['ai-explanation'],
    questions: [{ id: 'plausible', level: 'stimulus', type: 'likert', prompt: 'Is this explanation clinically plausible?' }],
    order: { seed: 3 },
  };
  const study = await preparedStudyThroughApi(api, protocol, 'Self-explaining e2e', [reader.id]);

  const calls = recordApi(page);
  await page.goto(host.url);
  await signIn(page, 'Dr Derm', 'derm-passphrase');
  await openStudy(page, 'Self-explaining e2e');
  await page.getByTestId('resume').click();
  const view = page.getByTestId('trial-view');
  const seen = new Set<string>();
  for (const position of [0, 1]) {
    await expect(view).toHaveAttribute('data-position', String(position));
    await expect(view).toHaveAttribute('data-kind', 'stimulus');
    await expect(page.getByTestId('trial-image')).toHaveAttribute('data-overlay-on-screen', 'true');
    const attribute = page.getByTestId('stimulus-attribute');
    const exemplars = page.getByTestId('stimulus-exemplar');
    // Exactly one of the two details, whichever the counterbalanced order shows first.
    await expect.poll(async () => (await attribute.count()) + (await exemplars.count())).toBeGreaterThan(0);
    if (await attribute.count()) {
      await expect(attribute).toHaveAttribute('data-axis', 'Color');
      await expect(attribute).toContainText(/\(\d+%\)/);
      seen.add('attribute');
    } else {
      await expect(exemplars).toHaveCount(3);
      for (const img of await exemplars.all())
        await expect.poll(() => img.evaluate((e) => (e as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
      seen.add('prototype');
    }
    await screenshot(page, `reader-study-self-explaining-${position}`);
    // Blinded: neither the method nor the model is named on the reader's screen.
    expect(await page.getByTestId('reading-area').innerText()).not.toMatch(/ExpLICD|ProtoFM|prototype|attribute map|isic-/i);
    await page.getByTestId('trial-heading').focus();
    await page.keyboard.press(String(position + 3));
    await expect(page.getByTestId('question-plausible').locator('input:checked')).toHaveValue(String(position + 3));
    await expect(page.getByTestId('trial-save')).toHaveAttribute('data-status', 'saved');
    await page.keyboard.press('ArrowRight');
  }
  expect([...seen].sort()).toEqual(['attribute', 'prototype']);
  await expect(page.getByTestId('study-complete')).toBeVisible();

  // Main has both answers, each with the stimulus it was given on.
  const answers = calls.filter((c) => c.name === 'reading.answer' && c.result?.ok);
  expect(answers).toHaveLength(2);
  const listing = await api.call('studies.answers', { studyId: study.id });
  expect(listing.map((a) => `${a.condition}:${a.value}`).sort()).toEqual(
    expect.arrayContaining([expect.stringMatching(/^colour-axis:[34]$/), expect.stringMatching(/^top-prototype:[34]$/)]),
  );
  expect(problems).toEqual([]);
});
