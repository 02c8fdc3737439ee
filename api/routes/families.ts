/**
 * Leak families, create / read / edit / delete (DESIGN.md §5). A member must exist: a torrent that
 * was ever on the watchlist, a registered mirror; otherwise the request is refused whole (400)
 * and nothing changes. Removing a family never touches a torrent's history.
 */
import type Database from 'better-sqlite3';
import type { FastifyPluginAsync } from 'fastify';
import { SwarmscopeError } from '../../core/errors.ts';
import { createMirrorRegistry } from '../../store/mirror-registry.ts';
import { type Family, createFamiliesRepo } from '../../store/state/families-repo.ts';
import { resolveFamilyMember } from '../../store/state/family-members.ts';
import type { TorrentRegistry } from '../../store/types.ts';
import { ErrorResponse } from '../schemas/common.ts';
import { FamilyJson, FamilyList, FamilyParams, FamilyPatchBody, NewFamilyBody } from '../schemas/family.ts';

export function familyToJson(family: Family) {
  return {
    id: family.id,
    name: family.name,
    description: family.description,
    torrents: family.torrents,
    mirrors: family.mirrors,
    createdAt: new Date(family.createdAtMs).toISOString(),
    updatedAt: new Date(family.updatedAtMs).toISOString(),
  };
}

export interface FamilyRoutesOptions {
  stateDb: Database.Database;
  registry: TorrentRegistry;
}

export const familyRoutes: FastifyPluginAsync<FamilyRoutesOptions> = async (app, { stateDb, registry }) => {
  const families = createFamiliesRepo(stateDb);
  const mirrors = createMirrorRegistry(stateDb);
  /** Every member checked before anything is written: one bad entry refuses the whole request. */
  const checkedMembers = (members: { torrents?: string[]; mirrors?: string[] } | undefined, where: string) => ({
    torrents: (members?.torrents ?? []).map((raw, index) => resolveFamilyMember(raw, { registry, mirrors }, `body/${where}torrents/${index}`, 'torrent').member),
    mirrors: (members?.mirrors ?? []).map((raw, index) => resolveFamilyMember(raw, { registry, mirrors }, `body/${where}mirrors/${index}`, 'mirror').member),
  });
  const attachAll = (id: string, members: { torrents: string[]; mirrors: string[] }) => {
    for (const infohash of members.torrents) families.attach(id, 'torrent', infohash);
    for (const mirrorId of members.mirrors) families.attach(id, 'mirror', mirrorId);
  };
  const mustGet = (id: string): Family => {
    const family = families.get(id);
    if (!family) throw new SwarmscopeError('not_found', `no family ${id}`);
    return family;
  };

  app.get('/families', { schema: { response: { 200: FamilyList } } }, async () => {
    const all = families.list();
    return { families: all.map(familyToJson), total: all.length };
  });

  app.get<{ Params: FamilyParams }>('/families/:id', { schema: { params: FamilyParams, response: { 200: FamilyJson, '4xx': ErrorResponse } } }, async (request) =>
    familyToJson(mustGet(request.params.id)),
  );

  app.post<{ Body: NewFamilyBody }>('/families', { schema: { body: NewFamilyBody, response: { 201: FamilyJson, '4xx': ErrorResponse } } }, async (request, reply) => {
    const members = checkedMembers(request.body, '');
    const family = stateDb.transaction(() => {
      const created = families.create({ name: request.body.name, description: request.body.description ?? null });
      attachAll(created.id, members);
      return families.get(created.id)!;
    })();
    reply.code(201).header('location', `${app.prefix}/families/${family.id}`);
    return familyToJson(family);
  });

  app.patch<{ Params: FamilyParams; Body: FamilyPatchBody }>(
    '/families/:id',
    { schema: { params: FamilyParams, body: FamilyPatchBody, response: { 200: FamilyJson, '4xx': ErrorResponse } } },
    async (request) => {
      const { id } = request.params;
      mustGet(id);
      const attach = checkedMembers(request.body.attach, 'attach/');
      const detach = checkedMembers(request.body.detach, 'detach/');
      stateDb.transaction(() => {
        const { name, description } = request.body;
        if (name !== undefined || description !== undefined) families.update(id, { name, description });
        attachAll(id, attach);
        for (const infohash of detach.torrents) families.detach(id, 'torrent', infohash);
        for (const mirrorId of detach.mirrors) families.detach(id, 'mirror', mirrorId);
      })();
      return familyToJson(mustGet(id));
    },
  );

  app.delete<{ Params: FamilyParams }>('/families/:id', { schema: { params: FamilyParams, response: { '4xx': ErrorResponse } } }, async (request, reply) => {
    if (!families.remove(request.params.id)) throw new SwarmscopeError('not_found', `no family ${request.params.id}`);
    return reply.code(204).send();
  });
};
