// Every statistics function rejects bad input the same way: a VerdictError the caller can show,
// naming the offending row or argument. The app has no statistics-specific code yet, and these
// errors mean "the arguments are wrong", so they use api.invalid-args.
import { VerdictError, type ErrorDetail } from '../../../../app/errors';

export const invalidInput = (message: string, detail?: ErrorDetail): VerdictError => new VerdictError('api.invalid-args', message, detail);

/** A confidence level must lie strictly between 0 and 1 (0.95 for a 95% interval). */
export const checkLevel = (level: number): void => {
  if (!(level > 0 && level < 1)) throw invalidInput(`Confidence level must be between 0 and 1, got ${level}.`, { level });
};
