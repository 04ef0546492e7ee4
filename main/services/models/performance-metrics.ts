// How well a model performs, as its card reports it (and models/training/metrics.py computes):
// ROC AUC as the Mann–Whitney U statistic with midranks for ties (Hanley & McNeil, Radiology
// 143:29, 1982), accuracy, balanced accuracy (mean per-class recall), macro one-vs-rest AUC, MAE.

export function rocAuc(scores: ArrayLike<number>, positive: ArrayLike<boolean>): number {
  const items = Array.from(scores, (s, i) => ({ s, p: positive[i] })).sort((a, b) => a.s - b.s);
  let nPos = 0;
  let rankSum = 0;
  for (let i = 0; i < items.length;) {
    let j = i;
    while (j + 1 < items.length && items[j + 1].s === items[i].s) j++;
    const midrank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (items[k].p) (nPos++, (rankSum += midrank));
    i = j + 1;
  }
  const nNeg = items.length - nPos;
  if (nPos === 0 || nNeg === 0) return NaN;
  return (rankSum - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

export function perClassRecall(pred: ArrayLike<number>, truth: ArrayLike<number>, classes: number): number[] {
  return Array.from({ length: classes }, (_, c) => {
    let n = 0;
    let hit = 0;
    for (let i = 0; i < truth.length; i++) if (truth[i] === c) (n++, (hit += pred[i] === c ? 1 : 0));
    return n ? hit / n : NaN;
  });
}

const nanMean = (xs: number[]) => {
  const ok = xs.filter((x) => !Number.isNaN(x));
  return ok.reduce((a, b) => a + b, 0) / ok.length;
};

export const balancedAccuracy = (pred: ArrayLike<number>, truth: ArrayLike<number>, classes: number) =>
  nanMean(perClassRecall(pred, truth, classes));

/** probs: row-major [n, classes]. */
export function macroAuc(probs: ArrayLike<number>, truth: ArrayLike<number>, classes: number): number {
  const n = truth.length;
  return nanMean(
    Array.from({ length: classes }, (_, c) =>
      rocAuc(
        Array.from({ length: n }, (_, i) => probs[i * classes + c]),
        Array.from(truth, (t) => t === c),
      ),
    ),
  );
}

export function meanAbsoluteError(pred: ArrayLike<number>, truth: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < truth.length; i++) s += Math.abs(pred[i] - truth[i]);
  return s / truth.length;
}
