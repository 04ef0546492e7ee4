// The bundled demo study, opened on first launch by both hosts: import demo/ and then compute
// the demo models' explanations for its cases in the background, so a reader finds them ready
// (they are cached in the study database like any other map).
import { existsSync } from 'node:fs';
import type { Verdict } from './verdict';
import type { Log } from './log';
import { demoDir } from './paths';
import { largestNodule } from './services/explain/input/model-input';

export async function openDemoStudy(verdict: Verdict, log: Log): Promise<void> {
  if (!existsSync(demoDir())) return;
  log.info(`first launch: importing the demo study from ${demoDir()}`);
  const report = await verdict.imports.run(demoDir());
  if (report.status !== 'done') return;
  const made = await prepareExplanations(verdict, report.cases.map((c) => c.caseId), log);
  log.info(`demo study ready: ${report.cases.length} cases, ${made} explanation maps computed`);
}

/**
 * For each case and each demo model of its modality: CDAM for the class the model predicts
 * and the attention map (for CT, of the case's largest nodule). Returns how many maps were made.
 */
export async function prepareExplanations(verdict: Verdict, caseIds: number[], log: Log): Promise<number> {
  const models = (await verdict.models.list()).filter((m) => m.purpose === 'demo');
  let made = 0;
  for (const caseId of caseIds) {
    const c = verdict.cases.get(caseId);
    const noduleId = c.modality === 'CT' ? (largestNodule(c)?.id ?? null) : null;
    if (c.modality === 'CT' && noduleId === null) continue;
    for (const model of models.filter((m) => m.modality === c.modality)) {
      try {
        const prediction = await verdict.explain.predict({ modelId: model.id, caseId, noduleId });
        const classes = prediction.outputs.filter((o) => o.probability !== null);
        const predicted = classes.reduce((a, b) => (b.probability! > a.probability! ? b : a), classes[0]);
        if (predicted) await verdict.explain.map({ modelId: model.id, caseId, noduleId, method: 'cdam', target: predicted.name });
        await verdict.explain.map({ modelId: model.id, caseId, noduleId, method: 'attention', target: 'attention' });
        made += predicted ? 2 : 1;
      } catch (e) {
        log.error(`demo explanations for case ${c.label} with ${model.name} failed`, e);
      }
    }
  }
  return made;
}
