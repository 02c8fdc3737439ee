/**
 * Ordinary catalogue torrents: what most of the DHT holds (films with subtitles, TV episodes and
 * season packs, distribution ISOs, albums, photo archives, games, datasets, installers). Torrent i
 * draws from its own stream (seed + i), so it is the same torrent whatever the catalogue size, and
 * its files have content ids of their own: no two ordinary torrents share a byte.
 */
import type { SeededRandom } from '../prng.ts';
import type { CatalogueCategory, CatalogueFile, CatalogueTorrentSpec } from './info-dictionary.ts';
import {
  ARTISTS, DATASET_TOPICS, DISTROS, FILM_SOURCES, GAME_WORDS, PLACES, RELEASE_GROUPS, RESOLUTIONS, SOFTWARE, SUBTITLE_LANGUAGES,
  TRACK_WORDS, VIDEO_CODECS, pick, titleOf, twoDigits,
} from './ordinary-names.ts';

const KB = 1024;
const MB = 1024 * KB;

/** Rough shares of the public DHT's torrents by kind; the exact mix does not matter, its variety does. */
const CATEGORY_WEIGHTS: readonly [Exclude<CatalogueCategory, 'model-weights'>, number][] = [
  ['film', 25], ['tv', 20], ['music', 17], ['linux-iso', 8], ['game', 8], ['software', 8], ['photos', 7], ['dataset', 7],
];

interface Draft {
  name: string;
  singleFile: boolean;
  files: { path: string[]; lengthBytes: number }[];
}

/** A size in [minMb, maxMb] MiB plus a ragged tail, as real files have. */
function megabytes(random: SeededRandom, minMb: number, maxMb: number): number {
  return random.nextInt(minMb, maxMb) * MB + random.nextInt(0, MB - 1);
}

function kilobytes(random: SeededRandom, minKb: number, maxKb: number): number {
  return random.nextInt(minKb * KB, maxKb * KB);
}

function film(random: SeededRandom): Draft {
  const base = [...titleOf(random, random.nextInt(1, 3)), String(random.nextInt(1972, 2024)), pick(random, RESOLUTIONS), pick(random, FILM_SOURCES), pick(random, VIDEO_CODECS)].join('.');
  const video = megabytes(random, 1400, 22_000);
  // About a third are the bare .mkv, as in "Some.Film.2019.1080p.BluRay.x264.mkv".
  if (random.chance(0.35)) return { name: `${base}.mkv`, singleFile: true, files: [{ path: [`${base}.mkv`], lengthBytes: video }] };
  const release = `${base}-${pick(random, RELEASE_GROUPS)}`;
  const files = [{ path: [`${release}.mkv`], lengthBytes: video }, { path: [`${release}.en.srt`], lengthBytes: kilobytes(random, 40, 140) }];
  for (const language of SUBTITLE_LANGUAGES.slice(1, random.nextInt(1, 4))) files.push({ path: ['Subs', `${release}.${language}.srt`], lengthBytes: kilobytes(random, 40, 140) });
  if (random.chance(0.5)) files.push({ path: [`${release}.nfo`], lengthBytes: kilobytes(random, 1, 8) });
  return { name: release, singleFile: false, files };
}

function tv(random: SeededRandom): Draft {
  const show = titleOf(random, random.nextInt(1, 3)).join('.');
  const season = random.nextInt(1, 9);
  const tail = `${pick(random, RESOLUTIONS)}.WEB.${pick(random, VIDEO_CODECS)}-${pick(random, RELEASE_GROUPS)}`;
  if (random.chance(0.6)) {
    const name = `${show}.S${twoDigits(season)}E${twoDigits(random.nextInt(1, 13))}.${tail}.mkv`;
    return { name, singleFile: true, files: [{ path: [name], lengthBytes: megabytes(random, 300, 3200) }] };
  }
  const episodes = random.nextInt(6, 13);
  const files = Array.from({ length: episodes }, (_, index) => ({ path: [`${show}.S${twoDigits(season)}E${twoDigits(index + 1)}.${tail}.mkv`], lengthBytes: megabytes(random, 300, 2400) }));
  return { name: `${show}.S${twoDigits(season)}.${tail}`, singleFile: false, files };
}

function linuxIso(random: SeededRandom): Draft {
  const distro = pick(random, DISTROS);
  const name = `${distro.name}-${pick(random, distro.versions)}-${pick(random, distro.editions)}-amd64.iso`;
  return { name, singleFile: true, files: [{ path: [name], lengthBytes: megabytes(random, 400, 4800) }] };
}

