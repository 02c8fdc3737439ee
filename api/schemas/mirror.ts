/**
 * HTTP mirror shapes (DESIGN.md §5 `GET|POST /api/v1/mirrors`, `GET|DELETE /api/v1/mirrors/:id`).
 * The built-in page's mirrors view reads exactly these; every field is always present (null when
 * unknown or not measured, never 0). A mirror:
 *
 * { "id": "mir_…", "url", "infohash": "<40 hex>"|null, "file": "name/dir/file"|null, "label"|null,
 *   "source": "api"|"cli"|"web_seed", "createdAt",
 *   "state": "unknown"|"up"|"down"|"taken_down"|"content_differs", "stateSince"|null,
 *   "consecutiveFailures", "nextCheckAt"|null, "lastVerifiedAt"|null,
 *   "latest": null | { "at", "outcome": "ok"|"content_differs"|"gone"|"failed", "up", "status", "latencyMs",
 *     "bytes", "etag", "lastModified", "legalTakedown", "error": {"kind","message"}|null,
 *     "sizeMismatches": [{"file","expectedBytes","actualBytes"}],
 *     "verification": null | {"verified","failed","skipped", "pieces": [{"index","matches","files","error"}]},
 *     "probes": [{"url","file","method","status","latencyMs","bytes","etag","lastModified","redirects":[{"url","status"}],"error"}] } }
 */
import { Type, type Static } from 'typebox';
import { CHECK_OUTCOMES, MIRROR_ERROR_KINDS, MIRROR_STATES } from '../../store/mirror-check.ts';
import { MIRROR_SOURCES } from '../../store/mirror-registry.ts';
import { NullableNumber, NullableString } from './common.ts';

const NullableTime = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);
const MirrorError = Type.Union([
  Type.Object({ kind: Type.Enum([...MIRROR_ERROR_KINDS], { description: 'timeout, tls, dns, connect, unsafe_target, redirect_loop, too_many_redirects, header_overflow, body_too_large, protocol, http…' }), message: Type.String() }),
  Type.Null(),
]);

export const MirrorBody = Type.Object(
  {
    url: Type.String({ minLength: 1, maxLength: 2048, description: 'http(s) URL: the file itself, or a directory holding the torrent as BEP 19 lays it out (url + name/path)' }),
    infohash: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'the watched torrent it mirrors; needed to verify its content' })),
    file: Type.Optional(Type.String({ minLength: 1, maxLength: 4096, description: 'the one file of the torrent the URL serves (its path in the file list); the whole torrent when absent' })),
    label: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false, examples: [{ url: 'https://mirror.example/llama/', infohash: 'b8287ebfa04f879b048d4d4404108cf3e8014352', label: 'volunteer mirror' }] },
);
export type MirrorBody = Static<typeof MirrorBody>;

export const MirrorParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100, description: 'mir_…' }) });
export type MirrorParams = Static<typeof MirrorParams>;

const Probe = Type.Object({
  url: Type.String(),
  file: NullableString,
  method: Type.Enum(['HEAD', 'GET'], { description: 'GET = a one-byte Range request after HEAD was refused' }),
  status: NullableNumber,
  latencyMs: NullableNumber,
  bytes: NullableNumber,
  etag: NullableString,
  lastModified: NullableString,
  redirects: Type.Array(Type.Object({ url: Type.String(), status: Type.Integer() }), { description: 'the hops followed, in order (at most 5)' }),
  error: MirrorError,
});

const Verification = Type.Object({
  verified: Type.Integer({ description: 'sampled pieces whose SHA-1 matches the torrent' }),
  failed: Type.Integer({ description: 'sampled pieces that arrived with other bytes' }),
  skipped: Type.Union([Type.String(), Type.Null()], { description: 'why no piece was sampled, if none was' }),
  pieces: Type.Array(
    Type.Object({
      index: Type.Integer(),
      matches: Type.Union([Type.Boolean(), Type.Null()], { description: 'null: could not be fetched (see error)' }),
      files: Type.Integer({ description: 'files the piece spans (one ranged request each)' }),
      error: MirrorError,
    }),
  ),
});

export const MirrorCheckJson = Type.Object({
  at: Type.String({ format: 'date-time' }),
  outcome: Type.Enum([...CHECK_OUTCOMES]),
  up: Type.Boolean({ description: 'answered with the torrent\'s content (content that differs is not up)' }),
  status: Type.Union([Type.Integer(), Type.Null()], { description: 'HTTP status that decided the outcome; null when nothing answered' }),
  latencyMs: NullableNumber,
  bytes: Type.Union([Type.Number(), Type.Null()], { description: 'size the server reports (sum over files for a whole torrent)' }),
  etag: NullableString,
  lastModified: NullableString,
  legalTakedown: Type.Boolean({ description: 'HTTP 451 Unavailable For Legal Reasons' }),
  error: MirrorError,
  sizeMismatches: Type.Array(Type.Object({ file: Type.String(), expectedBytes: Type.Number(), actualBytes: Type.Number() })),
  verification: Type.Union([Verification, Type.Null()], { description: 'null when this check did not verify pieces' }),
  probes: Type.Array(Probe),
});

export const Mirror = Type.Object({
  id: Type.String(),
  url: Type.String(),
  infohash: NullableString,
  file: NullableString,
  label: NullableString,
  source: Type.Enum([...MIRROR_SOURCES]),
  createdAt: Type.String({ format: 'date-time' }),
  state: Type.Enum([...MIRROR_STATES], { description: 'content_differs: it answers but serves other bytes than the torrent' }),
  stateSince: NullableTime,
  consecutiveFailures: Type.Integer(),
  nextCheckAt: NullableTime,
  lastVerifiedAt: NullableTime,
  latest: Type.Union([MirrorCheckJson, Type.Null()], { description: 'the newest check; null before the first' }),
});

export const MirrorList = Type.Object({
  mirrors: Type.Array(Mirror),
  total: Type.Integer({ description: 'active mirrors, over all pages' }),
});
