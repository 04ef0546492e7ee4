// The subset searches that rank sub-regions by the LiMA objective F (scores.ts).
//
// naive: plain greedy (RuoyuChen10/LIMA models/submodular_single_modal.py
//   BlackBoxSingleModalSubModularExplanation.get_merge_set with k = N): every step scores S ∪ {c}
//   for every remaining c — 2 images each, x_{S∪c} and x − x_{S∪c} — and keeps the best.
//   Passes: Σ_{r=1…N} 2r = N(N+1) (2,550 for N = 50). Its last step evaluates the full and the
//   black image, so the curves' end points come free.
// bidirectional: the paper's bidirectional greedy search (same file,
//   BlackBoxSingleModalSubModularExplanationEfficient.evaluation_maximun_sample / get_merge_set).
//   While more than P (pending) regions remain, one step (a) scores S ∪ {c} for every remaining c
//   (2r images) and adds the best to S; (b) takes the P lowest of those same scores — the best
//   one excluded, and the effectiveness term taken on D ∪ {c} as submodular_vit_efficient_plus.py
//   does — as the pending set, scores D ∪ {c} for those P (2P images) and adds the worst to D, the
//   least important regions. With P or fewer left only (a) runs. The last region is appended
//   unscored; then the full and the black image are evaluated once (2 images, org_score and
//   baseline_score). Ranking: S, then D reversed. One deliberate difference: the repo takes the
//   P lowest scores and then drops the best candidate if it is among them (P − 1 left); we take
//   the P lowest of the others. They differ only when the best score ties with the lowest, and
//   ours keeps the pass count independent of ties.
//   Passes: Σ_{r>P, r=N,N−2,…} (2r + 2P) + Σ_{r≤P, r≥2} 2r + 2 (1,668 for N = 50, P = 8).
// bidirectional-cached (ours): (b) as above; (a) is lazy — Minoux, "Accelerated greedy algorithms
//   for maximizing submodular set functions" (1978). The gain F(S′∪{c}) − F(S′) measured at an
//   earlier step is kept: were F submodular (the paper's Theorem) it would bound today's gain, and
//   only candidates whose stale bound beats the best fresh score would need measuring again. A real
//   model is far from submodular (with stale bounds alone the pick differed from the full search's
//   in two thirds of the steps on the demo ISIC model, and insertion AUC fell by 0.03), so before
//   the lazy rounds each step re-measures what most likely changed: the neighbours of the regions
//   S and D took last (a region's contribution moves most with the context beside it; the next
//   pending candidates sit beside the last one D took) and the REFRESH_STALEST oldest estimates,
//   so that no estimate — and no pending choice — rests on a long-gone S. The full/black pair is
//   evaluated first, to know F(∅). Never more passes than the full search (each step measures at
//   most every candidate once). On the demo ISIC model: 0.56× the passes, insertion AUC −0.0027 ±
//   0.0011 on 100 images (bench/lima.ts; stale bounds alone: 0.39×, −0.03). When F is modular
//   every stale gain is exact and the ranking is the full search's (passes.test.ts). Even at
//   0.93× the passes (a full step whenever the refreshed estimates had drifted) insertion AUC was
//   still 0.0014 lower: on this model any step off the full greedy path costs a little on average.
// greedy-cached (ours): naive greedy with the same cached forward step — no D side, every region
//   ranked by the forward search, the full/black pair evaluated first and the last region appended.
//   Forward greedy ranks the tail better for insertion than the bidirectional D side does (naive
//   greedy: +0.012 insertion AUC over the bidirectional search, at 1.5× its passes), so the cached
//   greedy beats the bidirectional search's insertion AUC at 0.46× its passes, and, like naive
//   greedy, is worse on deletion (bench/lima.ts). Upper bound: naive's count.
import { effectiveness, modelScore, type Evaluated, type PairEvaluated } from './scores';
import { membership, type RegionOracle } from './region-oracle';
import type { LimaWeights } from './types';

export type SearchContext = {
  oracle: RegionOracle;
  weights: LimaWeights;
  dist: Float64Array | null;
  pending: number;
  /** The cached searches: stale candidates measured per lazy round, and each region's neighbours. */
  lazyBatch: number;
  neighbours: readonly (readonly number[])[];
};

/** The cached searches: the oldest estimates re-measured every step (see the header). */
export const REFRESH_STALEST = 3;

/** The ranking and, per prefix length k = 0…N of it, p(x_prefix), p(x − x_prefix) and x_prefix's confidence. */
export type Trace = { ranking: number[]; insertion: number[]; deletion: number[]; confidence: number[] };

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

