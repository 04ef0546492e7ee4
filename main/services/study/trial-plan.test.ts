// The trial generator on its own: Williams squares are balanced, plans are reproducible from
// the seed, conditions are counterbalanced over readers × cases, and repeats and sanity trials
// land where they should.
import { describe, expect, it } from 'vitest';
import { protocolSchema, type Protocol } from '../../../app/protocol';
import { isicProtocol } from '../../../tests/support/study-fixture';
import { mulberry32 } from '../../../app/mulberry32';
import { readerSeed } from './seeded-random';
import { planTrials, type PlanInput } from './trial-plan';
import { williamsRows } from './williams';

const protocol = (over = {}): Protocol => protocolSchema.parse(isicProtocol(over));
const cases = Array.from({ length: 6 }, (_, i) => ({ caseId: 100 + i, noduleId: null }));
const input = (readerIndex: number, over: Partial<PlanInput> = {}): PlanInput => ({
  protocol: protocol(),
  cases,
  readerIndex,
  seed: readerSeed(7, 10 + readerIndex),
  sanityConditions: [],
  ...over,
});

describe('Williams design', () => {
  for (let n = 2; n <= 6; n++) {
    it(`balances positions and first-order carry-over for ${n} conditions`, () => {
      const rows = williamsRows(n);
      expect(rows.length).toBe(n % 2 === 0 ? n : 2 * n);
      const perCell = rows.length / n;
      for (let pos = 0; pos < n; pos++) {
        for (let c = 0; c < n; c++) expect(rows.filter((r) => r[pos] === c).length).toBe(perCell);
      }
      const pairs = new Map<string, number>();
      for (const r of rows) for (let i = 1; i < n; i++) pairs.set(`${r[i - 1]}>${r[i]}`, (pairs.get(`${r[i - 1]}>${r[i]}`) ?? 0) + 1);
      expect(pairs.size).toBe(n * (n - 1));
      expect(new Set(pairs.values()).size).toBe(1);
    });
  }
});

describe('planTrials', () => {
  it('draws the same numbers from the same seed', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    expect(Array.from({ length: 5 }, a)).toEqual(Array.from({ length: 5 }, b));
    expect(readerSeed(7, 1)).not.toBe(readerSeed(7, 2));
  });

  it('is reproducible, and differs between readers', () => {
    expect(planTrials(input(0))).toEqual(planTrials(input(0)));
    const a = planTrials(input(0));
    const b = planTrials(input(1));
    expect(a.trials.map((t) => [t.caseId, t.conditionId])).not.toEqual(b.trials.map((t) => [t.caseId, t.conditionId]));
    expect(Object.values(a.labels).sort()).toEqual(['A', 'B', 'C']);
  });

  it('puts every condition in every position equally often across readers × cases (3 conditions, 2 readers × 6 cases)', () => {
    const counts = new Map<string, number>();
    for (const r of [0, 1]) {
      const plan = planTrials(input(r));
      for (const block of groupBy(
        plan.trials.filter((t) => t.kind === 'stimulus'),
        (t) => t.caseId,
      ).values()) {
        block.forEach((t, pos) => counts.set(`${t.conditionId}@${pos}`, (counts.get(`${t.conditionId}@${pos}`) ?? 0) + 1));
      }
    }
    expect(counts.size).toBe(9);
    expect([...counts.values()]).toEqual(Array(9).fill(4));
  });

  it('orders each case: unaided, its stimuli, then the case question after the explanations', () => {
    const plan = planTrials(input(0));
    const first = plan.trials.filter((t) => t.caseId === plan.trials[0].caseId);
    expect(first.map((t) => `${t.phase}/${t.kind}`)).toEqual([
      'unaided/case',
      'ai-explanation/stimulus',
      'ai-explanation/stimulus',
      'ai-explanation/stimulus',
      'ai-explanation/case',
    ]);
    expect(plan.trials.map((t) => t.position)).toEqual(plan.trials.map((_, i) => i));
  });

  it('adds comparisons after the single stimuli, repeats at the end and sanity trials after their case', () => {
    const p = protocol({
      comparisons: [{ between: ['cdam-mel', 'attention'] }],
      questions: [...isicProtocol().questions, { id: 'preference', level: 'stimulus', type: 'forced-choice', prompt: 'Which?' }],
      repeats: { count: 3 },
      sanityChecks: { count: 2, model: 'isic-vit-randomized' },
    });
    const plan = planTrials(input(1, { protocol: p, sanityConditions: ['cdam-mel', 'attention'] }));
    expect(plan.trials.length).toBe(6 * 6 + 3 + 2);
    const tail = plan.trials.slice(-3);
    for (const t of tail) {
      expect(t.repeatOf).not.toBeNull();
      const original = plan.trials[t.repeatOf!];
      expect({ ...original, position: 0, repeatOf: null }).toEqual({ ...t, position: 0, repeatOf: null });
      expect(original.kind).toBe('stimulus');
      expect(original.sanity).toBe(false);
    }
    const sanity = plan.trials.filter((t) => t.sanity);
    expect(sanity.length).toBe(2);
    for (const s of sanity) {
      const firstOfCase = plan.trials.findIndex((t) => t.caseId === s.caseId);
      expect(s.position).toBeGreaterThan(firstOfCase);
      expect(['cdam-mel', 'attention']).toContain(s.conditionId);
    }
    const comparison = plan.trials.find((t) => t.kind === 'comparison')!;
    const sameCase = plan.trials.filter((t) => t.caseId === comparison.caseId && !t.sanity && t.repeatOf === null);
    expect(sameCase.map((t) => t.kind)).toEqual(['case', 'stimulus', 'stimulus', 'stimulus', 'comparison', 'case']);
  });
});

function groupBy<T>(items: T[], key: (t: T) => unknown): Map<unknown, T[]> {
  const m = new Map<unknown, T[]>();
  for (const t of items) m.set(key(t), [...(m.get(key(t)) ?? []), t]);
  return m;
}
