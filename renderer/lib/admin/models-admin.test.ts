import { describe, expect, it } from 'vitest';
import { ApiError } from '../api-client';
import { emptyOnnxForm, onnxRequest, providerOf, refusalOf, statusOf } from './models-admin.svelte';

describe('the Models tab', () => {
  it('shows every line of a refusal (one wrong field per line) with its code', () => {
    const e = new ApiError({
      code: 'model.invalid-manifest',
      message: 'pack/manifest.json: purpose: Invalid option\npack/manifest.json: vit.heads: Too small\n',
    });
    expect(refusalOf(e)).toEqual({
      code: 'model.invalid-manifest',
      lines: ['pack/manifest.json: purpose: Invalid option', 'pack/manifest.json: vit.heads: Too small'],
    });
    expect(refusalOf(new Error('socket closed'))).toEqual({ code: 'internal', lines: ['socket closed'] });
  });

  it('says whether a model is active and which provider runs it', () => {
    expect(statusOf({ retiredAt: null })).toBe('active');
    expect(statusOf({ retiredAt: '2026-12-07T08:00:00.000Z' })).toBe('retired 2026-12-07');
    expect(providerOf({ provider: 'cpu', providers: ['cuda', 'cpu'] })).toBe('cpu');
    expect(providerOf({ provider: null, providers: ['cuda', 'cpu'] })).toBe('not opened yet (tries cuda → cpu)');
  });

  it('turns the ONNX form into models.addOnnx arguments, or says what is missing first', () => {
    const f = { ...emptyOnnxForm(), onnx: ' /m/model.onnx ', labels: 'MEL\nNV\n', id: ' ', name: 'My CNN' };
    expect(onnxRequest(f)).toEqual({
      args: {
        onnx: '/m/model.onnx',
        modality: 'dermoscopy',
        input: 224,
        normalise: 'imagenet',
        labels: 'MEL\nNV\n',
        outputKind: 'logits',
        id: undefined,
        name: 'My CNN',
        intendedUse: undefined,
        training: undefined,
      },
    });
    expect(onnxRequest({ ...f, normalise: 'custom', mean: '0.5, 0.5,0.5', std: '0.25,0.25,0.25' })).toMatchObject({
      args: { normalise: { mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] } },
    });
    expect(onnxRequest({ ...f, onnx: '' })).toEqual({ problem: 'ONNX file: enter the path of the .onnx file.' });
    expect(onnxRequest({ ...f, input: '22.5' })).toEqual({ problem: 'Input size: a whole number of pixels from 1 to 4096.' });
    expect(onnxRequest({ ...f, input: '5000' })).toEqual({ problem: 'Input size: a whole number of pixels from 1 to 4096.' });
    expect(onnxRequest({ ...f, labels: ' \n' })).toMatchObject({ problem: expect.stringMatching(/^Classes:/) });
    expect(onnxRequest({ ...f, normalise: 'custom', mean: '0.5,x', std: '1' })).toMatchObject({
      problem: expect.stringMatching(/^Normalisation: mean and std/),
    });
    expect(onnxRequest({ ...f, normalise: 'custom', mean: '0.5', std: '0' })).toEqual({
      problem: 'Normalisation: every std must be above 0.',
    });
  });

  it('sends the CAM fields together, and names the missing one when only one is given', () => {
    const f = { ...emptyOnnxForm(), onnx: '/m/model.onnx', labels: 'MEL\nNV\n' };
    expect(onnxRequest({ ...f, camFeatures: ' features ', camHead: ' /m/head.json ' })).toMatchObject({
      args: { cam: { features: 'features', head: '/m/head.json' } },
    });
    expect(onnxRequest({ ...f, camFeatures: ' ', camHead: '' })).not.toHaveProperty('args.cam');
    expect(onnxRequest({ ...f, camFeatures: 'features' })).toMatchObject({ problem: expect.stringMatching(/^CAM head file: /) });
    expect(onnxRequest({ ...f, camHead: '/m/head.json' })).toMatchObject({ problem: expect.stringMatching(/^CAM feature-map output: /) });
  });
});
