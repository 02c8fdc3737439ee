/**
 * The built-in page at `/` (DESIGN.md §5): plain ES modules and uPlot, served by the API itself so
 * it works offline and needs no build step. A strict Content-Security-Policy keeps every script,
 * style and request on this origin: the page can never pull from a CDN, and an infohash label that
 * somehow carried markup could not run.
 */
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { SwarmscopeError } from '../../core/errors.ts';
import { PAGE_ASSET_PREFIX, loadPageAssets, type PageAsset } from './page-assets.ts';
import { pageCapabilities } from './page-capabilities.ts';

export const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // uPlot positions its legend and cursor through element styles.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export interface PageRoutesOptions {
  /** Folder of the page's files; dashboards/page/ when absent. */
  sourceDir?: string;
}

export const pageRoutes: FastifyPluginAsync<PageRoutesOptions> = async (app, options) => {
  const assets = loadPageAssets(options.sourceDir);
  const index = assets.get('index.html');
  if (!index) throw new SwarmscopeError('internal', `the built-in page has no index.html in ${options.sourceDir ?? 'dashboards/page/'}`);

  const send = (reply: FastifyReply, asset: PageAsset): FastifyReply =>
    reply.type(asset.contentType).header('content-security-policy', PAGE_CSP).header('x-content-type-options', 'nosniff').send(asset.body);

  // ETags (api/plugins/etag.ts) make reloads cheap: the files only change with a new release.
  app.get('/', { config: { etag: true }, schema: { hide: true } }, async (_request, reply) => send(reply, index));

  app.get<{ Params: { '*': string } }>(`${PAGE_ASSET_PREFIX}*`, { config: { etag: true }, schema: { hide: true } }, async (request, reply) => {
    const asset = assets.get(request.params['*']);
    if (!asset) throw new SwarmscopeError('not_found', `the built-in page has no file ${request.params['*']}`);
    return send(reply, asset);
  });

  // A static route wins over the wildcard above in Fastify's router.
  app.get(`${PAGE_ASSET_PREFIX}capabilities.json`, { schema: { hide: true } }, async () => pageCapabilities(app));
};
