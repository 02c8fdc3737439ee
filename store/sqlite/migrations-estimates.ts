/**
 * Versions 95–99: total-swarm estimates (issue 13). The DHT lookup and the peer-wire probes' PEX
 * are two captures of one swarm; `pex_peers` is the second capture's size, `swarm_estimate_overlap`
 * the peers both saw, and `swarm_estimate` (`_low`, `_high`) Chapman's estimate of the whole swarm
 * with its 95% interval (core/chapman-estimate.ts), NULL when the overlap cannot support one.
 * Frozen once released, like every step in migrations.ts.
 */
import type { Migration } from './migrations.ts';

export const ESTIMATE_MIGRATIONS: readonly Migration[] = [
  {
    version: 95,
    name: 'PEX capture and capture-recapture swarm estimates',
    up(db) {
      db.exec(`
        ALTER TABLE swarm ADD COLUMN pex_peers NUMERIC;
        ALTER TABLE swarm ADD COLUMN swarm_estimate NUMERIC;
        ALTER TABLE swarm ADD COLUMN swarm_estimate_low NUMERIC;
        ALTER TABLE swarm ADD COLUMN swarm_estimate_high NUMERIC;
        ALTER TABLE swarm ADD COLUMN swarm_estimate_overlap NUMERIC;
      `);
    },
  },
];
