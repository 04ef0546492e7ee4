// Paths to the real ISIC files in ../shared/data (see its README), for the tests only.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const ISIC_DIR = fileURLToPath(new URL('../../../../../shared/data/isic/', import.meta.url));
export const LABELS_CSV = join(ISIC_DIR, 'labels.csv');
export const HAM_DIR = join(ISIC_DIR, 'ham10000-224');
export const TASK2_DIR = join(ISIC_DIR, 'task2-example');
export const TASK2_ATTRIBUTES = ['globules', 'milia_like_cyst', 'negative_network', 'pigment_network', 'streaks'];
