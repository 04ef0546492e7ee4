// Model packs: validated and registered in the study database (bundled packs found under the
// resources folder at start-up, others added by path), and opened lazily as ONNX Runtime
// sessions with execution-provider fallback. Plain Node; no Electron.
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Database } from 'better-sqlite3';
import type { ModelSummary } from '../../../app/explain';
import { VerdictError } from '../../../app/errors';
import type { Log } from '../../log';
import { defaultProviders, type ProviderName } from './execution-providers';
import { findPackDirs } from './find-packs';
import { loadPack } from './load-pack';
import type { ModelRuntime } from './model-runtime';
import { openRuntime } from './open-runtime';
import { currentRows, knownHash, modelRow, registered, rowByPackId, summaryOf, upsertModel, type RegisteredModel } from './model-rows';
import { catalogueEntry, refuseIdCollision, refuseRestoreCollision, refuseRetired } from './model-catalogue';
import { restoreModel, retireModel, retiredRowByPackId, type ModelRow } from './model-rows';
import { copyIntoStore } from './model-store';
import type { ModelEntry } from '../../../app/models';

export type ModelServiceOptions = {
  /** Folders searched for bundled packs (`<resources>/models`). */
  bundledRoots?: string[];
  /** Execution providers to try, best first (default: this platform's, CPU last). */
  providers?: ProviderName[];
  now?: () => Date;
  /**
   * Where packs added by path are copied (model-store.ts: `<data>/model-packs`) and registered
   * from, so the original may move. Without it (an in-memory database) a pack is registered where it is.
   */
  store?: string;
};

export class ModelService {
  readonly #db: Database;
  readonly #log: Log;
  readonly #roots: string[];
  readonly #providers: ProviderName[];
  readonly #now: () => Date;
  readonly #store: string | undefined;
  readonly #runtimes = new Map<number, Promise<ModelRuntime>>();
  readonly #providerOf = new Map<number, string>();
  /** Pack id → real folder of the bundled pack that holds it, from this run's scan. */
  readonly #bundledIds = new Map<string, string>();
  #bundled: Promise<void> | null = null;
  #closed = false;

  constructor(db: Database, log: Log, opts: ModelServiceOptions = {}) {
    this.#db = db;
    this.#log = log;
    this.#roots = opts.bundledRoots ?? [];
    this.#providers = opts.providers ?? defaultProviders();
    this.#now = opts.now ?? (() => new Date());
    this.#store = opts.store;
  }

