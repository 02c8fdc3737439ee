/** The config of a collector that runs in the test process against a loopback sim: IPv4 on 127.0.0.1 only, loopback peers and nodes accepted, a temporary data folder. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CONFIG, type SwarmscopeConfig } from '../../core/config.ts';

export function simCollectorConfig(bootstrap: string[], overrides: Partial<SwarmscopeConfig> = {}): SwarmscopeConfig {
  return {
    ...DEFAULT_CONFIG,
    bootstrap,
    allowPrivateAddresses: true,
    dhtLoopbackOnly: true,
    dhtBindHost: '127.0.0.1',
    dhtBindHost6: '',
    dataDir: mkdtempSync(join(tmpdir(), 'swarmscope-sim-collector-')),
    ...overrides,
  };
}
