import { describe, expect, it } from 'vitest';
import { OPENING_WINDOW, WINDOW_PRESETS, formatWindow, presetOf, voiToWindow, windowToVoi } from './window-presets';

describe('window presets', () => {
  it('are the usual chest CT windows', () => {
    expect(WINDOW_PRESETS.map((p) => [p.id, p.width, p.center])).toEqual([
      ['lung', 1500, -600],
      ['mediastinum', 350, 50],
      ['bone', 2000, 300],
    ]);
  });

  it('convert with DICOM’s linear VOI function, both ways exactly', () => {
    expect(windowToVoi({ width: 1500, center: -600 })).toEqual({ lower: -1350, upper: 149 });
    for (const p of WINDOW_PRESETS) expect(voiToWindow(windowToVoi(p))).toEqual({ width: p.width, center: p.center });
  });

  it('open at a window a preset button matches (the lung window)', () => {
    expect(presetOf(OPENING_WINDOW)?.id).toBe('lung');
    expect(presetOf({ width: 1600, center: -600 })).toBeUndefined();
  });

  it('recognise a preset and format a window', () => {
    expect(presetOf({ width: 350, center: 50 })?.id).toBe('mediastinum');
    expect(presetOf({ width: 351.5, center: 50 })).toBeUndefined();
    expect(formatWindow({ width: 349.6, center: -49.6 })).toBe('W 350 / L -50');
  });
});
