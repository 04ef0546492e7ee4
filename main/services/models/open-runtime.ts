// Opens a registered pack's graphs (a ViT's backbone, and the tail where the pack has one; a
// black-box pack's model graph) as one ModelRuntime. The backbone tries the providers
// in order (execution-providers.ts); the tail then uses the provider that worked, falling back
// to CPU. Each graph's bytes are checked against the manifest's hash before ORT sees them.
import { basename } from 'node:path';
import type { Log } from '../../log';
import { openSession, type ProviderName } from './execution-providers';
import { readCamHead } from './cam-head';
import { readGraph } from './load-pack';
import type { Manifest } from './manifest';
import { ModelRuntime } from './model-runtime';

export async function openRuntime(dir: string, manifest: Manifest, providers: readonly ProviderName[], log: Log): Promise<ModelRuntime> {
  const label = basename(dir);
  const first = manifest.blackBox ? 'model' : 'backbone';
  const backbone = await openSession(await readGraph(dir, manifest, first), `${label}/${manifest.files[first]!.path}`, providers, log);
  const tailRef = manifest.files.tail;
  if (!tailRef) {
    const cam = await readCamHead(dir, manifest).catch(async (e: unknown) => {
      await backbone.session.release();
      throw e;
    });
    return new ModelRuntime(`${manifest.id} ${manifest.version}`, manifest, backbone.session, null, backbone.provider, cam);
  }
  let tail;
  try {
    tail = await openSession(
      await readGraph(dir, manifest, 'tail'),
      `${label}/${tailRef.path}`,
      [...new Set<ProviderName>([backbone.provider, 'cpu'])],
      log,
    );
  } catch (e) {
    await backbone.session.release();
    throw e;
  }
  // One name per model; should the tail only open on CPU, both are named.
  const provider = tail.provider === backbone.provider ? backbone.provider : `${backbone.provider}+${tail.provider}`;
  return new ModelRuntime(`${manifest.id} ${manifest.version}`, manifest, backbone.session, tail.session, provider);
}
