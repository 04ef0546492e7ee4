// The one typed API between renderer and main. Both hosts (Electron IPC and the loopback
// WebSocket) carry exactly these endpoints, validated by their schemas at the boundary.
import { appEndpoints } from './app';
import { caseEndpoints } from './cases';
import { imagingEndpoints } from './imaging';
import { importEndpoints } from './import';
import { explainEndpoints } from './explain';
import { modelEndpoints } from './models';
import { packageEndpoints } from './packages';
import { studyEndpoints } from './study';
import type { ApiOf, HandlersOf } from './endpoint';

export const endpoints = {
  ...appEndpoints,
  ...caseEndpoints,
  ...imagingEndpoints,
  ...importEndpoints,
  ...explainEndpoints,
  ...modelEndpoints,
  ...packageEndpoints,
  ...studyEndpoints,
};

export type Endpoints = typeof endpoints;
export type EndpointName = keyof Endpoints;
export type Api = ApiOf<Endpoints>;
export type Handlers = HandlersOf<Endpoints>;
export type ArgsOf<N extends EndpointName> = Parameters<Api[N]>[0];
export type ResultOf<N extends EndpointName> = Awaited<ReturnType<Api[N]>>;

export type { ImportJob } from './import';
export type { AppInfo, HostKind } from './app';
