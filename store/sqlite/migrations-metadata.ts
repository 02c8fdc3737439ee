/**
 * Versions 50–59: torrent metadata and peer-wire probes (issue 4). The piece length of a watched
 * torrent (from a .torrent file or fetched over ut_metadata, BEP 9): with the total size it gives
 * the piece count, which turns a peer's bitfield into a completion fraction. `probe_unreachable`:
 * sampled peers that could not be probed (refused, timed out, wrong torrent), counted rather than
 * dropped. Frozen once released, like every step in migrations.ts.
 */
import type { Migration } from './migrations.ts';

export const METADATA_MIGRATIONS: readonly Migration[] = [
  {
    version: 50,
    name: 'piece length of watched torrents; unreachable probed peers',
    up(db) {
      db.exec(`
        ALTER TABLE torrents ADD COLUMN piece_length_bytes INTEGER;
        ALTER TABLE swarm ADD COLUMN probe_unreachable NUMERIC;
      `);
    },
  },
];