  /**
   * Registers (or refreshes) every bundled pack once per run; later calls wait for the same scan.
   * A bundled pack that fails its checks is logged and left out — the app still starts.
   */
  registerBundled(): Promise<void> {
    this.#bundled ??= (async () => {
      for (const root of this.#roots) {
        for (const dir of await findPackDirs(root)) {
          if (this.#closed) return;
          try {
            await this.#register(dir, true);
          } catch (e) {
            this.#log.error(
              `bundled model pack ${dir} was not registered: ${e instanceof VerdictError ? e.message : ''}`,
              e instanceof VerdictError ? undefined : e,
            );
          }
        }
      }
    })();
    return this.#bundled;
  }

  /** The models offered for new maps and protocols (retired ones are left out). */
  async list(): Promise<ModelSummary[]> {
    await this.registerBundled();
    return currentRows(this.#db)
      .filter((r) => r.retired_at === null)
      .map((r) => summaryOf(r, this.#providerOf.get(r.id) ?? null));
  }

  /** Every current model, retired ones too, with its card text, folders and studies (the Models view). */
  async catalogue(): Promise<ModelEntry[]> {
    await this.registerBundled();
    const bundledDirs = new Set(this.#bundledIds.values());
    return Promise.all(
      currentRows(this.#db).map((r) =>
        catalogueEntry(this.#db, r, this.#providerOf.get(r.id) ?? null, bundledDirs.has(r.path), this.#providers),
      ),
    );
  }

  /**
   * Validates the pack folder at `path` and registers it; returns its summary. With a store, the
   * pack is copied into it (hashes checked after the copy) and registered from the copy. The same
   * pack again is the model already registered; a pack claiming the id of another pack (other
   * content) that is not retired is refused, naming both.
   */
  async add(path: string): Promise<ModelSummary> {
    await this.registerBundled();
    if (!this.#store) return this.summary(await this.#register(path));
    const src = await loadPack(path, { trusted: (sha256) => knownHash(this.#db, sha256) });
    const same = this.#db
      .prepare('SELECT * FROM model WHERE pack_id = ? AND version = ? AND sha256 = ?')
      .get(src.manifest.id, src.manifest.version, src.sha256) as ModelRow | undefined;
    // The same pack again: the model already registered — a bundled one stays where it is, the
    // study's copy is kept; a row still read from an outside folder (registered by path before
    // copies were kept) is given its copy, under the same row.
    const kept = (p: string) => dirname(p) === this.#storeReal() || [...this.#bundledIds.values()].includes(p);
    if (same && kept(same.path) && existsSync(join(same.path, 'manifest.json'))) return this.summary(same.id);
    refuseIdCollision(this.#db, src);
    const copy = await copyIntoStore(src, this.#store);
    if (this.#closed) throw new VerdictError('internal', 'The model service is closed.');
    const { id, added } = upsertModel(this.#db, copy, this.#now().toISOString(), src.dir);
    this.#log.info(
      `model pack ${src.manifest.id} ${src.manifest.version} ${added ? 'added' : 'copied again'} from ${src.dir} into ${copy.dir} (id ${id}, sha256 ${src.sha256.slice(0, 12)}…)`,
    );
    return this.summary(id);
  }

  /** The store's real path (as copies' folders are recorded), or null while it does not exist. */
  #storeReal(): string | null {
    return this.#store && existsSync(this.#store) ? realpathSync(this.#store) : null;
  }

  /** Whether added packs are copied into the study's data folder (so a pack written to a temp folder may be added). */
  get copiesPacks(): boolean {
    return this.#store !== undefined;
  }

  /** Retires a model (by row id or pack id): not offered for new maps or protocols; studies that used it keep it. */
  async retire(idOrPackId: number | string): Promise<ModelSummary> {
    await this.registerBundled();
    const row = typeof idOrPackId === 'number' ? modelRow(this.#db, idOrPackId) : rowByPackId(this.#db, idOrPackId);
    if (!row) {
      refuseRetired(this.#db, String(idOrPackId));
      throw new VerdictError('not-found', `No model with pack id "${idOrPackId}".`, { packId: String(idOrPackId) });
    }
    const retired = retireModel(this.#db, row.id, this.#now().toISOString());
    this.#log.info(`model ${retired.pack_id} ${retired.version} (id ${retired.id}) retired`);
    return this.summary(retired.id);
  }

  /**
   * Restores a retired model (by row id, or pack id: its newest retired row): offered for new maps
   * and protocols again. Its folder must still hold the very pack (every hash checked), and no
   * other active model may hold its pack id. A model in use is returned as it is.
   */
  async restore(idOrPackId: number | string): Promise<ModelSummary> {
    await this.registerBundled();
    const row = typeof idOrPackId === 'number' ? modelRow(this.#db, idOrPackId) : retiredRowByPackId(this.#db, idOrPackId);
    if (!row) {
      if (typeof idOrPackId === 'string' && rowByPackId(this.#db, idOrPackId)) return this.summary(rowByPackId(this.#db, idOrPackId)!.id);
      throw new VerdictError('not-found', `No retired model with pack id "${idOrPackId}".`, { packId: String(idOrPackId) });
    }
    if (row.retired_at === null) return this.summary(row.id);
    if (!currentRows(this.#db).some((r) => r.id === row.id))
      throw new VerdictError(
        'not-found',
        `Model ${row.id} "${row.name}" ${row.version} cannot be restored: its folder ${row.path} now holds another model.`,
        { modelId: row.id, path: row.path },
      );
    refuseRestoreCollision(this.#db, row);
    const pack = await loadPack(row.path, { trusted: (sha256) => sha256 === row.sha256 });
    if (pack.sha256 !== row.sha256)
      throw new VerdictError(
        'model.hash-mismatch',
        `Model ${row.id} "${row.name}" ${row.version} cannot be restored: the pack in ${row.path} is no longer the one registered (sha256 ${pack.sha256.slice(0, 12)}…, registered ${row.sha256.slice(0, 12)}…).`,
        { modelId: row.id, expected: row.sha256, actual: pack.sha256 },
      );
    const restored = restoreModel(this.#db, row.id);
    this.#log.info(`model ${restored.pack_id} ${restored.version} (id ${restored.id}) restored`);
    return this.summary(restored.id);
  }

  summary(id: number): ModelSummary {
    return summaryOf(modelRow(this.#db, id), this.#providerOf.get(id) ?? null);
  }

  get(id: number): RegisteredModel {
    return registered(modelRow(this.#db, id));
  }

  /** A model named by a registered pack id or a pack folder path (registering the folder). */
  async resolve(packIdOrPath: string): Promise<RegisteredModel> {
    await this.registerBundled();
    const row = rowByPackId(this.#db, packIdOrPath);
    if (row) return registered(row);
    if (retiredRowByPackId(this.#db, packIdOrPath)) refuseRetired(this.#db, packIdOrPath);
    if (this.#store) return this.get((await this.add(packIdOrPath)).id);
    return this.get(await this.#register(packIdOrPath));
  }

  /** The opened model; the first call creates its sessions (the graphs' hashes are checked again). */
  runtime(id: number): Promise<ModelRuntime> {
    let r = this.#runtimes.get(id);
    if (!r) {
      r = this.#open(this.get(id));
      this.#runtimes.set(id, r);
      r.catch(() => this.#runtimes.delete(id));
    }
    return r;
  }

  /** The provider a model runs on, once opened. */
  providerOf(id: number): string | null {
    return this.#providerOf.get(id) ?? null;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const opened = [...this.#runtimes.values()];
    this.#runtimes.clear();
    await Promise.allSettled(opened.map(async (r) => (await r).release()));
  }

  async #register(path: string, bundled = false): Promise<number> {
    const pack = await loadPack(path, {
      trusted: (sha256) => knownHash(this.#db, sha256),
      accept: (m, dir) => this.#refuseTakenId(m.id, dir, bundled),
    });
    const m = pack.manifest;
    if (bundled) this.#bundledIds.set(m.id, pack.dir);
    if (this.#closed) throw new VerdictError('internal', 'The model service is closed.');
    const { id, added } = upsertModel(this.#db, pack, this.#now().toISOString());
    if (added)
      this.#log.info(`model pack ${m.id} ${m.version} registered from ${pack.dir} (id ${id}, sha256 ${pack.sha256.slice(0, 12)}…)`);
    return id;
  }

  /**
   * A pack id names one pack: a pack may not claim the id of a bundled pack (resolve by id would
   * pick it, and it would stand in for the bundled model), and a pack added by path may not claim
   * the id of a pack registered from another folder that still holds it. A pack whose old folder
   * is gone (moved) may take its id back.
   */
  #refuseTakenId(packId: string, dir: string, bundled: boolean): void {
    const taken = (heldBy: string, what: string) =>
      new VerdictError(
        'model.id-taken',
        `${dir}: pack id "${packId}" is already taken by ${what} in ${heldBy}; give this pack its own id in its manifest.json.`,
        {
          packId,
          path: dir,
          heldBy,
        },
      );
    const owner = this.#bundledIds.get(packId);
    if (owner !== undefined && owner !== dir) throw taken(owner, 'the bundled pack');
    if (bundled) return;
    const other = currentRows(this.#db).find((r) => r.pack_id === packId && r.path !== dir && existsSync(join(r.path, 'manifest.json')));
    if (other) throw taken(other.path, 'the pack registered');
  }

  async #open(model: RegisteredModel): Promise<ModelRuntime> {
    const runtime = await openRuntime(model.dir, model.manifest, this.#providers, this.#log);
    this.#providerOf.set(model.id, runtime.provider);
    return runtime;
  }
}
