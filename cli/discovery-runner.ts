/**
 * Discovery beside the collector (`start --discover`, `collect --discover`, or `discovery: true` in
 * the config): the crawler joins the DHT on its own socket and runs until the command stops. A DHT
 * that cannot be joined yet is retried every minute, as the collector keeps serving meanwhile.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { familySuggester } from '../collector/discovery/family-suggester.ts';
import type { DiscoveryService } from '../collector/discovery/discovery-service.ts';
import { openDiscovery } from '../collector/discovery/open-discovery.ts';
import { describeError } from '../core/errors.ts';
import type { Runtime } from './runtime.ts';

const BOOTSTRAP_RETRY_MS = 60_000;

export interface RunningDiscovery {
  service: DiscoveryService;
  stop(): Promise<void>;
}

export async function startDiscoveryIfEnabled(runtime: Runtime): Promise<RunningDiscovery | undefined> {
  if (!runtime.config.discovery) return undefined;
  const service = await openDiscovery(runtime.config, { stateDb: runtime.stateDb, registry: runtime.registry, log: runtime.log});
  let stopped = false;
  // Ends the wait between bootstrap attempts at once on stop (a cleared timer alone would leave it pending).
  const stopping = new AbortController();
  const running = (async () => {
    while (!stopped) {
      try {
        await service.bootstrap();
        break;
      } catch (error) {
        runtime.log.warn({ err: describeError(error) }, 'discovery: DHT not joined yet, retrying in a minute');
        await sleep(BOOTSTRAP_RETRY_MS, undefined, { signal: stopping.signal }).catch(() => undefined);
      }
    }
    if (!stopped) await service.run();
  })().catch((error: unknown) => runtime.log.error({ err: describeError(error) }, 'discovery stopped'));
  runtime.log.info({ rate: runtime.config.discoveryRate, passive: runtime.config.discoveryPassive }, 'discovery crawler started');
  return {
    service,
    async stop() {
      stopped = true;
      stopping.abort();
      await service.stop();
      await running;
    },
  };
}
