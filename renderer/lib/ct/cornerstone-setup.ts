// One-time Cornerstone3D set-up: rendering backend, the `verdict:` loader and metadata, cache
// size and the interaction tools. Cornerstone's registries are global, so this runs once.
import {
  cache,
  getRenderingCapabilities,
  getShouldUseCPURendering,
  init as initCore,
  metaData,
  registerImageLoader,
  setUseCPURendering,
} from '@cornerstonejs/core';
import { PanTool, StackScrollTool, WindowLevelTool, ZoomTool, addTool, init as initTools } from '@cornerstonejs/tools';
import { VERDICT_SCHEME } from './ct-image-id';
import { ROI_TOOLS } from './ct-roi-tools';
import { loadCtImage } from './ct-image-loader';
import { ctMetadataProvider } from './ct-metadata';

export type RenderMode = 'auto' | 'gpu' | 'cpu';
export type RenderBackend = { kind: 'gpu' | 'cpu'; renderer: string; reason: string };

/** ~700 CT slices of 512×512 Int16: a few series, never the whole of a user's RAM. */
const CACHE_BYTES = 384 * 1024 * 1024;

let backend: RenderBackend | null = null;

/** `?render=cpu|gpu` (or localStorage `verdict.render`) overrides detection, e.g. for a flaky driver. */
export function requestedRenderMode(search = location.search): RenderMode {
  const fromUrl = new URLSearchParams(search).get('render');
  let stored: string | null = null;
  try {
    stored = localStorage.getItem('verdict.render');
  } catch {
    // Storage can be unavailable (privacy settings); detection still works.
  }
  const mode = fromUrl ?? stored;
  return mode === 'cpu' || mode === 'gpu' ? mode : 'auto';
}

export function setupCornerstone(mode: RenderMode = requestedRenderMode()): RenderBackend {
  if (backend) return backend;
  // init() probes WebGL itself and falls back to the CPU path where there is none. One WebGL
  // context is enough for Verdict's single CT viewport (the default pool opens 7).
  initCore({ rendering: { webGlContextCount: 1 } } as Parameters<typeof initCore>[0]);
  const caps = getRenderingCapabilities();
  let reason = caps.webgl ? `WebGL${caps.webgl2 ? '2' : ''}` : 'no WebGL';
  if (mode === 'cpu') {
    setUseCPURendering(true);
    reason = 'CPU requested';
  } else if (mode === 'gpu' && caps.webgl) {
    setUseCPURendering(false);
    reason = 'GPU requested';
  } else if (caps.webgl && caps.softwareRasterizer) {
    // WebGL emulated on the CPU (SwiftShader, llvmpipe) draws a 2D stack more slowly than
    // Cornerstone's own CPU path (npm run bench, first slice; figures in README "Benchmarks").
    setUseCPURendering(true);
    reason = 'software WebGL';
  }
  initTools();
  registerImageLoader(VERDICT_SCHEME, loadCtImage as Parameters<typeof registerImageLoader>[1]);
  metaData.addProvider(ctMetadataProvider, 10_000);
  cache.setMaxCacheSize(CACHE_BYTES);
  for (const tool of [WindowLevelTool, PanTool, ZoomTool, StackScrollTool, ...ROI_TOOLS]) addTool(tool);
  backend = { kind: getShouldUseCPURendering() ? 'cpu' : 'gpu', renderer: caps.renderer ?? '', reason };
  return backend;
}
