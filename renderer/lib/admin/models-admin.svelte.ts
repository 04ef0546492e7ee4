// The coordinator's Models tab: every registered model (retired ones too) with its card, methods
// and execution provider; add a pack folder (copied into the study's data folder by main); a
// refused pack's validation report, one line per wrong field; retire a model, or restore a retired one. Staff only.
import type { ArgsOf, HostKind } from '../../../app/api';
import type { ModelEntry } from '../../../app/models';
import { ApiError, type ApiClient } from '../api-client';
import type { ErrorState } from '../app/error-state.svelte';

/** Why main refused a pack: its error code and each complaint on a line of its own. */
export type PackRefusal = { code: string; lines: string[] };

/** main names one wrong field per line (manifest.ts parseManifest); other refusals are one line. */
export function refusalOf(e: unknown): PackRefusal {
  const message = e instanceof Error ? e.message : String(e);
  return {
    code: e instanceof ApiError ? e.code : 'internal',
    lines: message
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean),
  };
}

export type OnnxForm = {
  onnx: string;
  modality: 'dermoscopy' | 'CT';
  input: string;
  normalise: 'imagenet' | 'none' | 'custom';
  mean: string;
  std: string;
  labels: string;
  outputKind: 'logits' | 'probabilities';
  id: string;
  name: string;
  intendedUse: string;
  training: string;
  /** Optional, together: the graph's last convolutional feature-map output and its GAP + linear head's JSON file. */
  camFeatures: string;
  camHead: string;
};

export const emptyOnnxForm = (): OnnxForm => ({
  onnx: '',
  modality: 'dermoscopy',
  input: '224',
  normalise: 'imagenet',
  mean: '',
  std: '',
  labels: '',
  outputKind: 'logits',
  id: '',
  name: '',
  intendedUse: '',
  training: '',
  camFeatures: '',
  camHead: '',
});

const numbers = (text: string): number[] | null => {
  const parts = text.split(',').map((p) => Number(p.trim()));
  return text.trim() && parts.every(Number.isFinite) ? parts : null;
};

/** The form as models.addOnnx takes it, or what is wrong with it before main is asked. */
export function onnxRequest(f: OnnxForm): { problem: string } | { args: ArgsOf<'models.addOnnx'> } {
  if (!f.onnx.trim()) return { problem: 'ONNX file: enter the path of the .onnx file.' };
  const input = Number(f.input.trim());
  if (!/^\d{1,4}$/.test(f.input.trim()) || input < 1 || input > 4096)
    return { problem: 'Input size: a whole number of pixels from 1 to 4096.' };
  if (!f.labels.trim()) return { problem: 'Classes: one class name per line, in the order of the model’s outputs.' };
  let normalise: ArgsOf<'models.addOnnx'>['normalise'] = f.normalise === 'custom' ? 'none' : f.normalise;
  if (f.normalise === 'custom') {
    const mean = numbers(f.mean);
    const std = numbers(f.std);
    if (!mean || !std) return { problem: 'Normalisation: mean and std as comma-separated numbers, e.g. 0.5, 0.5, 0.5.' };
    if (std.some((x) => x <= 0)) return { problem: 'Normalisation: every std must be above 0.' };
    normalise = { mean, std };
  }
  const features = f.camFeatures.trim();
  const head = f.camHead.trim();
  if (features && !head)
    return {
      problem:
        'CAM head file: give the JSON file of the head’s weights ({"weight": [classes][channels], "bias": [classes]}) with the feature-map output, or leave both empty.',
    };
  if (head && !features)
    return {
      problem:
        'CAM feature-map output: give the name of the graph’s output holding the last convolutional feature map with the head file, or leave both empty.',
    };
  const optional = (v: string) => (v.trim() ? v.trim() : undefined);
  return {
    args: {
      onnx: f.onnx.trim(),
      modality: f.modality,
      input,
      normalise,
      labels: f.labels,
      outputKind: f.outputKind,
      id: optional(f.id),
      name: optional(f.name),
      intendedUse: optional(f.intendedUse),
      training: optional(f.training),
      ...(features ? { cam: { features, head } } : {}),
    },
  };
}

