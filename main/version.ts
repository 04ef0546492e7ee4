// The version recorded with every result and export comes from package.json alone.
import pkg from '../package.json' with { type: 'json' };

export const APP_VERSION: string = pkg.version;
