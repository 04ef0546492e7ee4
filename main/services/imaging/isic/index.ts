// ISIC / HAM10000 dermoscopy: label files, folder scanning, image and mask decoding.
export { parseIsicLabels, readIsicLabels, detectIsicLabelsForm } from './parse-labels';
export { decodeCsvText, csvDelimiter } from './csv-text';
export { scanDermoscopyFolder } from './scan-folder';
export { decodeRgb, decodeMask, readImageSize } from './decode';
export { ISIC_DX, TASK3_COLUMNS } from './types';
export type {
  IsicDx,
  IsicLabel,
  IsicLabelsForm,
  AttributeMask,
  DermoscopyImage,
  DermoscopyScan,
  LabelFile,
  BadLabelRow,
  RgbaImage,
  BinaryMask,
} from './types';
