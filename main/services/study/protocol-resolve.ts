// A protocol's second gate: against this study database. Its cases must exist and be of the
// protocol's modality (CT cases need a nodule to read; each nodule read is its own reading
// unit), every condition's pack must be registered for that modality and offer the method and
// the target, and a sanity-check pack must be a randomized-weights pack that can imitate at
// least one condition.
import type { Database } from 'better-sqlite3';
import type { Protocol } from '../../../app/protocol';
import { VerdictError } from '../../../app/errors';
import type { CaseSummary } from '../../../app/domain';
import { listCases } from '../cases/case-queries';
import { rowByPackId, registered, currentRows, type RegisteredModel } from '../models/model-rows';
import { retiredRowByPackId } from '../models/model-rows';
import { packMethods, targetLists } from '../models/manifest';
import { targetsFor } from '../../../app/explain';
import { method, normaliseParams } from '../explain/methods';
import { resolveTarget } from '../explain/resolve-target';
import { protocolError } from './protocol-parse';
import { caseNodules, defaultNodules, pickedNumbers, type CaseNodule } from '../cases/case-nodules';

/** A reading unit: a case, and for CT one of its nodules (its number in the case as protocols name it). */
export type ResolvedCase = { caseId: number; label: string; noduleId: number | null; noduleNumber: number | null };
export type ResolvedModel = { modelId: number; sha256: string };
export type ResolvedProtocol = {
  protocol: Protocol;
  cases: ResolvedCase[];
  /** Pack id → the model row the study will use. */
  models: Record<string, ResolvedModel>;
  /** Condition ids the sanity-check pack can imitate (same method and target). */
  sanityConditions: string[];
};

export function resolveProtocol(db: Database, p: Protocol): ResolvedProtocol {
  const models: Record<string, ResolvedModel> = {};
  p.conditions.forEach((c, i) => {
    const model = packFor(db, p, c.model, `conditions[${i}].model`);
    if (model.manifest.purpose === 'sanity-check') {
      throw protocolError(
        'protocol.unsupported',
        `conditions[${i}].model`,
        `"${c.model}" has randomized weights (a sanity-check pack); name it under sanityChecks.model, not as a condition`,
      );
    }
    checkOffers(db, model, c, `conditions[${i}]`);
    models[c.model] = { modelId: model.id, sha256: model.sha256 };
  });
  let sanityConditions: string[] = [];
  if (p.sanityChecks && p.sanityChecks.count > 0) {
    const s = packFor(db, p, p.sanityChecks.model, 'sanityChecks.model');
    if (s.manifest.purpose !== 'sanity-check') {
      throw protocolError(
        'protocol.unsupported',
        'sanityChecks.model',
        `"${p.sanityChecks.model}" is not a sanity-check pack (its purpose is "${s.manifest.purpose}"); name a randomized-weights pack`,
      );
    }
    // It imitates a condition when it offers the method and has the target (never a concept: those are each model's own).
    sanityConditions = p.conditions
      .filter(
        (c) =>
          packMethods(s.manifest).includes(c.method) && targetsFor(targetLists(s.manifest), c.method).includes(c.target) && paramsFit(c, s),
      )
      .map((c) => c.id);
    if (sanityConditions.length === 0) {
      throw protocolError(
        'protocol.unsupported',
        'sanityChecks.model',
        `"${p.sanityChecks.model}" offers none of the conditions' method and target, so it cannot imitate any of them`,
      );
    }
    models[p.sanityChecks.model] = { modelId: s.id, sha256: s.sha256 };
  }
  return { protocol: p, cases: resolveCases(db, p), models, sanityConditions };
}

/** Whether a condition's parameters suit another pack too (e.g. an attention head it has). */
function paramsFit(c: Protocol['conditions'][number], model: RegisteredModel): boolean {
  try {
    normaliseParams(method(c.method), c.params, model.manifest.vit?.heads ?? 0);
    return true;
  } catch {
    return false;
  }
}

function packFor(db: Database, p: Protocol, packId: string, field: string): RegisteredModel {
  const row = rowByPackId(db, packId);
  if (!row) {
    if (retiredRowByPackId(db, packId))
      throw protocolError(
        'protocol.unknown-model',
        field,
        `model pack "${packId}" is retired; a retired model is not offered for new protocols`,
      );
    const known = currentRows(db)
      .filter((r) => r.modality === p.modality)
      .map((r) => `"${r.pack_id}"`);
    throw protocolError(
      'protocol.unknown-model',
      field,
      `no model pack "${packId}" is registered${known.length ? `; ${p.modality} packs: ${[...new Set(known)].join(', ')}` : ` for ${p.modality}`}`,
    );
  }
  if (row.modality !== p.modality)
    throw protocolError('protocol.unsupported', field, `"${packId}" reads ${row.modality}, but this protocol reads ${p.modality}`);
  return registered(row);
}

