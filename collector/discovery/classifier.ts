/**
 * An explainable classifier of torrents as model weights. Evidence, each a rule of
 * classifier-rules.json: weight files (a format only weights use, at least a size floor, most of
 * the bytes), the layout around them (shards, params.json, tokenizer), their total size, a model
 * family's name, a quantisation marker, and, against, bytes that are mostly video, audio, disc
 * images or software. The score is the sum of the contributions, clamped to [0, 1]; without any
 * weight file it is capped (a name alone never makes a model). Each contribution is one reason,
 * so a reader sees exactly why a torrent was flagged.
 */
import type { ClassifierRule, ClassifierRules } from './classifier-rules.ts';

/** Names and paths are cut to this before any pattern runs: real names are shorter, hostile ones are not. */
const MAX_MATCHED_CHARS = 255;
/** Files examined per torrent; a torrent of more files is judged on its largest ones. */
const MAX_FILES_EXAMINED = 5_000;

export interface ClassifierInput {
  name: string;
  sizeBytes: number;
  files: readonly { path: string; length: number }[];
}

export interface Classification {
  score: number;
  reasons: string[];
  modelFamily: string | null;
  quantisation: string | null;
  /** Files counted as weights. */
  weightFiles: number;
}

const round2 = (value: number): number => Math.round(value * 100) / 100;
const signed = (value: number): string => (value >= 0 ? `+${round2(value)}` : `${round2(value)}`);

function gigabytes(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${(bytes / 1e6).toFixed(1)} MB`;
}

function baseName(path: string): string {
  return (path.split('/').pop() ?? path).slice(-MAX_MATCHED_CHARS);
}

/** Words of the name and paths, lowercased, joined by "-" and framed by "-" so a family name matches whole words only. */
function wordString(input: ClassifierInput): string {
  const texts = [input.name, ...input.files.slice(0, 200).map((file) => file.path)].map((text) => text.slice(0, MAX_MATCHED_CHARS).toLowerCase());
  return `-${texts.flatMap((text) => text.split(/[^a-z0-9]+/).filter(Boolean)).join('-')}-`;
}

/** A family name as whole words, allowing a version glued on (llama2, qwen2, phi3). */
function findFamily(words: string, names: readonly string[]): string | null {
  for (const name of names) {
    if (new RegExp(`-${name}(\\d+[a-z]?)?-`).test(words)) return name;
  }
  return null;
}

export function classify(input: ClassifierInput, rules: ClassifierRules): Classification {
  const { settings } = rules;
  const active = rules.rules.filter((rule) => rule.enabled);
  const byKind = (kind: ClassifierRule['kind']): ClassifierRule[] => active.filter((rule) => rule.kind === kind);
  const files = [...input.files].sort((a, b) => b.length - a.length).slice(0, MAX_FILES_EXAMINED);
  const totalBytes = Math.max(1, files.reduce((sum, file) => sum + Math.max(0, file.length), 0));
  const contributions: { value: number; reason: string }[] = [];

  // Weight files: the strongest evidence; one contribution, named after the first rule that matched
  // (largest file first) and counting every file any weight rule accepts.
  const weightRules = byKind('weight-file');
  let weightFiles = 0;
  let weightBytes = 0;
  let first: { rule: ClassifierRule; path: string } | undefined;
  for (const file of files) {
    if (file.length < settings.minWeightFileBytes) continue;
    const rule = weightRules.find((candidate) => candidate.pattern!.test(baseName(file.path)));
    if (!rule) continue;
    weightFiles++;
    weightBytes += file.length;
    first ??= { rule, path: file.path };
  }
  if (first) {
    const share = weightBytes / totalBytes;
    const value = share >= settings.weightByteShare ? first.rule.weight : first.rule.weight / 2;
    contributions.push({ value, reason: `${weightFiles} weight file${weightFiles === 1 ? '' : 's'} (e.g. ${baseName(first.path)}), ${gigabytes(weightBytes)}, ${Math.round(share * 100)}% of the bytes: ${first.rule.why} (${signed(value)})` });
  }

  if (weightFiles > 0) {
    for (const rule of byKind('layout-file')) {
      const match = files.find((file) => rule.pattern!.test(baseName(file.path)));
      if (match) contributions.push({ value: rule.weight, reason: `layout: ${baseName(match.path)} — ${rule.why} (${signed(rule.weight)})` });
    }
    for (const rule of byKind('large-total')) {
      if (weightBytes >= rule.minBytes!) contributions.push({ value: rule.weight, reason: `size: ${gigabytes(weightBytes)} of weights — ${rule.why} (${signed(rule.weight)})` });
    }
  }

  const words = wordString(input);
  let modelFamily: string | null = null;
  for (const rule of byKind('family-name')) {
    const family = findFamily(words, rule.names!);
    if (family) {
      modelFamily ??= family;
      contributions.push({ value: rule.weight, reason: `name mentions model family "${family}" — ${rule.why} (${signed(rule.weight)})` });
      break;
    }
  }

  let quantisation: string | null = null;
  const texts = [input.name, ...files.slice(0, 200).map((file) => file.path)].map((text) => text.slice(0, MAX_MATCHED_CHARS));
  for (const rule of byKind('quantisation')) {
    const hit = texts.map((text) => rule.pattern!.exec(text)).find((match) => match !== null);
    if (hit) {
      quantisation ??= hit[0].toUpperCase();
      contributions.push({ value: rule.weight, reason: `quantisation marker ${hit[0].toUpperCase()} — ${rule.why} (${signed(rule.weight)})` });
      break;
    }
  }

  for (const rule of byKind('not-weights')) {
    const bytes = files.filter((file) => rule.pattern!.test(baseName(file.path))).reduce((sum, file) => sum + file.length, 0);
    if (bytes / totalBytes >= settings.notWeightsByteShare) {
      contributions.push({ value: rule.weight, reason: `${Math.round((bytes / totalBytes) * 100)}% of the bytes are ${rule.why.replace(/^mostly /, '')} (${signed(rule.weight)})` });
    }
  }

  const sum = contributions.reduce((total, contribution) => total + contribution.value, 0);
  const reasons = contributions.map((contribution) => contribution.reason);
  let score = Math.min(1, Math.max(0, sum));
  if (weightFiles === 0 && score > settings.noWeightCap) {
    score = settings.noWeightCap;
    reasons.push(`no weight file of at least ${gigabytes(settings.minWeightFileBytes)}: names alone are not enough (capped at ${settings.noWeightCap})`);
  }
  if (contributions.length === 0) reasons.push('no evidence of model weights');
  return { score: round2(score), reasons, modelFamily, quantisation, weightFiles };
}
