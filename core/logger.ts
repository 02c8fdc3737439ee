/**
 * Structured logs (pino) on stderr, so stdout stays free for the JSON that commands print.
 * Privacy (DESIGN.md §9): never log a peer address; log counts, infohashes and node counts only.
 */
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({ level, base: { app: 'swarmscope' } }, pino.destination({ dest: 2, sync: true }));
}
