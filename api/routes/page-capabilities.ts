/**
 * Which optional parts of the API this server has, for the built-in page. Geography and mirrors
 * land with their own issues, and a server may be older or newer than the page: asking the router
 * lets the page say "not available" without requesting a route that would 404 (and put a failed
 * request in every visitor's console). The page still treats a 404 from these routes the same way.
 */
import type { FastifyInstance } from 'fastify';

/** Route templates as DESIGN.md §5 names them; parameter names do not matter to the router's lookup. */
export const OPTIONAL_ROUTES = {
  compare: '/api/v1/compare',
  events: '/api/v1/events',
  geo: '/api/v1/torrents/:infohash/geo',
  uniquePeers: '/api/v1/torrents/:infohash/unique-peers',
  mirrors: '/api/v1/mirrors',
  mirrorSeries: '/api/v1/mirrors/:id/series',
} as const;

export type PageCapabilities = Record<keyof typeof OPTIONAL_ROUTES, boolean>;

/** Asked per request, not at registration: routes registered after the page count too. */
export function pageCapabilities(app: FastifyInstance): PageCapabilities {
  const entries = Object.entries(OPTIONAL_ROUTES).map(([name, url]) => [name, app.hasRoute({ method: 'GET', url })]);
  return Object.fromEntries(entries) as PageCapabilities;
}
