"""Metrics as published: ROC AUC as the Mann–Whitney U statistic (ties count half); balanced
accuracy as the mean per-class recall; macro AUC as the mean of one-vs-rest AUCs; MAE."""
import numpy as np


def roc_auc(scores, labels) -> float:
    scores = np.asarray(scores, dtype=np.float64)
    labels = np.asarray(labels).astype(bool)
    pos, neg = scores[labels], scores[~labels]
    if len(pos) == 0 or len(neg) == 0:
        return float('nan')
    # Rank-based U statistic with midranks for ties.
    order = np.argsort(np.concatenate([pos, neg]), kind='mergesort')
    ranks = np.empty(len(order))
    values = np.concatenate([pos, neg])[order]
    i = 0
    while i < len(values):
        j = i
        while j + 1 < len(values) and values[j + 1] == values[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    u = ranks[:len(pos)].sum() - len(pos) * (len(pos) + 1) / 2
    return float(u / (len(pos) * len(neg)))


def per_class_recall(pred, labels, n_classes):
    pred, labels = np.asarray(pred), np.asarray(labels)
    return [float((pred[labels == c] == c).mean()) if (labels == c).any() else float('nan') for c in range(n_classes)]


def balanced_accuracy(pred, labels, n_classes) -> float:
    return float(np.nanmean(per_class_recall(pred, labels, n_classes)))


def macro_auc(probs, labels, n_classes) -> float:
    probs, labels = np.asarray(probs), np.asarray(labels)
    return float(np.nanmean([roc_auc(probs[:, c], labels == c) for c in range(n_classes)]))


def mae(pred, target) -> float:
    return float(np.mean(np.abs(np.asarray(pred, dtype=np.float64) - np.asarray(target, dtype=np.float64))))


def spearman(a, b) -> float:
    """Spearman's rank correlation (Pearson on midranks)."""
    def midranks(x):
        x = np.asarray(x, dtype=np.float64)
        order = np.argsort(x, kind='mergesort')
        r = np.empty(len(x))
        xs = x[order]
        i = 0
        while i < len(xs):
            j = i
            while j + 1 < len(xs) and xs[j + 1] == xs[i]:
                j += 1
            r[order[i:j + 1]] = (i + j) / 2
            i = j + 1
        return r
    ra, rb = midranks(a), midranks(b)
    ra, rb = ra - ra.mean(), rb - rb.mean()
    denom = np.sqrt((ra * ra).sum() * (rb * rb).sum())
    return float((ra * rb).sum() / denom) if denom > 0 else float('nan')
