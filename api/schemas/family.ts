/** Leak families (DESIGN.md §5 `/api/v1/families`): named groups of torrents and mirrors, and their spread. */
import { Type, type Static } from 'typebox';
import { MAX_FAMILY_NAME_CHARS } from '../../store/state/families-repo.ts';
import { SWARM_METRICS } from '../../store/types.ts';
import { NullableString } from './common.ts';

const Infohashes = Type.Array(Type.String({ minLength: 32, maxLength: 40, description: '40 hex (or 32 base32) characters' }), { maxItems: 1000 });
const MirrorIds = Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 1000 });
const Name = Type.String({ minLength: 1, maxLength: MAX_FAMILY_NAME_CHARS });
const Description = Type.Union([Type.String({ maxLength: 2000 }), Type.Null()]);

export const FamilyParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });
export type FamilyParams = Static<typeof FamilyParams>;

export const NewFamilyBody = Type.Object(
  { name: Name, description: Type.Optional(Description), torrents: Type.Optional(Infohashes), mirrors: Type.Optional(MirrorIds) },
  { additionalProperties: false },
);
export type NewFamilyBody = Static<typeof NewFamilyBody>;

const Members = Type.Object({ torrents: Type.Optional(Infohashes), mirrors: Type.Optional(MirrorIds) }, { additionalProperties: false });
export const FamilyPatchBody = Type.Object(
  { name: Type.Optional(Name), description: Type.Optional(Description), attach: Type.Optional(Members), detach: Type.Optional(Members) },
  { additionalProperties: false },
);
export type FamilyPatchBody = Static<typeof FamilyPatchBody>;

export const FamilyJson = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: NullableString,
  torrents: Type.Array(Type.String()),
  mirrors: Type.Array(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
export const FamilyList = Type.Object({ families: Type.Array(FamilyJson), total: Type.Integer() });

export const FamilyRangeQuery = Type.Object({
  from: Type.Optional(Type.String({ description: 'ISO 8601, "now", relative (-24h) or epoch ms; default to-24h' })),
  to: Type.Optional(Type.String({ description: 'same forms as from; default now' })),
});
export type FamilyRangeQuery = Static<typeof FamilyRangeQuery>;

export const FamilyUniquePeers = Type.Object({
  familyId: Type.String(),
  from: Type.String({ format: 'date-time' }),
  to: Type.String({ format: 'date-time' }),
  uniquePeers: Type.Union([Type.Integer(), Type.Null()], { description: 'distinct peer IPs across all member torrents in the range; null when none was swept' }),
  peersNow: Type.Union([Type.Integer(), Type.Null()], { description: 'distinct peers across the members\' newest sweeps in the range' }),
  torrents: Type.Integer(),
  mirrors: Type.Integer(),
  mirrorsUp: Type.Integer(),
  method: Type.String(),
});

export const FamilySeriesQuery = Type.Object({
  ...FamilyRangeQuery.properties,
  metric: Type.Enum([...SWARM_METRICS], { default: 'dht_peers', description: 'the per-torrent lines' }),
  step: Type.Optional(Type.String({ description: 'bucket width (15m, 1h, seconds); default gives at most ~500 points' })),
});
export type FamilySeriesQuery = Static<typeof FamilySeriesQuery>;

const Points = Type.Array(Type.Tuple([Type.String({ format: 'date-time' }), Type.Number()]));
export const FamilySeries = Type.Object({
  familyId: Type.String(),
  metric: Type.String(),
  step: Type.Number({ description: 'bucket width in seconds' }),
  torrents: Type.Array(Type.Object({ infohash: Type.String(), label: NullableString, points: Points })),
  distinctPeers: Type.Object({ points: Points, method: Type.String() }),
});

const TagRows = (key: string) => Type.Array(Type.Object({ [key]: Type.String(), peers: Type.Number() }));
export const FamilyGeo = Type.Object({
  familyId: Type.String(),
  from: Type.String({ format: 'date-time' }),
  to: Type.String({ format: 'date-time' }),
  countries: TagRows('country'),
  asns: TagRows('asn'),
  method: Type.String(),
});