function checkOffers(db: Database, model: RegisteredModel, c: Protocol['conditions'][number], at: string): void {
  const m = model.manifest;
  const offered = packMethods(m);
  if (!offered.includes(c.method))
    throw protocolError('protocol.unsupported', `${at}.method`, `"${m.id}" does not offer ${c.method}; it offers ${offered.join(', ')}`);
  try {
    const def = method(c.method);
    normaliseParams(def, c.params, m.vit?.heads ?? 0);
    resolveTarget(db, model.id, m, def, c.target);
  } catch (e) {
    if (!(e instanceof VerdictError)) throw e;
    throw protocolError(
      'protocol.unsupported',
      e.code === 'explain.bad-params' ? `${at}.params` : `${at}.target`,
      e.message.replace(/\.$/, ''),
    );
  }
}

export function resolveCases(db: Database, p: Protocol): ResolvedCase[] {
  const all = listCases(db);
  const byLabel = new Map(all.map((c) => [c.label, c]));
  let chosen: CaseSummary[];
  if (p.cases.labels) {
    const seen = new Set<string>();
    chosen = p.cases.labels.map((label, i) => {
      const c = byLabel.get(label);
      const at = `cases.labels[${i}]`;
      if (!c) throw protocolError('protocol.unknown-case', at, `no case labelled "${label}" in this study database`);
      if (c.modality !== p.modality)
        throw protocolError('protocol.unknown-case', at, `case "${label}" is ${c.modality}, but this protocol reads ${p.modality}`);
      if (seen.has(label)) throw protocolError('protocol.invalid', at, `"${label}" is listed twice`);
      seen.add(label);
      return c;
    });
  } else {
    chosen = all.filter((c) => c.modality === p.modality);
  }
  const f = p.cases.filter;
  if (f?.source) chosen = chosen.filter((c) => c.source === f.source);
  if (f?.diagnosis) chosen = chosen.filter((c) => c.diagnosis !== null && (f.diagnosis as string[]).includes(c.diagnosis));
  const picks = p.cases.nodules ?? {};
  for (const label of Object.keys(picks)) {
    if (!chosen.some((c) => c.label === label))
      throw protocolError(
        'protocol.unknown-case',
        `cases.nodules.${label}`,
        `"${label}" is not among the protocol's cases, so no nodule of it is read`,
      );
  }
  // Per case its reading units (for CT, each nodule read); `limit` counts cases, not nodules.
  const units: ResolvedCase[][] = [];
  for (const c of chosen) {
    if (p.modality !== 'CT') {
      units.push([{ caseId: c.id, label: c.label, noduleId: null, noduleNumber: null }]);
      continue;
    }
    const nodules = caseNodules(db, c.id);
    const picked = picks[c.label];
    let read: CaseNodule[];
    if (picked !== undefined) {
      read = pickedNodules(nodules, pickedNumbers(picked), c.label);
    } else {
      read = defaultNodules(nodules.filter((x) => x.readerCount >= (f?.minReaders ?? 1)));
      if (!read.length) {
        if (p.cases.labels && !f?.minReaders)
          throw protocolError(
            'protocol.unknown-case',
            `cases.labels[${p.cases.labels.indexOf(c.label)}]`,
            `case "${c.label}" has no nodule to read`,
          );
        continue;
      }
    }
    units.push(read.map((n) => ({ caseId: c.id, label: c.label, noduleId: n.id, noduleNumber: n.number })));
  }
  const limited = (p.cases.limit ? units.slice(0, p.cases.limit) : units).flat();
  if (limited.length === 0) throw protocolError('protocol.unknown-case', 'cases', `no ${p.modality} case in this study database matches`);
  return limited;
}

/** A protocol's picked nodule numbers, in the case's order; each must exist, and once. */
function pickedNodules(nodules: CaseNodule[], numbers: number[], label: string): CaseNodule[] {
  const at = `cases.nodules.${label}`;
  const seen = new Set<number>();
  for (const n of numbers) {
    if (seen.has(n)) throw protocolError('protocol.invalid', at, `nodule ${n} of "${label}" is listed twice`);
    seen.add(n);
    if (!nodules.some((x) => x.number === n))
      throw protocolError('protocol.unknown-case', at, `case "${label}" has no nodule ${n} (it has ${nodules.length})`);
  }
  return nodules.filter((x) => seen.has(x.number));
}
