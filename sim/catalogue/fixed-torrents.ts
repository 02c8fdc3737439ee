/**
 * The catalogue entries that are always there, whatever the seed, with the same infohashes: the
 * model-like torrents discovery must find and the look-alikes it must not be fooled by.
 *
 * - `llama-documentary`: an ordinary 2 GB film whose name says "llama" (not a model).
 * - `mistral-7b-safetensors`: Hugging Face layout, two safetensors shards + config and tokenizer.
 * - `llama-2-13b-chat-gguf`: one quantised GGUF file (llama.cpp), a single-file torrent.
 * - `llama-original`: the March 2023 LLaMA leak layout (`consolidated.NN.pth`, `params.json`,
 *   `checklist.chk`, `tokenizer.model`), 7B and 13B. Its first file starts at offset 0, so on a piece
 *   boundary.
 * - `llama-repack`: the same files with the same bytes (same content ids) under another folder
 *   name, plus a README.md at the end: another infohash, the same lineage. The model files sit at
 *   the same offsets, so every piece before the README is shared with `llama-original`, including
 *   those of the piece-aligned `7B/consolidated.00.pth`; names and lengths match too.
 * - `qwen2-gguf`: an unrelated model (another lineage) that shares no file with LLaMA.
 *
 * File sizes are those of the published files (or close to them); nothing is ever generated.
 */
import type { CatalogueFile, CatalogueTorrentSpec } from './info-dictionary.ts';

export const FIXED_CATALOGUE_KEYS = ['llama-documentary', 'mistral-7b-safetensors', 'llama-2-13b-chat-gguf', 'llama-original', 'llama-repack', 'qwen2-gguf'] as const;
export type FixedCatalogueKey = (typeof FIXED_CATALOGUE_KEYS)[number];

export interface FixedTorrentSpec extends CatalogueTorrentSpec {
  key: FixedCatalogueKey;
}

function file(path: string, lengthBytes: number, contentId: string): CatalogueFile {
  return { path: path.split('/'), lengthBytes, contentId };
}

/** The LLaMA weights as leaked: content ids name the weights, not the torrent, so a re-pack shares them. */
const LLAMA_FILES: readonly CatalogueFile[] = [
  file('7B/consolidated.00.pth', 13_476_925_163, 'llama-1/7B/consolidated.00.pth'),
  file('7B/params.json', 101, 'llama-1/7B/params.json'),
  file('7B/checklist.chk', 100, 'llama-1/7B/checklist.chk'),
  file('13B/consolidated.00.pth', 13_016_334_699, 'llama-1/13B/consolidated.00.pth'),
  file('13B/consolidated.01.pth', 13_016_334_699, 'llama-1/13B/consolidated.01.pth'),
  file('13B/params.json', 101, 'llama-1/13B/params.json'),
  file('13B/checklist.chk', 154, 'llama-1/13B/checklist.chk'),
  file('tokenizer.model', 499_723, 'llama-1/tokenizer.model'),
  file('tokenizer_checklist.chk', 50, 'llama-1/tokenizer_checklist.chk'),
];

function singleFile(name: string, lengthBytes: number, contentId: string): Pick<CatalogueTorrentSpec, 'name' | 'singleFile' | 'files'> {
  return { name, singleFile: true, files: [{ path: [name], lengthBytes, contentId }] };
}

export const FIXED_TORRENTS: readonly FixedTorrentSpec[] = [
  {
    key: 'llama-documentary',
    ...singleFile('Llama.Documentary.2019.1080p.mkv', 2_094_211_072, 'film/llama-documentary-2019.mkv'),
    kind: 'ordinary',
    category: 'film',
  },
  {
    key: 'mistral-7b-safetensors',
    name: 'Mistral-7B-v0.1',
    singleFile: false,
    files: [
      file('model-00001-of-00002.safetensors', 9_942_981_696, 'mistral-7b-v0.1/model-00001-of-00002.safetensors'),
      file('model-00002-of-00002.safetensors', 4_540_516_344, 'mistral-7b-v0.1/model-00002-of-00002.safetensors'),
      file('config.json', 571, 'mistral-7b-v0.1/config.json'),
      file('tokenizer.json', 1_795_303, 'mistral-7b-v0.1/tokenizer.json'),
      file('tokenizer.model', 493_443, 'mistral-7b-v0.1/tokenizer.model'),
    ],
    kind: 'model',
    category: 'model-weights',
    lineage: 'mistral-7b',
  },
  {
    key: 'llama-2-13b-chat-gguf',
    ...singleFile('llama-2-13b-chat.Q4_K_M.gguf', 7_865_956_224, 'llama-2-13b-chat/Q4_K_M.gguf'),
    kind: 'model',
    category: 'model-weights',
    lineage: 'llama-2',
  },
  { key: 'llama-original', name: 'LLaMA', singleFile: false, files: [...LLAMA_FILES], kind: 'model', category: 'model-weights', lineage: 'llama-1' },
  {
    key: 'llama-repack',
    name: 'llama-weights-7b-13b',
    singleFile: false,
    files: [...LLAMA_FILES, file('README.md', 2_315, 'llama-repack/README.md')],
    kind: 'model',
    category: 'model-weights',
    lineage: 'llama-1',
  },
  {
    key: 'qwen2-gguf',
    ...singleFile('qwen2-7b-instruct-q4_k_m.gguf', 4_683_073_536, 'qwen2-7b-instruct/q4_k_m.gguf'),
    kind: 'model',
    category: 'model-weights',
    lineage: 'qwen2',
  },
];
