import { describe, expect, it } from 'vitest';
import { METRIC_IDS, type ExplanationMetric, type MetricId } from '../../../app/faithfulness';
import { betterArrow, formatMetricValue, judgedOn, METRIC_LABELS, metricLabel, metricNote, orderMetrics } from './metric-labels';

const metric = (metric: MetricId, over: Partial<ExplanationMetric> = {}): ExplanationMetric => ({
  explanationId: 1,
  metric,
  params: {},
  value: 0.5,
  curves: [],
  parts: {},
  provider: 'cpu',
  forwardPasses: 0,
  ms: 0,
  createdAt: '',
  ...over,
});

describe('metric labels', () => {
  it('name every metric main computes, with the direction that is better', () => {
    expect(Object.keys(METRIC_LABELS).sort()).toEqual([...METRIC_IDS].sort());
    expect(betterArrow('cdam-fidelity')).toBe('↑');
    expect(betterArrow('rise-deletion')).toBe('↓');
    expect(betterArrow('lima-deletion')).toBe('↓');
    expect(betterArrow('pixel-flipping')).toBe('↓');
    expect(betterArrow('lima-insertion')).toBe('↑');
    expect(betterArrow('pointing-game')).toBe('');
  });

  it('say which wrong target class discrimination was measured against', () => {
    expect(metricLabel(metric('class-discrimination', { params: { wrongTarget: 'BKL' } }))).toBe('Class discrimination ΔA vs BKL');
    expect(metricLabel(metric('class-discrimination', { params: { wrongTarget: null } }))).toBe('Class discrimination ΔA');
    expect(metricLabel(metric('rise-insertion', { params: { wrongTarget: 'BKL' } }))).toBe('Insertion AUC, RISE');
  });

  it('format values: a dash for none, hit/miss, digits by magnitude, no negative zero', () => {
    expect(formatMetricValue(metric('iou', { value: null }))).toBe('—');
    expect(formatMetricValue(metric('iou', { value: NaN }))).toBe('—');
    expect(formatMetricValue(metric('pointing-game', { value: 1 }))).toBe('hit');
    expect(formatMetricValue(metric('pointing-game', { value: 0 }))).toBe('miss');
    expect(formatMetricValue(metric('cdam-fidelity', { value: 1.150474966 }))).toBe('1.150');
    expect(formatMetricValue(metric('pixel-flipping', { value: 93.49 }))).toBe('93.5');
    expect(formatMetricValue(metric('pixel-flipping', { value: 193.6 }))).toBe('194');
    expect(formatMetricValue(metric('class-discrimination', { value: -0.0001 }))).toBe('0.000');
    expect(formatMetricValue(metric('class-discrimination', { value: -0.25 }))).toBe('-0.250');
  });

  it('read main’s note and the output a map was judged on when it is not the map’s own target', () => {
    expect(metricNote(metric('iou', { parts: { note: 'no ground truth for this case' } }))).toBe('no ground truth for this case');
    expect(metricNote(metric('iou', { parts: { kept: 3 } }))).toBeNull();
    const scored = [metric('compactness'), metric('rise-insertion', { params: { scoredOutput: 'BKL' } })];
    expect(judgedOn(scored, 'attention')).toBe('BKL');
    expect(judgedOn(scored, 'BKL')).toBeNull();
    expect(judgedOn([metric('compactness')], 'attention')).toBeNull();
  });

  it('order rows as the registry does', () => {
    expect(orderMetrics([metric('iou'), metric('compactness'), metric('cdam-fidelity')]).map((m) => m.metric)).toEqual([
      'cdam-fidelity',
      'compactness',
      'iou',
    ]);
  });
});
