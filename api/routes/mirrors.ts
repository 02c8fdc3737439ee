/**
 * HTTP mirrors: list, register, show, remove (DESIGN.md §5; shapes in api/schemas/mirror.ts). The
 * URL passes the outbound guard at registration (and again at every check, in the collector);
 * removing keeps the mirror's history and keeps a removed web seed from coming back.
 */
import type { FastifyPluginAsync } from 'fastify';
import { SwarmscopeError } from '../../core/errors.ts';
import type { OutboundGuard } from '../../core/outbound-guard.ts';
import { registerMirror } from '../../store/mirror-registration.ts';
import type { MirrorRegistry } from '../../store/mirror-registry.ts';
import type { MirrorStateRepo } from '../../store/mirror-state-repo.ts';
import type { TorrentRegistry } from '../../store/types.ts';
import { ErrorResponse, PageQuery } from '../schemas/common.ts';
import { Mirror, MirrorBody, MirrorList, MirrorParams } from '../schemas/mirror.ts';
import { mirrorJson } from './mirrors-json.ts';

export interface MirrorRoutesOptions {
  mirrors: MirrorRegistry;
  states: MirrorStateRepo;
  torrents: TorrentRegistry;
  guard: OutboundGuard;
  now: () => number;
}

export const mirrorRoutes: FastifyPluginAsync<MirrorRoutesOptions> = async (app, { mirrors, states, torrents, guard, now }) => {
  const notFound = (id: string) => new SwarmscopeError('not_found', `no mirror ${id}`);

  app.get<{ Querystring: PageQuery }>(
    '/mirrors',
    { schema: { querystring: PageQuery, response: { 200: MirrorList, '4xx': ErrorResponse } } },
    async (request) => {
      const page = mirrors.list(request.query);
      const byId = states.getMany(page.mirrors.map((mirror) => mirror.id));
      return { mirrors: page.mirrors.map((mirror) => mirrorJson(mirror, byId.get(mirror.id)!)), total: page.total };
    },
  );

  app.post<{ Body: MirrorBody }>(
    '/mirrors',
    { schema: { body: MirrorBody, response: { 200: Mirror, 201: Mirror, '4xx': ErrorResponse } } },
    async (request, reply) => {
      const { mirror, created } = await registerMirror(
        { mirrors, torrents, guard, nowMs: now(), fieldName: (field) => `body/${field}` },
        request.body,
        'api',
      );
      reply.code(created ? 201 : 200).header('location', `${app.prefix}/mirrors/${mirror.id}`);
      return mirrorJson(mirror, states.get(mirror.id));
    },
  );

  app.get<{ Params: MirrorParams }>(
    '/mirrors/:id',
    { schema: { params: MirrorParams, response: { 200: Mirror, '4xx': ErrorResponse } } },
    async (request) => {
      const mirror = mirrors.get(request.params.id);
      if (!mirror) throw notFound(request.params.id);
      return mirrorJson(mirror, states.get(mirror.id));
    },
  );

  app.delete<{ Params: MirrorParams }>(
    '/mirrors/:id',
    { schema: { params: MirrorParams, response: { '4xx': ErrorResponse } } },
    async (request, reply) => {
      if (!mirrors.remove(request.params.id, now())) throw notFound(request.params.id);
      return reply.code(204).send();
    },
  );
};
