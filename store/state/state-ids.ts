/**
 * Identifiers of alerting state: a type prefix (`alr_`, `whk_`, `evt_`) so an id pasted anywhere
 * says what it names, then 128 bits. Event ids are derived from what fired (rule, subject, time),
 * so two evaluators that see the same crossing write the same row instead of two events.
 */
import { createHash, randomBytes } from 'node:crypto';

export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(16).toString('base64url')}`;
}

export function stableId(prefix: string, ...parts: readonly (string | number)[]): string {
  const digest = createHash('sha256').update(parts.map(String).join('\u0000')).digest('base64url');
  return `${prefix}_${digest.slice(0, 22)}`;
}
