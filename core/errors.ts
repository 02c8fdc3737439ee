/**
 * The one error catalogue. Codes are stable: REST clients, the CLI and the tests match on them.
 * The REST contract (DESIGN.md §5) renders these as `{ "error": { "code", "message" } }`.
 */
export const ERROR_CATALOGUE = {
  invalid_magnet: { httpStatus: 400, summary: 'The magnet URI is malformed' },
  invalid_infohash: { httpStatus: 400, summary: 'The infohash is not 40 hex or 32 base32 characters' },
  invalid_torrent: { httpStatus: 400, summary: 'The .torrent file is malformed' },
  invalid_bencode: { httpStatus: 400, summary: 'The bencoded data is malformed' },
  invalid_krpc: { httpStatus: 400, summary: 'The KRPC message is malformed' },
  invalid_config: { httpStatus: 400, summary: 'The configuration is invalid' },
  invalid_watchlist: { httpStatus: 400, summary: 'The watchlist file is invalid' },
  invalid_request: { httpStatus: 400, summary: 'The request is invalid' },
  invalid_store_url: { httpStatus: 400, summary: 'The store URL is invalid' },
  unauthorized: { httpStatus: 401, summary: 'A valid bearer token is required' },
  forbidden: { httpStatus: 403, summary: 'The token is valid but its scope does not allow this' },
  not_found: { httpStatus: 404, summary: 'No such resource' },
  conflict: { httpStatus: 409, summary: 'The resource already exists' },
  payload_too_large: { httpStatus: 413, summary: 'The request body is too large' },
  unsupported_media_type: { httpStatus: 415, summary: 'The request body has an unsupported content type' },
  rate_limited: { httpStatus: 429, summary: 'Too many requests' },
  unsafe_target: { httpStatus: 400, summary: 'The URL points to a loopback, private, link-local or otherwise non-public address' },
  bootstrap_unreachable: { httpStatus: 503, summary: 'No DHT bootstrap node answered' },
  store_unavailable: { httpStatus: 503, summary: 'The series store cannot be reached' },
  internal: { httpStatus: 500, summary: 'Internal error' },
} as const;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export class SwarmscopeError extends Error {
  readonly code: ErrorCode;
  readonly httpStatus: number;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SwarmscopeError';
    this.code = code;
    this.httpStatus = ERROR_CATALOGUE[code].httpStatus;
  }
}

export function isSwarmscopeError(value: unknown): value is SwarmscopeError {
  return value instanceof SwarmscopeError;
}

/** A message for a person, whatever was thrown. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
