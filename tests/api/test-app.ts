/** A fresh API over an in-memory store for each test file, with a fixed clock and one token. */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../api/app.ts';
import type { ApiDeps, Readiness } from '../../api/deps.ts';
import { openSqliteStore, type SqliteStore } from '../../store/sqlite/open-sqlite-store.ts';

export const TOKEN = 'test-token-0123456789';
export const AUTH = { authorization: `Bearer ${TOKEN}` } as const;
/** 2026-01-02T00:00:00Z: "now" for every relative time in these tests. */
export const NOW = Date.UTC(2026, 0, 2);
export const A = 'a'.repeat(40);
export const B = 'b'.repeat(40);

export interface TestApp {
  app: FastifyInstance;
  store: SqliteStore;
  close(): Promise<void>;
}

export async function makeTestApp(overrides: Partial<ApiDeps> = {}): Promise<TestApp> {
  const store = openSqliteStore(':memory:', { now: () => NOW - 3_600_000 });
  const readiness = (): Readiness => ({ ready: true, checks: { store: { ok: true } } });
  const app = await buildApp({
    series: store.series,
    registry: store.registry,
    stateDb: store.db,
    readiness,
    apiTokens: [TOKEN],
    now: () => NOW,
    ...overrides,
  });
  return {
    app,
    store,
    close: async () => {
      await app.close();
      await store.close();
    },
  };
}

export interface ErrorJson {
  error: { code: string; message: string };
}

export function errorOf(response: LightMyRequestResponse): ErrorJson['error'] {
  return (response.json() as ErrorJson).error;
}
