// The bundled demo study, opened on first launch by both hosts: import demo/ and then compute
// the demo models' explanations for its cases in the background, so a reader finds them ready
// (they are cached in the study database like any other map).
import { existsSync } from 'node:fs';
import type { ModelSummary, PredictedOutput } from '../app/explain';
import type { Verdict } from './verdict';
import type { Log } from './log';
import { demoDir } from './paths';
import { largestNodule } from './services/explain/input/model-input';
import { NO_TARGET, descriptor, type MethodDescriptor, type TargetKind } from '../app/methods';

export async function openDemoStudy(verdict: Verdict, log: Log): Promise<void> {
  if (!existsSync(demoDir())) return;
  log.info(`first launch: importing the demo study from ${demoDir()}`);
  const report = await verdict.imports.run(demoDir());
  if (report.status !== 'done') return;
  const made = await prepareExplanations(
    verdict,
    report.cases.map((c) => c.caseId),
    log,
  );
  log.info(`demo study ready: ${report.cases.length} cases, ${made} explanation maps computed`);
}

type Subject = { modelId: number; caseId: number; noduleId: number | null };
type MapAsk = { method: string; target: string };

/**
 * For each case and each demo model of its modality: the maps the viewer opens first, for what
 * that pack offers (for CT, of the case's largest nodule). Returns how many maps were made.
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
        const subject = { modelId: model.id, caseId, noduleId };
        for (const ask of await firstMaps(verdict, model, subject)) {
          await verdict.explain.map({ ...subject, ...ask });
          made++;
        }
      } catch (e) {
        log.error(`demo explanations for case ${c.label} with ${model.name} failed`, e);
      }
    }
  }
  return made;
}

/**
 * One method per kind of target the pack's methods explain — the first in the descriptors' order, so CDAM
 * rather than its 50-pass Smooth and Integrated variants — with the targets a viewer opens:
 * the predicted class, every diagnostic axis, the predicted class's leading prototypes, the
 * attention map. Black-box methods (seconds per map) and concepts (the user's own) are left to
 * the user.
 */
async function firstMaps(verdict: Verdict, model: ModelSummary, subject: Subject): Promise<MapAsk[]> {
  const byKind = new Map<TargetKind, MethodDescriptor>();
  for (const m of model.methods.map(descriptor)) if (m.needs !== 'black-box' && !byKind.has(m.targets)) byKind.set(m.targets, m);
  const asks: MapAsk[] = [];
  for (const [kind, m] of byKind) {
    const targets = await targetsToShow(verdict, model, subject, kind);
    asks.push(...targets.map((target) => ({ method: m.id, target })));
  }
  return asks;
}

async function targetsToShow(verdict: Verdict, model: ModelSummary, subject: Subject, kind: TargetKind): Promise<string[]> {
  switch (kind) {
    case 'none':
      return [NO_TARGET];
    case 'output': {
      const { outputs } = await verdict.explain.predict(subject);
      const top = predictedClass(outputs);
      return top ? [top.name] : [];
    }
    case 'axis':
      return (model.attributes ?? []).map((a) => a.name);
    case 'prototype':
      return (await verdict.explain.prototypeSheet(subject)).rows.map((r) => r.name);
    case 'concept':
      return [];
  }
}

const predictedClass = (outputs: PredictedOutput[]): PredictedOutput | undefined =>
  outputs
    .filter((o) => o.probability !== null)
    .reduce<PredictedOutput | undefined>((a, b) => (!a || b.probability! > a.probability! ? b : a), undefined);
