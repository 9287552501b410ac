import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The h5 build the server serves; E2E_H5_DIR points at a copy (e.g. while another build runs). */
export const H5_DIST = path.resolve(ROOT, process.env.E2E_H5_DIR ?? path.join('dist', 'h5'));
export const PHOTOS = path.join(ROOT, 'server', 'test', 'fixtures', 'photos');
export const SHOTS_DIR = path.join(ROOT, 'test-results', 'e2e');
