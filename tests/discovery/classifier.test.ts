/** The model-weight classifier: real layouts, near-misses, explainable reasons, and the rules file's validation. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { classify, type ClassifierInput } from '../../collector/discovery/classifier.ts';
import { loadClassifierRules } from '../../collector/discovery/classifier-rules.ts';
import { temporaryFolder } from '../helpers/temporary-folder.ts';

const rules = loadClassifierRules();
const GB = 1e9;

function torrent(name: string, files: [string, number][]): ClassifierInput {
  const list = files.map(([path, length]) => ({ path: files.length === 1 && path === name ? name : `${name}/${path}`, length }));
  return { name, sizeBytes: list.reduce((sum, file) => sum + file.length, 0), files: list };
}

const POSITIVES: [string, ClassifierInput][] = [
  ['sharded safetensors', torrent('Mistral-7B-v0.1', [['model-00001-of-00002.safetensors', 9.9 * GB], ['model-00002-of-00002.safetensors', 4.5 * GB], ['config.json', 571], ['tokenizer.json', 1.8e6], ['tokenizer.model', 493_443]])],
  ['a single GGUF', torrent('llama-2-13b-chat.Q4_K_M.gguf', [['llama-2-13b-chat.Q4_K_M.gguf', 7.87 * GB]])],
  ['Meta\'s consolidated layout', torrent('LLaMA', [['7B/consolidated.00.pth', 13.5 * GB], ['7B/params.json', 101], ['7B/checklist.chk', 100], ['tokenizer.model', 499_723]])],
  ['pytorch_model .bin shards', torrent('falcon-7b', [['pytorch_model-00001-of-00002.bin', 9.95 * GB], ['pytorch_model-00002-of-00002.bin', 4.48 * GB], ['config.json', 1000]])],
  ['a GPTQ folder', torrent('Some-13B-GPTQ', [['model.safetensors', 7.26 * GB], ['quantize_config.json', 200], ['config.json', 800]])],
];

const NEAR_MISSES: [string, ClassifierInput][] = [
  ['a 2 GB film named llama', torrent('Llama.Documentary.2019.1080p.mkv', [['Llama.Documentary.2019.1080p.mkv', 2.09 * GB]])],
  ['an album called Mistral', torrent('Mistral - Wind of Provence (2019) [FLAC]', [['01 - Mistral.flac', 40e6], ['02 - Calanques.flac', 38e6], ['cover.jpg', 2e6]])],
  ['a Linux ISO', torrent('ubuntu-24.04-desktop-amd64.iso', [['ubuntu-24.04-desktop-amd64.iso', 6.1 * GB]])],
  ['"phi" inside a word', torrent('Philosophy Lectures 2020', [['lecture01.pdf', 3e6], ['notes.txt', 1e4]])],
  ['a game with .bin and .pak files', torrent('Some Game v1.2', [['data/level1.bin', 900e6], ['data/assets.pak', 2 * GB], ['game.exe', 50e6]])],
  ['a 40 KB model.pt', torrent('tiny-example', [['model.pt', 40_000], ['train.py', 5000]])],
  ['a dataset named after llama', torrent('llama-instruct-dataset', [['train.parquet', 1.2 * GB], ['test.parquet', 0.1 * GB], ['README.md', 4000]])],
  ['a config.json alone', torrent('some-config', [['config.json', 700]])],
  ['a Falcon episode', torrent('Falcon.and.the.Winter.Soldier.S01E01.1080p.mkv', [['Falcon.and.the.Winter.Soldier.S01E01.1080p.mkv', 3.2 * GB]])],
  ['firmware .bin', torrent('router-firmware', [['firmware.bin', 30e6]])],
];

describe('classifier', () => {
  for (const [what, input] of POSITIVES) {
    it(`scores ${what} as model weights (≥ 0.7)`, () => {
      const result = classify(input, rules);
      assert.ok(result.score >= 0.7, `${result.score}: ${result.reasons.join(' | ')}`);
      assert.ok(result.weightFiles > 0);
    });
  }
  for (const [what, input] of NEAR_MISSES) {
    it(`keeps ${what} below 0.3`, () => {
      const result = classify(input, rules);
      assert.ok(result.score < 0.3, `${result.score}: ${result.reasons.join(' | ')}`);
    });
  }

  it('explains itself: the contributions listed add up to the score (below the clamp), and family and quantisation are named', () => {
    const result = classify(POSITIVES[1]![1], rules);
    const parts = result.reasons.map((reason) => Number(/\(([+-][0-9.]+)\)$/.exec(reason)?.[1]));
    assert.ok(parts.every(Number.isFinite), result.reasons.join(' | '));
    assert.equal(Math.round(parts.reduce((a, b) => a + b, 0) * 100) / 100, result.score);
    assert.equal(result.modelFamily, 'llama');
    assert.equal(result.quantisation, 'Q4_K_M');
    const capped = classify(NEAR_MISSES[6]![1], rules);
    assert.equal(capped.score, 0.15);
    assert.ok(capped.reasons.some((reason) => /family "llama"/.test(reason)));
  });

  it('matches family names as whole words, versions glued on allowed', () => {
    assert.equal(classify(torrent('qwen2-7b-instruct-q4_k_m.gguf', [['qwen2-7b-instruct-q4_k_m.gguf', 4.7 * GB]]), rules).modelFamily, 'qwen');
    assert.equal(classify(torrent('Philosophy', [['x.safetensors', 2 * GB]]), rules).modelFamily, null);
  });

  it('bounds the text hostile names are matched on', () => {
    const result = classify(torrent('a'.repeat(100_000), [['b'.repeat(100_000), 1]]), rules);
    assert.equal(result.score, 0);
  });
});

describe('classifier rules file', () => {
  const folder = temporaryFolder('swarmscope-rules-');
  const file = (name: string, content: unknown): string => {
    const path = join(folder, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };

  it('extends with a new family, overrides a shipped weight by id, and disables a rule', () => {
    const custom = loadClassifierRules(
      file('custom.json', {
        rules: [
          { id: 'family.extra', kind: 'family-name', names: ['zephyrine'], weight: 0.2, why: 'a model our lab tracks' },
          { id: 'size.large', weight: 0.3 },
          { id: 'quantisation.markers', enabled: false },
        ],
      }),
    );
    const input = torrent('zephyrine-7b.Q4_K_M.gguf', [['zephyrine-7b.Q4_K_M.gguf', 4 * GB]]);
    const result = classify(input, custom);
    assert.equal(result.modelFamily, 'zephyrine');
    assert.equal(result.quantisation, null);
    assert.ok(result.reasons.some((reason) => reason.includes('(+0.3)') && reason.startsWith('size')));
    assert.equal(classify(input, rules).quantisation, 'Q4_K_M', 'the shipped rules are unchanged');
  });

  const errors: [string, unknown, RegExp][] = [
    ['not JSON', '{ rules: ', /not JSON/],
    ['a bad regular expression', { rules: [{ id: 'x', kind: 'weight-file', pattern: '(unclosed', weight: 0.5 }] }, /rules\[0\]\.pattern is not a valid regular expression/],
    ['a weight out of range', { rules: [{ id: 'x', kind: 'weight-file', pattern: 'a', weight: 3 }] }, /rules\[0\]\.weight must be a number in \[-1, 1\]/],
    ['an unknown kind', { rules: [{ id: 'x', kind: 'vibes', pattern: 'a', weight: 0.1 }] }, /rules\[0\]\.kind must be one of weight-file/],
    ['a duplicate id', { rules: [{ id: 'x', kind: 'quantisation', pattern: 'a', weight: 0.1 }, { id: 'x', kind: 'quantisation', pattern: 'b', weight: 0.1 }] }, /id "x"\) appears twice/],
    ['a missing pattern', { rules: [{ id: 'x', kind: 'layout-file', weight: 0.1 }] }, /rules\[0\]\.pattern must be a regular expression/],
    ['an unknown key', { rules: [{ id: 'x', kind: 'quantisation', pattern: 'a', weight: 0.1, colour: 'red' }] }, /rules\[0\]\.colour is not a known key/],
    ['a bad setting', { settings: { noWeightCap: 2 } }, /settings\.noWeightCap must be in \[0, 1\]/],
    ['bad family names', { rules: [{ id: 'x', kind: 'family-name', names: ['ok', 'not ok!'], weight: 0.1 }] }, /rules\[0\]\.names must be a non-empty list/],
  ];
  for (const [what, content, message] of errors) {
    it(`refuses ${what}, naming the file and the place`, () => {
      const path = file(`${what.replace(/\W+/g, '-')}.json`, content);
      assert.throws(() => loadClassifierRules(path), (error: Error & { code?: string }) => error.code === 'invalid_config' && message.test(error.message) && error.message.includes(path));
    });
  }
  it('refuses a missing file', () => {
    assert.throws(() => loadClassifierRules(join(folder, 'absent.json')), /cannot be read/);
  });
});
