// The paper tables say how each column was measured: the blur σ actually applied (scaled to the
// input or the paper's pixels) and how LiMA's presets stepped through each map.
import { describe, expect, it } from 'vitest';
import type { ExplanationMetric, MetricId } from '../../../../app/faithfulness';
import { formatTable, measuredAs, metricTable } from './metric-table';

const metric = (metric: MetricId, value: number, params: Record<string, unknown>): ExplanationMetric => ({
  explanationId: 1,
  metric,
  params,
  value,
  curves: [],
  parts: {},
  provider: 'cpu',
  forwardPasses: 0,
  ms: 0,
  createdAt: '2025-01-01T00:00:00Z',
});

describe('paper tables', () => {
  it("say in the legend which blur σ was applied: scaled to the input, or the paper's as written", () => {
    expect(measuredAs(metric('cdam-fidelity', 1, { sigma: 14, blur: 'scaled', sigmaPx: 4, upsampling: 'nearest' }))).toBe(
      "blur σ = 4 px, the paper's 14 px at 224 scaled by side/224; patch grid upsampled by nearest neighbour",
    );
    expect(measuredAs(metric('rise-insertion', 1, { sigma: 5, blur: 'paper', sigmaPx: 5, radiusPx: 5 }))).toBe(
      "blur σ = 5 px on 11×11, the paper's value as written (set at 224 px)",
    );
    expect(measuredAs(metric('compactness', 0.9, {}))).toBeNull();
  });

  it("say how LiMA's presets stepped: per region for LiMA's map, pixel-wise for the others", () => {
    const results = [
      { method: 'lima', metrics: [metric('lima-insertion', 0.6, { regions: { method: 'lima', count: 50 } })] },
      {
        method: 'cdam',
        metrics: [metric('lima-insertion', 0.4, { upsampling: 'nearest' }), metric('lima-insertion', 0.5, { upsampling: 'nearest' })],
      },
    ];
    const text = formatTable('LiMA table', metricTable(results, ['lima-insertion']), ['lima-insertion']);
    expect(text).toContain('cdam\t0.450 ± 0.071');
    expect(text).toContain("lima-insertion (lima): per region of the map's own sub-regions (LiMA's evaluation)");
    expect(text).toContain(
      "lima-insertion (cdam): pixel-wise in 50 steps (LIMA's evaluation of other maps); patch grid upsampled by nearest neighbour",
    );
  });
});
