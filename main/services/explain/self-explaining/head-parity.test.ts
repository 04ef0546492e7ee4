// Export parity of the two self-explaining ISIC packs: the ONNX graph run by ONNX Runtime gives
// the outputs and maps PyTorch computed in float64 (fixtures.json, written by
// models/exporter/heads.py), the attribute-map and prototype-map methods return exactly the
// graph's rows, and the prototype score sheet of the fixed demo image lists the prototypes in the
// order PyTorch's contributions put them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../../../tests/support/data';
import { silentLog } from '../../../log';
import { loadPack } from '../../models/load-pack';
import type { Manifest } from '../../models/manifest';
import type { BackbonePass, ModelRuntime } from '../../models/model-runtime';
import { openRuntime } from '../../models/open-runtime';
import { maxRelDiff } from '../max-rel-diff';
import { method } from '../methods';
import { prototypeRows } from './prototype-sheet';

type HeadFixtures = {
  format: string;
  tolerance: number;
  batch: number;
  imageIds: (string | null)[];
  image: number[];
  expected: Record<string, number[]>;
  scoreSheet?: { row?: number; class: string; order: string[]; contributions: number[] };
};

const EXPLICD = join(repoRoot, 'models/isic-explicd/pack');
const PROTOFM = join(repoRoot, 'models/isic-protofm/pack');
const read = (dir: string) => JSON.parse(readFileSync(join(dir, 'fixtures.json'), 'utf8')) as HeadFixtures;

describe.each([
  ['isic-explicd', EXPLICD, 'attributeMaps'],
  ['isic-protofm', PROTOFM, 'prototypeMaps'],
] as const)('%s: ONNX Runtime against PyTorch', (name, dir, mapsKey) => {
  const fixtures = read(dir);
  let runtime: ModelRuntime;
  let manifest: Manifest;
  let pass: BackbonePass;

  beforeAll(async () => {
    const pack = await loadPack(dir);
    manifest = pack.manifest;
    runtime = await openRuntime(pack.dir, manifest, ['cpu'], silentLog);
    pass = await runtime.backbone(Float32Array.from(fixtures.image), fixtures.batch);
  });
  afterAll(async () => runtime?.release());

  it('has a real demo image and random inputs among its fixtures, and a tolerance of at most 1e-4', () => {
    expect(fixtures.format).toBe('verdict-head-fixtures/1');
    expect(fixtures.batch).toBeGreaterThanOrEqual(3);
    expect(fixtures.imageIds.some((id) => id !== null)).toBe(true);
    expect(fixtures.tolerance).toBeLessThanOrEqual(1e-4);
  });

  it('gives every graph output PyTorch gave', () => {
    const keys = Object.keys(fixtures.expected);
    expect(keys).toEqual(expect.arrayContaining(['outputs', 'attention', mapsKey]));
    for (const k of keys) {
      const ours = pass[k as keyof BackbonePass] as Float32Array;
      expect(ours.length, k).toBe(fixtures.expected[k].length);
      expect(maxRelDiff(ours, fixtures.expected[k]), `${name} ${k}`).toBeLessThanOrEqual(fixtures.tolerance);
    }
  });

  it('its map method returns the graph row of each target, for one image', async () => {
    const n = runtime.dims.patches;
    const rows = mapsKey === 'attributeMaps' ? manifest.attributes!.axes.map((a) => a.name) : manifest.prototypes!.units.map((u) => u.name);
    const m = method(mapsKey === 'attributeMaps' ? 'attribute-map' : 'prototype-map');
    const one = await runtime.backbone(Float32Array.from(fixtures.image.slice(0, 3 * 64 * 64)), 1);
    for (const [index, target] of rows.entries()) {
      const values = await m.compute({
        model: runtime,
        manifest,
        image: new Float32Array(0),
        pass: one,
        target: { kind: mapsKey === 'attributeMaps' ? 'axis' : 'prototype', name: target, index },
        params: {},
        signal: new AbortController().signal,
        progress: () => {},
      });
      expect(maxRelDiff(values, fixtures.expected[mapsKey].slice(index * n, (index + 1) * n)), target).toBeLessThanOrEqual(
        fixtures.tolerance,
      );
    }
  });
});

describe('isic-protofm score sheet', () => {
  it('lists the fixed demo image’s prototypes in PyTorch’s order of contribution, each with its exemplars in the pack', async () => {
    const fixtures = read(PROTOFM);
    const sheet = fixtures.scoreSheet!;
    const pack = await loadPack(PROTOFM);
    const runtime = await openRuntime(pack.dir, pack.manifest, ['cpu'], silentLog);
    try {
      const size = 3 * 64 * 64;
      const row = sheet.row ?? 0;
      expect(fixtures.imageIds[row]).toMatch(/^ISIC_/);
      const pass = await runtime.backbone(Float32Array.from(fixtures.image.slice(row * size, (row + 1) * size)), 1);
      const classes = pack.manifest.outputs[0].units.map((u) => u.name);
      const rows = prototypeRows(pack.manifest, pass.prototypeActivations!, classes.indexOf(sheet.class));
      // The leading rows (where contributions are far apart) in exactly PyTorch's order.
      expect(rows.slice(0, 10).map((r) => r.name)).toEqual(sheet.order.slice(0, 10));
      expect(
        maxRelDiff(
          rows.map((r) => r.contribution),
          sheet.contributions,
        ),
      ).toBeLessThanOrEqual(fixtures.tolerance);
      for (const r of rows.slice(0, 5)) {
        const unit = pack.manifest.prototypes!.units.find((u) => u.name === r.name)!;
        expect(unit.exemplars.length).toBeGreaterThan(0);
        for (const e of unit.exemplars) expect(pack.files.map((f) => f.path)).toContain(e.file);
      }
    } finally {
      await runtime.release();
    }
  });
});
