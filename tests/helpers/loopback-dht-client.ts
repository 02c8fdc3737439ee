/** A collector-side DHT client joined to a loopback sim, fast and unthrottled, every query kept on loopback; closed when the test ends. */
import type { TestContext } from 'node:test';
import { DhtClient, type DhtClientOptions } from '../../collector/dht/dht-client.ts';

export async function loopbackDhtClient(t: TestContext, bootstrap: string[], overrides: Partial<DhtClientOptions> = {}): Promise<DhtClient> {
  const dht = await DhtClient.open({
    bindHost: '127.0.0.1',
    bindHost6: null,
    port: 0,
    bootstrap,
    bootstrapTimeoutMs: 10_000,
    allowPrivateAddresses: true,
    loopbackOnly: true,
    queryTimeoutMs: 1000,
    maxQueriesPerIpPer10s: 100_000,
    lookup: { harvest: { missProbability: 0.001, maxQueriesPerNode: 400, maxQueries: 4000, perNodeGapMs: 0 } },
    ...overrides,
  });
  t.after(() => dht.close());
  await dht.bootstrap();
  return dht;
}
