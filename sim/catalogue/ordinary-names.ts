/**
 * Words the ordinary catalogue torrents are named from, in the shapes such torrents have on the
 * public DHT (scene-style film and TV releases, distribution ISOs, albums, games, datasets,
 * installers). None of them names a model or a model format: look-alikes are in fixed-torrents.ts,
 * on purpose and by name.
 */
import type { SeededRandom } from '../prng.ts';

export const TITLE_WORDS = [
  'Silent', 'River', 'Midnight', 'Harbor', 'Glass', 'Empire', 'Winter', 'Garden', 'Iron', 'Echo', 'Lost', 'Summer',
  'Paper', 'Kingdom', 'Crimson', 'Horizon', 'Shadow', 'Northern', 'Lights', 'Broken', 'Arrow', 'Desert', 'Storm', 'Golden',
  'Hour', 'Last', 'Train', 'Ocean', 'Drive', 'Hidden', 'Valley', 'Wild', 'Heart', 'Stone', 'City', 'Blue', 'Moon', 'Fire',
  'Road', 'Dark', 'Water', 'Night', 'Falcon', 'Secret', 'Island', 'Velvet', 'Thunder', 'Quiet', 'Station', 'Copper',
] as const;

export const RELEASE_GROUPS = ['SPARKS', 'GECKOS', 'NTb', 'FLUX', 'RARBG', 'YIFY', 'AMIABLE', 'EDITH', 'CAKES', 'SuccessfulCrab', 'playWEB', 'NOGRP'] as const;
export const RESOLUTIONS = ['720p', '1080p', '1080p', '2160p'] as const;
export const FILM_SOURCES = ['BluRay', 'WEB-DL', 'WEBRip', 'HDTV'] as const;
export const VIDEO_CODECS = ['x264', 'x265', 'HEVC', 'h264'] as const;
export const SUBTITLE_LANGUAGES = ['en', 'fr', 'de', 'es', 'pt', 'it', 'nl', 'pl'] as const;

export const DISTROS = [
  { name: 'ubuntu', versions: ['20.04.6', '22.04.3', '23.10.1', '24.04'], editions: ['desktop', 'live-server'] },
  { name: 'debian', versions: ['11.8.0', '12.2.0', '12.4.0'], editions: ['DVD-1', 'netinst', 'live-gnome'] },
  { name: 'Fedora-Workstation-Live', versions: ['38-1.6', '39-1.5', '40-1.14'], editions: ['x86_64'] },
  { name: 'linuxmint', versions: ['21.2', '21.3'], editions: ['cinnamon', 'mate', 'xfce'] },
  { name: 'kali-linux', versions: ['2023.4', '2024.1'], editions: ['installer', 'live'] },
  { name: 'archlinux', versions: ['2024.01.01', '2024.02.01'], editions: ['x86_64'] },
  { name: 'manjaro-kde', versions: ['23.1.3'], editions: ['minimal'] },
  { name: 'Rocky', versions: ['9.3', '8.9'], editions: ['x86_64-dvd', 'x86_64-minimal'] },
] as const;

export const ARTISTS = ['The Paper Kites', 'Nightly Echo', 'Marta Lind', 'Copper Foxes', 'Blue Harbor', 'Ines Moreau', 'Northern Wires', 'Sol Avenue', 'The Quiet Hours', 'Kaito Mori'] as const;
export const TRACK_WORDS = ['Intro', 'Home', 'Tides', 'Runaway', 'Neon', 'Letters', 'Afterglow', 'Satellites', 'Fever', 'Lanterns', 'Outro', 'Halcyon', 'Weather', 'Mirrors'] as const;

export const PLACES = ['Lisbon', 'Kyoto', 'Patagonia', 'Iceland', 'Tuscany', 'Yosemite', 'Norway', 'Morocco', 'Vietnam', 'Scotland'] as const;

export const GAME_WORDS = ['Chronicles', 'Legends', 'Tactics', 'Odyssey', 'Frontier', 'Requiem', 'Dominion', 'Ascension'] as const;

export const DATASET_TOPICS = ['street-scenes', 'bird-calls', 'retail-sales', 'weather-stations', 'taxi-trips', 'news-headlines', 'product-reviews', 'satellite-tiles'] as const;

export const SOFTWARE = [
  { name: 'OfficeSuite', extension: 'exe' },
  { name: 'PhotoStudio', extension: 'exe' },
  { name: 'VideoForge', extension: 'msi' },
  { name: 'SoundDesk', extension: 'dmg' },
  { name: 'CadMaster', extension: 'exe' },
  { name: 'DevTools', extension: 'msi' },
] as const;

export function pick<T>(random: SeededRandom, items: readonly T[]): T {
  return items[random.nextInt(0, items.length - 1)]!;
}

export function titleOf(random: SeededRandom, words: number): string[] {
  return Array.from({ length: words }, () => pick(random, TITLE_WORDS));
}

export function twoDigits(value: number): string {
  return String(value).padStart(2, '0');
}
