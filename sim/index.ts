/** The simulator's public surface (DESIGN.md §2 `sim/`): what tests, benchmarks, `demo` and `sim` use. */
export { startSimSwarm } from './sim-swarm.ts';
export type { SimSwarm, SimTorrent, SimNodeAddress, SimHostileNode } from './sim-swarm.ts';
export type { SimSwarmOptions, TorrentSpec, CatalogueOptions } from './sim-options.ts';
export { LIBTORRENT_MAX_PEERS_REPLY, LIBTORRENT_SAMPLE_INTERVAL_SEC, LIBTORRENT_MAX_INFOHASH_SAMPLES, DEFAULT_BIND_HOST_BASE, DEFAULT_METADATA_HOST_BASE } from './sim-options.ts';
export type { CatalogueEntry } from './catalogue/catalogue.ts';
export type { CatalogueCategory, CatalogueKind } from './catalogue/info-dictionary.ts';
export { FIXED_CATALOGUE_KEYS } from './catalogue/fixed-torrents.ts';
export type { FixedCatalogueKey } from './catalogue/fixed-torrents.ts';
export { HOSTILE_BEHAVIOURS } from './hostile-behaviours.ts';
export type { HostileBehaviour } from './hostile-behaviours.ts';
export { SIM_IPV6_HOST } from './sim-node.ts';
export type { SimStats, HostileStats, MetadataPeerStats } from './sim-context.ts';
export type { IpFamily } from './synthetic-addresses.ts';
export { runSimCommand, simAnnouncement } from './sim-command.ts';
export type { SimCommandOptions, SimCommandAnnouncement } from './sim-command.ts';
export { SeededRandom } from './prng.ts';
