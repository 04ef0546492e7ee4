// Paths to the real ISIC files in ../shared/data (see its README), for the tests only.
import { join } from 'node:path';
import { sharedData } from '../../../../tests/support/data';

export const ISIC_DIR = join(sharedData, 'isic');
export const LABELS_CSV = join(ISIC_DIR, 'labels.csv');
export const HAM_DIR = join(ISIC_DIR, 'ham10000-224');
export const TASK2_DIR = join(ISIC_DIR, 'task2-example');
export const TASK2_ATTRIBUTES = ['globules', 'milia_like_cyst', 'negative_network', 'pigment_network', 'streaks'];
