/**
 * `GET /api/v1/methods`: the methods record of this installation (store/methods-record.ts) — the
 * software and commit answering, the store, and the newest settings the collector measured with.
 * Series and export answers carry the same object for their own range.
 */
import type Database from 'better-sqlite3';
import type { FastifyPluginAsync } from 'fastify';
import { methodsRecord } from '../../store/methods-record.ts';
import { MethodsRecordSchema } from '../schemas/methods.ts';

export interface MethodsRoutesOptions {
  stateDb: Database.Database;
  storeKind: 'sqlite' | 'influx';
  now: () => number;
}

export const methodsRoutes: FastifyPluginAsync<MethodsRoutesOptions> = async (app, { stateDb, storeKind, now }) => {
  app.get('/methods', { schema: { response: { 200: MethodsRecordSchema } } }, async () => methodsRecord(stateDb, storeKind, undefined, now()));
};
