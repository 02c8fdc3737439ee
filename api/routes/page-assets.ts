/**
 * The files of the built-in page: everything under dashboards/page/ (DESIGN.md §2, "the built-in
 * page's source") plus uPlot from node_modules, read once when the API starts. Serving from this
 * fixed map, never from a path built out of the URL, means a request can only ever get one of these
 * files: no traversal to check, and a file that appears later is not served by accident.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PageAsset {
  body: Buffer;
  contentType: string;
}

/** Where the page's own files live, relative to this file (the repo layout, also inside the Docker image). */
export const PAGE_SOURCE_DIR = fileURLToPath(new URL('../../dashboards/page/', import.meta.url));
/** URL prefix of every asset; `/` itself answers index.html. */
export const PAGE_ASSET_PREFIX = '/page/';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  // ES modules must come as JavaScript, or the browser refuses to run them.
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json; charset=utf-8',
};

/** uPlot served offline from the installed package (no CDN): the ES module build and its stylesheet. */
const VENDOR_FILES: Record<string, string> = {
  'vendor/uplot.esm.js': 'uplot/dist/uPlot.esm.js',
  'vendor/uplot.min.css': 'uplot/dist/uPlot.min.css',
};

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return listFiles(path);
    return entry.isFile() ? [path] : [];
  });
}

/** Keys are paths below PAGE_ASSET_PREFIX, e.g. `js/main.js`, `vendor/uplot.esm.js`. */
export function loadPageAssets(sourceDir: string = PAGE_SOURCE_DIR): Map<string, PageAsset> {
  const assets = new Map<string, PageAsset>();
  for (const path of listFiles(sourceDir)) {
    const contentType = CONTENT_TYPES[extname(path)];
    // Notes such as README.md stay in the source folder without being served.
    if (!contentType) continue;
    assets.set(relative(sourceDir, path).split(sep).join('/'), { body: readFileSync(path), contentType });
  }
  const require = createRequire(import.meta.url);
  for (const [key, specifier] of Object.entries(VENDOR_FILES)) {
    const path = require.resolve(specifier);
    assets.set(key, { body: readFileSync(path), contentType: CONTENT_TYPES[extname(path)]! });
  }
  return assets;
}
