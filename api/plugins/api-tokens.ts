/**
 * API tokens and their scopes (issue 14). A configured token is `[scope:]secret`, where the secret
 * is the token itself or `sha256:<64 hex>`, its digest (so a config need not hold the token):
 *
 * - `read`  — GETs of /api/v1 when reads are protected (`protectReads`);
 * - `write` — also changes to the watchlist, mirrors, families, alert rules and the timeline;
 * - `admin` — also webhooks (they send data to outside URLs and carry signing secrets). A token
 *   without a scope is `admin`, as every token was before scopes existed.
 *
 * Tokens come from SWARMSCOPE_API_TOKENS and, for rotation without a restart, from a file
 * (`apiTokensFile`, one token per line, `#` comments): it is read again when it changes, so adding
 * a new token and then removing the old one takes effect within a second, with no restart and no
 * window in which neither works. A file that cannot be read keeps the last good set and says why.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { SwarmscopeError } from '../../core/errors.ts';

export const TOKEN_SCOPES = ['read', 'write', 'admin'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];
const RANK: Record<TokenScope, number> = { read: 0, write: 1, admin: 2 };
const DIGEST_TOKEN = /^sha256:([0-9a-f]{64})$/i;
const SCOPED = /^(read|write|admin):(.+)$/;
/** How often the tokens file's modification time is looked at, at most. */
export const TOKENS_FILE_CHECK_MS = 1_000;
/** The same minimum the config schema asks of a token. */
const MIN_TOKEN_CHARS = 8;

export interface ConfiguredToken {
  digest: Buffer;
  scope: TokenScope;
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** `write:abc…`, `admin:sha256:…`, or a bare token (admin). `where` names it in an error, never the token itself. */
export function parseConfiguredToken(entry: string, where: string): ConfiguredToken {
  const trimmed = entry.trim();
  const scoped = SCOPED.exec(trimmed);
  const scope: TokenScope = scoped ? (scoped[1] as TokenScope) : 'admin';
  const secret = scoped ? scoped[2]! : trimmed;
  if (secret.length < MIN_TOKEN_CHARS) throw new SwarmscopeError('invalid_config', `${where}: a token must be at least ${MIN_TOKEN_CHARS} characters`);
  const digest = DIGEST_TOKEN.exec(secret)?.[1];
  return { digest: digest ? Buffer.from(digest, 'hex') : sha256(secret), scope };
}

/** The scope of the presented token, or undefined. Every configured token is compared, in constant time each. */
export function scopeOf(presented: string, tokens: readonly ConfiguredToken[]): TokenScope | undefined {
  const digest = sha256(presented);
  let found: TokenScope | undefined;
  // No early exit: the time taken does not depend on which token matched.
  for (const token of tokens) {
    if (timingSafeEqual(digest, token.digest) && (found === undefined || RANK[token.scope] > RANK[found])) found = token.scope;
  }
  return found;
}

export function allows(scope: TokenScope, needed: TokenScope): boolean {
  return RANK[scope] >= RANK[needed];
}

function tokensOfFile(path: string): ConfiguredToken[] {
  return readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .map((line, index) => ({ line: line.replace(/#.*$/, '').trim(), index }))
    .filter(({ line }) => line.length > 0)
    .map(({ line, index }) => parseConfiguredToken(line, `${path} line ${index + 1}`));
}

export interface TokenSource {
  /** The tokens in force now (re-reading the file when it changed). */
  current(): readonly ConfiguredToken[];
}

export function tokenSource(options: { apiTokens: readonly string[]; apiTokensFile?: string; now?: () => number; onProblem?: (message: string) => void }): TokenSource {
  const fixed = options.apiTokens.filter((token) => token.trim().length > 0).map((token, index) => parseConfiguredToken(token, `API token ${index + 1}`));
  const path = options.apiTokensFile;
  if (!path) return { current: () => fixed };
  const now = options.now ?? Date.now;
  // Read at start: a file that is missing or wrong stops the server with a clear message.
  let fromFile = tokensOfFile(path);
  let seenMtimeMs = statSync(path).mtimeMs;
  let checkedAtMs = now();
  let lastProblem: string | undefined;
  const problem = (message: string) => {
    if (message !== lastProblem) options.onProblem?.(message);
    lastProblem = message;
  };
  return {
    current() {
      if (now() - checkedAtMs >= TOKENS_FILE_CHECK_MS) {
        checkedAtMs = now();
        try {
          const mtimeMs = statSync(path).mtimeMs;
          if (mtimeMs !== seenMtimeMs) {
            // Seen even if it does not parse: a broken file is reported once, and read again when it changes.
            seenMtimeMs = mtimeMs;
            fromFile = tokensOfFile(path);
            lastProblem = undefined;
          }
        } catch (error) {
          problem(`the API tokens file ${path} could not be read again (${(error as Error).message}); the previous tokens stay in force`);
        }
      }
      return [...fixed, ...fromFile];
    },
  };
}
