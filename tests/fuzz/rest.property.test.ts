/**
 * Property fuzzing of the REST API (issue 14): every route in the OpenAPI document, driven with
 * random and schema-violating path parameters, query strings and bodies — huge strings, deep
 * objects, wrong types, unicode, known field names with wrong values — with and without the token.
 * Never a 5xx, always the `{ error: { code, message } }` shape on a 4xx, and a refused request
 * changes nothing: SQLite's `total_changes()` on the one connection holding series and state does
 * not move. Three targets (params, queries, bodies) of FUZZ_RUNS requests each.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { AUTH, A, makeTestApp, type TestApp } from '../api/test-app.ts';
import { FUZZ_RUNS, fuzzParameters } from './fuzz-runs.ts';

interface Route {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT';
  path: string;
  queryNames: string[];
  bodyNames: string[];
}

interface OpenApiDocument {
  paths: Record<string, Record<string, { parameters?: { name: string; in: string }[]; requestBody?: { content?: Record<string, { schema?: { properties?: Record<string, unknown> } }> } }>>;
}

const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom('', ' ', '-1', '0', '1e309', 'NaN', 'null', 'true', '../../etc/passwd', '%00', '<script>', 'a'.repeat(40), A, 'fam_x', 'mir_x', '-10y', '2026-13-45T99:99:99Z', '1s', '0'),
  fc.integer().map(String),
  fc.nat(200_000).map((length) => 'x'.repeat(length)),
);

/** A JSON text nested 1..100,000 deep (built as text: JSON.stringify itself overflows on it): refused, never a stack overflow. */
class DeepJson {
  constructor(readonly text: string) {}
}
const deep = fc.integer({ min: 1, max: 100_000 }).map((depth) => new DeepJson(`${'{"a":['.repeat(depth)}"leaf"${']}'.repeat(depth)}`));

/** The request body as JSON text; deep values inside objects are spliced in as text. */
function serialise(body: unknown): string {
  if (body instanceof DeepJson) return body.text;
  const spliced: string[] = [];
  const text = JSON.stringify(body, (_key, value: unknown) => (value instanceof DeepJson ? `\u0000deep${spliced.push(value.text) - 1}\u0000` : value));
  return text.replace(/"\\u0000deep(\d+)\\u0000"/g, (_match, index: string) => spliced[Number(index)]!);
}

function routesOf(document: OpenApiDocument): Route[] {
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      method: method.toUpperCase() as Route['method'],
      path,
      queryNames: (operation.parameters ?? []).filter((parameter) => parameter.in === 'query').map((parameter) => parameter.name),
      bodyNames: Object.keys(operation.requestBody?.content?.['application/json']?.schema?.properties ?? {}),
    })),
  );
}

describe(`property fuzzing of the REST API (${FUZZ_RUNS} requests per target)`, () => {
  let t: TestApp;
  let routes: Route[];
  const hits = new Map<string, number>();

  before(async () => {
    t = await makeTestApp({ rateLimit: { max: 0 } });
    t.store.registry.add({ infohash: A, label: 'fuzzed' });
    await t.store.series.writeSamples([{ infohash: A, atMs: Date.UTC(2026, 0, 1, 12), values: { dht_peers: 10 } }]);
    await t.app.ready();
    routes = routesOf((await t.app.inject({ url: '/docs/json' })).json() as OpenApiDocument).filter((route) => route.path.startsWith('/api/'));
    assert.ok(routes.length >= 30, `${routes.length} routes in the OpenAPI document`);
  });
  after(() => t.close());

  const totalChanges = () => (t.store.db.prepare('SELECT total_changes() AS n').get() as { n: number }).n;

  async function send(route: Route, params: string[], query: Record<string, unknown>, body: unknown, authorised: boolean): Promise<void> {
    let index = 0;
    const url = route.path.replace(/\{[^}]+\}/g, () => encodeURIComponent(params[index++] ?? 'x'));
    const before = totalChanges();
    const response = await t.app.inject({
      method: route.method,
      url,
      query: Object.fromEntries(Object.entries(query).map(([name, value]) => [name, typeof value === 'string' ? value : JSON.stringify(value)])),
      ...(body !== undefined && route.method !== 'GET' && route.method !== 'DELETE'
        ? { payload: serialise(body), headers: { 'content-type': 'application/json', ...(authorised ? AUTH : {}) } }
        : { headers: authorised ? AUTH : {} }),
    });
    hits.set(`${route.method} ${route.path}`, (hits.get(`${route.method} ${route.path}`) ?? 0) + 1);
    assert.ok(response.statusCode < 500, `${route.method} ${url} → ${response.statusCode}: ${response.body.slice(0, 300)}`);
    if (response.statusCode >= 400) {
      const error = (response.json() as { error?: { code?: string; message?: string } }).error;
      assert.ok(error?.code && error.message, `${route.method} ${url} → ${response.statusCode} without the error shape`);
      assert.equal(totalChanges(), before, `${route.method} ${url} was refused (${response.statusCode}) but changed the store`);
    }
  }

  const route = () => fc.integer({ min: 0, max: 1_000 }).map((index) => routes[index % routes.length]!);

  it('path parameters', async (context) => {
    await fc.assert(fc.asyncProperty(route(), fc.array(text, { minLength: 1, maxLength: 3 }), fc.boolean(), async (picked, params, authorised) => {
      await send(picked, params, {}, picked.method === 'GET' ? undefined : {}, authorised);
    }), fuzzParameters());
    context.diagnostic(`REST params: ${FUZZ_RUNS} requests`);
  });

  it('query strings, known parameters with wrong values and unknown ones', async (context) => {
    const query = (picked: Route) =>
      fc.dictionary(fc.oneof(fc.constantFrom(...(picked.queryNames.length > 0 ? picked.queryNames : ['x'])), fc.string({ maxLength: 10 })), fc.oneof(text, fc.jsonValue({ maxDepth: 3 })), { maxKeys: 6 });
    await fc.assert(fc.asyncProperty(route().chain((picked) => fc.tuple(fc.constant(picked), query(picked), fc.array(text, { maxLength: 3 }))), async ([picked, values, params]) => {
      await send(picked, [A, ...params], values, undefined, false);
    }), fuzzParameters());
    context.diagnostic(`REST queries: ${FUZZ_RUNS} requests`);
  });

  it('bodies: random JSON, wrong types for known fields, huge and deep', async (context) => {
    const writes = () => fc.integer({ min: 0, max: 1_000 }).map((index) => {
      const candidates = routes.filter((candidate) => candidate.method !== 'GET');
      return candidates[index % candidates.length]!;
    });
    const body = (picked: Route) =>
      fc.oneof(
        fc.jsonValue({ maxDepth: 4 }),
        deep,
        fc.dictionary(fc.constantFrom(...(picked.bodyNames.length > 0 ? picked.bodyNames : ['x'])), fc.oneof(text, fc.jsonValue({ maxDepth: 3 }), deep), { maxKeys: 6 }),
      );
    await fc.assert(fc.asyncProperty(writes().chain((picked) => fc.tuple(fc.constant(picked), body(picked), fc.boolean())), async ([picked, payload, authorised]) => {
      await send(picked, [A, 'x'], {}, payload, authorised);
    }), fuzzParameters());
    context.diagnostic(`REST bodies: ${FUZZ_RUNS} requests; routes hit: ${hits.size} of ${routes.length}`);
    assert.equal(hits.size, routes.length, 'every route was fuzzed');
  });
});