function music(random: SeededRandom): Draft {
  const flac = random.chance(0.5);
  const name = `${pick(random, ARTISTS)} - ${titleOf(random, 2).join(' ')} (${random.nextInt(1965, 2024)}) [${flac ? 'FLAC' : 'MP3 320'}]`;
  const tracks = random.nextInt(8, 14);
  const files = Array.from({ length: tracks }, (_, index) => ({
    path: [`${twoDigits(index + 1)} - ${pick(random, TRACK_WORDS)}.${flac ? 'flac' : 'mp3'}`],
    lengthBytes: flac ? megabytes(random, 15, 60) : megabytes(random, 5, 14),
  }));
  files.push({ path: ['cover.jpg'], lengthBytes: kilobytes(random, 100, 2000) });
  if (flac) files.push({ path: [`${name}.log`], lengthBytes: kilobytes(random, 2, 12) });
  return { name, singleFile: false, files };
}

function photos(random: SeededRandom): Draft {
  const place = pick(random, PLACES);
  const year = random.nextInt(2008, 2024);
  const parts = random.nextInt(1, 4);
  if (parts === 1) return { name: `${place}_${year}_photos.zip`, singleFile: true, files: [{ path: [`${place}_${year}_photos.zip`], lengthBytes: megabytes(random, 50, 3000) }] };
  const files = Array.from({ length: parts }, (_, index) => ({ path: [`${place}_${year}_part${index + 1}.zip`], lengthBytes: megabytes(random, 200, 2000) }));
  return { name: `${place} ${year} photos`, singleFile: false, files };
}

function game(random: SeededRandom): Draft {
  const title = `${titleOf(random, random.nextInt(1, 2)).join(' ')} ${pick(random, GAME_WORDS)}`;
  const slug = title.toLowerCase().replaceAll(' ', '_');
  const files = [{ path: ['setup.exe'], lengthBytes: megabytes(random, 2, 10) }];
  const archives = random.nextInt(1, 5);
  // `.bin` archives: the extension older model checkpoints (pytorch_model.bin) also use.
  for (let index = 1; index <= archives; index++) files.push({ path: [`data${index}.bin`], lengthBytes: megabytes(random, 1000, 4000) });
  files.push({ path: ['data', `${slug}.pak`], lengthBytes: megabytes(random, 500, 6000) });
  files.push({ path: ['README.txt'], lengthBytes: kilobytes(random, 1, 6) });
  return { name: title, singleFile: false, files };
}

function dataset(random: SeededRandom): Draft {
  const name = `${pick(random, DATASET_TOPICS)}-${random.nextInt(2019, 2024)}`;
  const shards = random.nextInt(1, 6);
  const files: Draft['files'] = [{ path: ['README.md'], lengthBytes: kilobytes(random, 2, 30) }];
  if (random.chance(0.7)) {
    // Hugging Face's shard naming, like model shards' "-00001-of-00002" but for data.
    for (let index = 0; index < shards; index++) files.push({ path: ['data', `train-${String(index).padStart(5, '0')}-of-${String(shards).padStart(5, '0')}.parquet`], lengthBytes: megabytes(random, 100, 500) });
    files.push({ path: ['data', 'test-00000-of-00001.parquet'], lengthBytes: megabytes(random, 20, 100) });
  } else {
    files.push({ path: ['train.csv'], lengthBytes: megabytes(random, 50, 2000) }, { path: ['test.csv'], lengthBytes: megabytes(random, 10, 300) });
  }
  return { name, singleFile: false, files };
}

function software(random: SeededRandom): Draft {
  const app = pick(random, SOFTWARE);
  const version = `${random.nextInt(1, 24)}.${random.nextInt(0, 9)}.${random.nextInt(0, 20)}`;
  const name = `${app.name}_${version}_x64_setup.${app.extension}`;
  return { name, singleFile: true, files: [{ path: [name], lengthBytes: megabytes(random, 50, 3000) }] };
}

const DRAFTERS: Record<Exclude<CatalogueCategory, 'model-weights'>, (random: SeededRandom) => Draft> = {
  film, tv, 'linux-iso': linuxIso, music, photos, game, dataset, software,
};

function category(random: SeededRandom): Exclude<CatalogueCategory, 'model-weights'> {
  const total = CATEGORY_WEIGHTS.reduce((sum, [, weight]) => sum + weight, 0);
  let draw = random.nextInt(0, total - 1);
  for (const [name, weight] of CATEGORY_WEIGHTS) {
    if (draw < weight) return name;
    draw -= weight;
  }
  return 'film';
}

/** Ordinary torrent `index` of the catalogue for this seed; `random` is its own stream. */
export function ordinaryTorrent(seed: number | string, index: number, random: SeededRandom): CatalogueTorrentSpec {
  const kind = category(random);
  const draft = DRAFTERS[kind](random);
  const files: CatalogueFile[] = draft.files.map((file, fileIndex) => ({ ...file, contentId: `ordinary/${String(seed)}/${index}/${fileIndex}` }));
  return { name: draft.name, singleFile: draft.singleFile, files, kind: 'ordinary', category: kind };
}
