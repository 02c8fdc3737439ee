/**
 * The catalogue: named torrents with real info dictionaries (hence real infohashes) for discovery
 * tests — the fixed model-like and look-alike set (fixed-torrents.ts) first, then N ordinary ones
 * drawn from the seed (ordinary-torrents.ts). Info dictionaries are built once to hash them and then
 * dropped: they are rebuilt on demand (~0.1 ms each), so 3,000 torrents keep only their specs.
 */
import { SeededRandom } from '../prng.ts';
import { FIXED_TORRENTS, type FixedCatalogueKey } from './fixed-torrents.ts';
import {
  type CatalogueCategory, type CatalogueKind, type CatalogueTorrentSpec, encodeInfoDictionary, filePaths, infohashOf, pieceLengthFor, totalBytesOf,
} from './info-dictionary.ts';
import { ordinaryTorrent } from './ordinary-torrents.ts';

export interface CatalogueSettings {
  /** Ordinary torrents besides the fixed set. */
  torrents: number;
  /** Share (0..1) of the ordinary torrents whose metadata a sim peer serves; the fixed ones always are. */
  metadataShare: number;
}

export class CatalogueTorrent {
  readonly infohash: string;
  readonly sizeBytes: number;
  readonly pieceLengthBytes: number;

  constructor(
    /** Position in the catalogue: the fixed set first, then the ordinary torrents. */
    readonly index: number,
    readonly spec: CatalogueTorrentSpec,
    readonly metadataServed: boolean,
    readonly key?: FixedCatalogueKey,
  ) {
    this.infohash = infohashOf(encodeInfoDictionary(spec));
    this.sizeBytes = totalBytesOf(spec);
    this.pieceLengthBytes = pieceLengthFor(this.sizeBytes);
  }

  get name(): string {
    return this.spec.name;
  }

  get pieceCount(): number {
    return Math.ceil(this.sizeBytes / this.pieceLengthBytes);
  }

  /** The bencoded info dictionary, rebuilt (deterministically) on each call; SHA-1 of it is the infohash. */
  infoBytes(): Buffer {
    return encodeInfoDictionary(this.spec);
  }
}

/** Ground truth of one catalogue torrent, as `SimSwarm.catalogue()` hands it out. */
export interface CatalogueEntry {
  /** 40 lowercase hex: SHA-1 of `infoBytes`. */
  infohash: string;
  name: string;
  kind: CatalogueKind;
  category: CatalogueCategory;
  /** Models only: the weights' lineage; a re-pack shares its original's, an unrelated model does not. */
  lineage?: string;
  /** Set for the fixed entries (fixed-torrents.ts), absent for the generated ordinary ones. */
  fixed?: FixedCatalogueKey;
  sizeBytes: number;
  pieceLengthBytes: number;
  pieceCount: number;
  /** As the collector reports them: `name/inner/path` for a folder, `name` for a single file. */
  files: { path: string; length: number }[];
  /** True when sim peers serve its info dictionary over ut_metadata (BEP 9). */
  metadataServed: boolean;
  /** The loopback listeners that are peers of this torrent and serve its metadata; [] when not served. */
  metadataPeers: { host: string; port: number }[];
  /** The bencoded info dictionary (built when read). */
  readonly infoBytes: Buffer;
}

export function buildCatalogue(seed: number | string, settings: CatalogueSettings): CatalogueTorrent[] {
  const fixed = FIXED_TORRENTS.map(({ key, ...spec }, index) => new CatalogueTorrent(index, spec, true, key));
  const ordinary = Array.from({ length: settings.torrents }, (_, position) => {
    const random = new SeededRandom(seed, `catalogue:${position}`);
    const spec = ordinaryTorrent(seed, position, random);
    // Drawn after the spec from the same stream: the share changes which are served, never what they are.
    const served = random.nextFloat() < settings.metadataShare;
    return new CatalogueTorrent(fixed.length + position, spec, served);
  });
  return [...fixed, ...ordinary];
}

export function catalogueEntry(torrent: CatalogueTorrent, metadataPeers: { host: string; port: number }[]): CatalogueEntry {
  const { spec } = torrent;
  const entry = {
    infohash: torrent.infohash,
    name: spec.name,
    kind: spec.kind,
    category: spec.category,
    ...(spec.lineage ? { lineage: spec.lineage } : {}),
    ...(torrent.key ? { fixed: torrent.key } : {}),
    sizeBytes: torrent.sizeBytes,
    pieceLengthBytes: torrent.pieceLengthBytes,
    pieceCount: torrent.pieceCount,
    files: filePaths(spec),
    metadataServed: torrent.metadataServed,
    metadataPeers: metadataPeers.map(({ host, port }) => ({ host, port })),
  };
  // A getter, so listing 3,000 entries does not build 3,000 info dictionaries nobody reads.
  return Object.defineProperty(entry, 'infoBytes', { get: () => torrent.infoBytes(), enumerable: false }) as CatalogueEntry;
}
