/**
 * Versions 20–29: DHT measurement series (issue 3): how many nodes answered the BEP 33 scrape,
 * whether its filters were saturated, and how many values only one node returned (not counted).
 */
import type { Migration } from './migrations.ts';

export const DHT_MIGRATIONS: readonly Migration[] = [
  {
    version: 20,
    name: 'BEP 33 responders and saturation; uncorroborated DHT values',
    up(db) {
      db.exec(`
        ALTER TABLE swarm ADD COLUMN bep33_nodes NUMERIC;
        ALTER TABLE swarm ADD COLUMN bep33_saturated NUMERIC;
        ALTER TABLE swarm ADD COLUMN dht_uncorroborated NUMERIC;
      `);
    },
  },
];
