// dicom-parser ships a UMD bundle whose named exports Node's ESM loader cannot see, so it is
// loaded through require; the type still comes from the package's own declarations.
import { createRequire } from 'node:module';
import type * as DicomParser from 'dicom-parser';

export type { DataSet, Element, Fragment } from 'dicom-parser';

const require = createRequire(import.meta.url);
export const dicomParser: typeof DicomParser = require('dicom-parser');