export const statusOf = (m: Pick<ModelEntry, 'retiredAt'>): string => (m.retiredAt ? `retired ${m.retiredAt.slice(0, 10)}` : 'active');

/** The provider cell: the one that ran it, or what will be tried when it is first opened. */
export const providerOf = (m: Pick<ModelEntry, 'provider' | 'providers'>): string =>
  m.provider ?? `not opened yet (tries ${m.providers.join(' → ')})`;

export class ModelsAdmin {
  models = $state.raw<ModelEntry[]>([]);
  path = $state('');
  busy = $state(false);
  refusal = $state.raw<PackRefusal | null>(null);
  /** The model whose card is open. */
  selected = $state<number | null>(null);
  /** The model the coordinator is asked to confirm retiring. */
  confirming = $state<number | null>(null);
  canBrowse = $state(false);
  onnx = $state<OnnxForm>(emptyOnnxForm());
  /** A refusal of the ONNX form (before main was asked, or main's). */
  onnxRefusal = $state.raw<PackRefusal | null>(null);
  readonly #api: ApiClient;
  readonly #errors: ErrorState;

  constructor(api: ApiClient, errors: ErrorState) {
    this.#api = api;
    this.#errors = errors;
  }

  get current(): ModelEntry | null {
    return this.models.find((m) => m.id === this.selected) ?? null;
  }

  /** Only a host with a native picker (Electron) offers Browse…; the loopback host has none. */
  setHost(host: HostKind): void {
    this.canBrowse = host === 'electron';
  }

  async load(): Promise<void> {
    try {
      this.models = await this.#api.call('models.catalogue', {});
    } catch (e) {
      this.#errors.report('Could not list the models', e);
    }
  }

  async browse(): Promise<void> {
    try {
      const { path } = await this.#api.call('host.pickFolder', { title: 'Add a model pack folder' });
      if (path) this.path = path;
    } catch (e) {
      this.#errors.report('Could not open the folder picker', e);
    }
  }

  /** Adds the pack folder in `path`; on success its card opens, on refusal the report shows why. */
  async add(): Promise<ModelEntry | null> {
    const path = this.path.trim();
    if (!path || this.busy) return null;
    this.busy = true;
    this.refusal = null;
    try {
      const added = await this.#api.call('models.add', { path });
      await this.load();
      this.selected = added.id;
      this.path = '';
      return this.current;
    } catch (e) {
      this.refusal = refusalOf(e);
      return null;
    } finally {
      this.busy = false;
    }
  }

  /** Packs the ONNX classifier of the form (main writes and validates the pack, then adds it like a folder). */
  async addOnnx(): Promise<ModelEntry | null> {
    if (this.busy) return null;
    const r = onnxRequest(this.onnx);
    if ('problem' in r) {
      this.onnxRefusal = { code: 'api.invalid-args', lines: [r.problem] };
      return null;
    }
    this.busy = true;
    this.onnxRefusal = null;
    try {
      const added = await this.#api.call('models.addOnnx', r.args);
      await this.load();
      this.selected = added.id;
      this.onnx = emptyOnnxForm();
      return this.current;
    } catch (e) {
      this.onnxRefusal = refusalOf(e);
      return null;
    } finally {
      this.busy = false;
    }
  }

  select(id: number | null): void {
    this.selected = this.selected === id ? null : id;
    this.confirming = null;
  }

  /** Brings a retired model back: offered for new maps and protocols again (main checks its pack and its id). */
  async restore(id: number): Promise<void> {
    this.busy = true;
    try {
      await this.#api.call('models.restore', { modelId: id });
      await this.load();
    } catch (e) {
      this.#errors.report('Could not restore the model', e);
    } finally {
      this.busy = false;
    }
  }

  async retire(id: number): Promise<void> {
    this.busy = true;
    try {
      await this.#api.call('models.retire', { modelId: id });
      this.confirming = null;
      await this.load();
    } catch (e) {
      this.#errors.report('Could not retire the model', e);
    } finally {
      this.busy = false;
    }
  }
}