function emptyTrace(n: number): Trace {
  return {
    ranking: [],
    insertion: new Array(n + 1).fill(NaN),
    deletion: new Array(n + 1).fill(NaN),
    confidence: new Array(n + 1).fill(NaN),
  };
}

/** A forward pick: the prefix is the set T itself. */
function recordInside(t: Trace, k: number, e: PairEvaluated) {
  t.insertion[k] = e.inside.p;
  t.deletion[k] = e.outside.p;
  t.confidence[k] = e.inside.conf;
}

/** A decrease pick: T = D, and the prefix of length N − |D| is everything but D. */
function recordOutside(t: Trace, k: number, e: PairEvaluated) {
  t.insertion[k] = e.outside.p;
  t.deletion[k] = e.inside.p;
  t.confidence[k] = e.outside.conf;
}

function recordEnds(t: Trace, n: number, full: Evaluated, black: Evaluated) {
  t.insertion[0] = black.p;
  t.deletion[0] = full.p;
  t.confidence[0] = black.conf;
  t.insertion[n] = full.p;
  t.deletion[n] = black.p;
  t.confidence[n] = full.conf;
}

/** Index of the largest value, the first on ties (torch's argmax). */
function argmax(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

type Fresh = Map<number, { e: PairEvaluated; m: number }>;

/** What a cached search keeps between steps. */
type LazyState = {
  ends: PairEvaluated /* the full image and the black one */;
  gain: Float64Array /* last measured model gain F(S′∪{c}) − F(S′) per region, NaN: never */;
  measuredAt: Int32Array /* the step of that measurement */;
  fS: number /* the model part of F(S) */;
  step: number;
  lastS: number /* the region S took last step, −1 before */;
  lastD: number /* the region D took last step, −1 before or without a D side */;
};

/** A cached search starts by evaluating the full/black pair: F(∅) is its black image's score. */
async function startLazy(ctx: SearchContext): Promise<LazyState> {
  const { oracle, weights: w } = ctx;
  const n = oracle.regionCount;
  const ends = (await oracle.pairs([membership(n, range(n))]))[0];
  const fEmpty = modelScore(w, { inside: ends.outside, outside: ends.inside }); // the empty set: keeps the black image
  return { ends, gain: new Float64Array(n).fill(NaN), measuredAt: new Int32Array(n).fill(-1), fS: fEmpty, step: 0, lastS: -1, lastD: -1 };
}

/** After S took `best`: every fresh measurement becomes that region's gain over the old S. */
function advanceLazy(st: LazyState, fresh: Fresh, best: number) {
  for (const [c, f] of fresh) {
    st.gain[c] = f.m - st.fS;
    st.measuredAt[c] = st.step;
  }
  st.fS = fresh.get(best)!.m;
  st.lastS = best;
  st.step++;
}

/** The forward step: every candidate measured (the papers' searches) or the cached subset. */
async function forward(
  ctx: SearchContext,
  cands: number[],
  S: number[],
  st: LazyState | null,
  effS: (c: number) => number,
): Promise<{ fresh: Fresh; best: number }> {
  let fresh: Fresh;
  if (st) fresh = await lazyForward(ctx, cands, S, st, effS);
  else {
    const evals = await ctx.oracle.pairs(cands.map((c) => membership(ctx.oracle.regionCount, S, c)));
    fresh = new Map(cands.map((c, i) => [c, { e: evals[i], m: modelScore(ctx.weights, evals[i]) }]));
  }
  let best = -1,
    bestScore = -Infinity;
  for (const c of cands) {
    const f = fresh.get(c); // candidates in ascending order: the first on ties, as torch's argmax
    if (f && (best < 0 || f.m + effS(c) > bestScore)) {
      best = c;
      bestScore = f.m + effS(c);
    }
  }
  return { fresh, best };
}

/** Plain greedy forward selection of every region: 'naive' (all measured) or 'greedy-cached'. */
export async function greedy(ctx: SearchContext, lazy: boolean): Promise<Trace> {
  const { oracle, weights: w, dist } = ctx;
  const n = oracle.regionCount;
  const t = emptyTrace(n);
  const S: number[] = [];
  const remaining = new Set(range(n));
  const st = lazy ? await startLazy(ctx) : null;
  // naive measures the last region too (its pair is the full and the black image); cached knows them
  while (remaining.size > (st ? 1 : 0)) {
    const cands = [...remaining].sort((a, b) => a - b);
    const effS = (c: number) => (w.effectiveness ? w.effectiveness * effectiveness([...S, c], dist, n) : 0);
    const { fresh, best } = await forward(ctx, cands, S, st, effS);
    const chosen = fresh.get(best)!;
    S.push(best);
    remaining.delete(best);
    recordInside(t, S.length, chosen.e);
    if (st) advanceLazy(st, fresh, best);
    else if (remaining.size === 0) recordEnds(t, n, chosen.e.inside, chosen.e.outside);
  }
  if (st) {
    S.push(...remaining);
    recordEnds(t, n, st.ends.inside, st.ends.outside);
  }
  t.ranking = S;
  return t;
}

/** The bidirectional search with pending candidates: 'bidirectional' (all measured) or 'bidirectional-cached'. */
export async function bidirectionalGreedy(ctx: SearchContext, lazy: boolean): Promise<Trace> {
  const { oracle, weights: w, dist, pending } = ctx;
  const n = oracle.regionCount;
  const t = emptyTrace(n);
  const S: number[] = [];
  const D: number[] = [];
  const remaining = new Set(range(n));
  const st = lazy ? await startLazy(ctx) : null;
  while (remaining.size > 1) {
    const cands = [...remaining].sort((a, b) => a - b);
    const effS = (c: number) => (w.effectiveness ? w.effectiveness * effectiveness([...S, c], dist, n) : 0);
    const { fresh, best } = await forward(ctx, cands, S, st, effS);
    if (cands.length > pending) {
      const effD = (c: number) => (w.effectiveness ? w.effectiveness * effectiveness([...D, c], dist, n) : 0);
      const estimate = (c: number) => (fresh.get(c)?.m ?? st!.fS + st!.gain[c]) + effD(c);
      const negatives = cands
        .filter((c) => c !== best)
        .map((c) => ({ c, s: estimate(c) }))
        .sort((a, b) => a.s - b.s || a.c - b.c)
        .slice(0, pending)
        .map((x) => x.c);
      const devals = await oracle.pairs(negatives.map((c) => membership(n, D, c)));
      const worst = argmax(negatives.map((c, i) => -(modelScore(w, devals[i]) + effD(c))));
      D.push(negatives[worst]);
      remaining.delete(negatives[worst]);
      recordOutside(t, n - D.length, devals[worst]);
      if (st) st.lastD = negatives[worst];
    }
    S.push(best);
    remaining.delete(best);
    recordInside(t, S.length, fresh.get(best)!.e);
    if (st) advanceLazy(st, fresh, best);
  }
  if (remaining.size === 1) S.push([...remaining][0]);
  const ends = st ? st.ends : (await oracle.pairs([membership(n, range(n))]))[0];
  recordEnds(t, n, ends.inside, ends.outside);
  t.ranking = [...S, ...D.reverse()];
  return t;
}

/**
 * The cached forward step: candidates never measured, the neighbours of the last picks and the
 * REFRESH_STALEST oldest estimates are measured together; then, while some stale bound
 * F(S) + gain + eff beats the best fresh score, the `lazyBatch` highest bounds are measured.
 */
async function lazyForward(ctx: SearchContext, cands: number[], S: number[], st: LazyState, effS: (c: number) => number): Promise<Fresh> {
  const { oracle, weights: w, neighbours } = ctx;
  const n = oracle.regionCount;
  const fresh: Fresh = new Map();
  const measure = async (cs: number[]) => {
    const evals = await oracle.pairs(cs.map((c) => membership(n, S, c)));
    cs.forEach((c, i) => fresh.set(c, { e: evals[i], m: modelScore(w, evals[i]) }));
  };
  const inPool = new Set(cands);
  const now = new Set(cands.filter((c) => Number.isNaN(st.gain[c])));
  for (const last of [st.lastS, st.lastD]) {
    if (last >= 0) for (const c of neighbours[last]) if (inPool.has(c)) now.add(c);
  }
  cands
    .filter((c) => !now.has(c))
    .sort((a, b) => st.measuredAt[a] - st.measuredAt[b] || a - b)
    .slice(0, REFRESH_STALEST)
    .forEach((c) => now.add(c));
  await measure([...now].sort((a, b) => a - b));
  for (;;) {
    let bestFresh = -Infinity;
    for (const [c, f] of fresh) bestFresh = Math.max(bestFresh, f.m + effS(c));
    const stale = cands
      .filter((c) => !fresh.has(c))
      .map((c) => ({ c, bound: st.fS + st.gain[c] + effS(c) }))
      .sort((a, b) => b.bound - a.bound || a.c - b.c);
    if (stale.length === 0 || bestFresh >= stale[0].bound) return fresh;
    await measure(stale.slice(0, Math.max(1, ctx.lazyBatch)).map((x) => x.c));
  }
}
