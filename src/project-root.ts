import path from 'node:path';

/*
 * Files that are not code (the review page's bundle, examples, shell scripts) stay where they are
 * in the repository; compiled code runs from dist/, which mirrors the tree one level down.
 */
const parent = path.resolve(__dirname, '..');

/** The repository's root, whether this runs from TypeScript or from dist/. */
export const PROJECT_ROOT = path.basename(parent) === 'dist' ? path.dirname(parent) : parent;
