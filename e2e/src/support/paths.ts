import { fileURLToPath } from 'node:url';

/** The repository root (this file runs from e2e/dist/support/). */
export const ROOT_DIR = fileURLToPath(new URL('../../../', import.meta.url));

/** Where each test leaves its screenshot (gitignored). */
export const ARTIFACTS_DIR = fileURLToPath(new URL('../../artifacts/', import.meta.url));

/** Where the README's images live. */
export const DOCS_IMAGES_DIR = fileURLToPath(new URL('../../../docs/images/', import.meta.url));
