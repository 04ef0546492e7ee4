// An endpoint is its input schema (validated at the host boundary) plus its output type.
// The output type exists only for TypeScript: `_out` is never set at run time.
import type { z } from 'zod';

export type Endpoint<In extends z.ZodType, Out> = { input: In; _out?: Out };

export const endpoint =
  <Out>() =>
  <In extends z.ZodType>(input: In): Endpoint<In, Out> => ({ input });

export type EndpointMap = Record<string, Endpoint<z.ZodType, unknown>>;

type OutOf<E> = E extends Endpoint<z.ZodType, infer O> ? O : never;
type InOf<E> = E extends Endpoint<infer I, unknown> ? z.input<I> : never;
type ParsedOf<E> = E extends Endpoint<infer I, unknown> ? z.output<I> : never;

/** What a caller sees: one async function per endpoint. */
export type ApiOf<M extends EndpointMap> = { [K in keyof M]: (args: InOf<M[K]>) => Promise<OutOf<M[K]>> };

/** What main implements: one handler per endpoint, given validated arguments. */
export type HandlersOf<M extends EndpointMap> = {
  [K in keyof M]: (args: ParsedOf<M[K]>) => OutOf<M[K]> | Promise<OutOf<M[K]>>;
};
