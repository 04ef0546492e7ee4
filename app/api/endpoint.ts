// An endpoint is its input schema (validated at the host boundary), who may call it, and its
// output type. The output type exists only for TypeScript: `_out` is never set at run time.
import type { z } from 'zod';

/**
 * Who may call an endpoint:
 * - 'anyone': any connected window, signed in or not (app info, signing in);
 * - 'reader': a signed-in reader, or whoever 'staff' admits (reading a study: blinded stimuli,
 *   own answers, and the pixels they show);
 * - 'staff': the workstation's coordinator — a signed-in admin, or anyone while the study
 *   database has no admin yet (a single-user workstation before any reader study is set up).
 */
export type Access = 'anyone' | 'reader' | 'staff';

export type Endpoint<In extends z.ZodType, Out> = { input: In; access: Access; _out?: Out };

export const endpoint =
  <Out>(access: Access = 'staff') =>
  <In extends z.ZodType>(input: In): Endpoint<In, Out> => ({ input, access });

export type EndpointMap = Record<string, Endpoint<z.ZodType, unknown>>;

type OutOf<E> = E extends Endpoint<z.ZodType, infer O> ? O : never;
type InOf<E> = E extends Endpoint<infer I, unknown> ? z.input<I> : never;
type ParsedOf<E> = E extends Endpoint<infer I, unknown> ? z.output<I> : never;

/** What a caller sees: one async function per endpoint. */
export type ApiOf<M extends EndpointMap> = { [K in keyof M]: (args: InOf<M[K]>) => Promise<OutOf<M[K]>> };

/**
 * The caller as main knows it: one per connection (a WebSocket, an Electron window). Hosts
 * create it; services decide what it may do and who is signed in.
 */
export type CallContext = {
  allows: (access: Access) => boolean;
  readonly readerId: number | null;
  signIn: (readerId: number) => void;
  signOut: () => void;
};

/** What main implements: one handler per endpoint, given validated arguments and the caller. */
export type HandlersOf<M extends EndpointMap> = {
  [K in keyof M]: (args: ParsedOf<M[K]>, caller: CallContext) => OutOf<M[K]> | Promise<OutOf<M[K]>>;
};
