/** Resolves on the first SIGINT or SIGTERM, so long-running commands can close cleanly. */
import type { Logger } from '../core/logger.ts';

export function waitForShutdown(log?: Logger): Promise<string> {
  return new Promise((resolve) => {
    const onSignal = (signal: string): void => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      log?.info({ signal }, 'shutting down');
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
