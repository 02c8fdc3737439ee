/**
 * What one check of a mirror found, as kept in `mirror_state.last_check` and shown by the API. It
 * holds statuses, timings, sizes, validators and errors — never a response body (issue 8, safety).
 */

/** unknown: never checked; content_differs: it answers but serves other bytes than the torrent's. */
export const MIRROR_STATES = ['unknown', 'up', 'down', 'taken_down', 'content_differs'] as const;
export type MirrorStateName = (typeof MIRROR_STATES)[number];

/**
 * ok: every probed URL answered 2xx with the expected size and no sampled piece failed;
 * content_differs: it answered, but a piece hash or a size does not match the torrent;
 * gone: 404, 410 or 451 (a takedown once the mirror has been up); failed: anything else.
 */
export const CHECK_OUTCOMES = ['ok', 'content_differs', 'gone', 'failed'] as const;
export type CheckOutcome = (typeof CHECK_OUTCOMES)[number];

export const MIRROR_ERROR_KINDS = [
  'timeout',
  'tls',
  'dns',
  'connect',
  'unsafe_target',
  'redirect_loop',
  'too_many_redirects',
  'bad_redirect',
  'header_overflow',
  'body_too_large',
  'protocol',
  'http',
] as const;
export type MirrorErrorKind = (typeof MIRROR_ERROR_KINDS)[number];

export interface MirrorError {
  kind: MirrorErrorKind;
  message: string;
}

export interface RedirectHop {
  url: string;
  status: number;
}

/** One URL probed: HEAD, or a one-byte Range GET when HEAD is refused. */
export interface ProbeReport {
  url: string;
  /** The file of the torrent this URL serves (its path in the file list), or null. */
  file: string | null;
  method: 'HEAD' | 'GET';
  status: number | null;
  latencyMs: number | null;
  /** Content-Length (or the total of a Content-Range) of the final answer. */
  bytes: number | null;
  etag: string | null;
  lastModified: string | null;
  redirects: RedirectHop[];
  error: MirrorError | null;
}

export interface SizeMismatch {
  file: string;
  expectedBytes: number;
  actualBytes: number;
}

export interface PieceReport {
  index: number;
  /** true: SHA-1 matches; false: it differs; null: could not be fetched (see error). */
  matches: boolean | null;
  /** How many files the piece spans (a piece across a boundary needs one ranged request per file). */
  files: number;
  error: MirrorError | null;
}

export interface VerificationReport {
  pieces: PieceReport[];
  verified: number;
  failed: number;
  /** Why nothing was sampled, when nothing was (no piece hashes known, pieces over the byte cap…). */
  skipped: string | null;
}

export interface MirrorCheck {
  atMs: number;
  outcome: CheckOutcome;
  up: boolean;
  /** The status that decided the outcome (the first failing probe's, else the first probe's); null when nothing answered. */
  status: number | null;
  /** Mean time to response headers over the probes that got an answer. */
  latencyMs: number | null;
  /** Sum of the probed URLs' sizes. */
  bytes: number | null;
  etag: string | null;
  lastModified: string | null;
  /** 451 Unavailable For Legal Reasons (RFC 7725). */
  legalTakedown: boolean;
  probes: ProbeReport[];
  sizeMismatches: SizeMismatch[];
  /** null when no verification ran in this check. */
  verification: VerificationReport | null;
  /** The first problem, for a one-line display. */
  error: MirrorError | null;
}
