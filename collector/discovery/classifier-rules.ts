/**
 * The classifier's rules: the shipped file (classifier-rules.json) and, with `--classifier-rules`, a
 * user file of the same shape that extends or overrides it. Every problem is reported with the file,
 * the JSON path and what is wrong, as `invalid_config` (bad input: nothing starts). Patterns are
 * compiled once, case-insensitively; their length is bounded, and so is the text they run on
 * (classifier.ts), which keeps a pathological pattern from stalling the crawler for long.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SwarmscopeError, describeError } from '../../core/errors.ts';

export const SHIPPED_RULES_PATH = fileURLToPath(new URL('./classifier-rules.json', import.meta.url));
export const RULE_KINDS = ['weight-file', 'layout-file', 'large-total', 'family-name', 'quantisation', 'not-weights'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];
const MAX_PATTERN_CHARS = 500;
const MAX_RULES = 1000;

export interface ClassifierRule {
  id: string;
  kind: RuleKind;
  weight: number;
  why: string;
  enabled: boolean;
  pattern?: RegExp;
  /** family-name: lowercase names, words separated by `-`. */
  names?: string[];
  /** large-total: bytes of weight files at least this. */
  minBytes?: number;
}

export interface ClassifierSettings {
  /** A weight-format file smaller than this is not counted as weights (a 40 KB model.pt is a toy). */
  minWeightFileBytes: number;
  /** Weight files must be at least this share of the bytes for the full weight-file score (else half). */
  weightByteShare: number;
  /** Without any weight file the score is capped here: names alone never make a model. */
  noWeightCap: number;
  /** A not-weights rule applies when its files are at least this share of the bytes. */
  notWeightsByteShare: number;
}

export interface ClassifierRules {
  settings: ClassifierSettings;
  rules: ClassifierRule[];
}

type RawRule = Record<string, unknown>;
interface RawFile {
  settings: Partial<ClassifierSettings>;
  rules: RawRule[];
}

const RULE_KEYS = new Set(['id', 'kind', 'pattern', 'names', 'minBytes', 'weight', 'why', 'enabled']);
const SETTING_KEYS: (keyof ClassifierSettings)[] = ['minWeightFileBytes', 'weightByteShare', 'noWeightCap', 'notWeightsByteShare'];

function fail(source: string, path: string, message: string): never {
  throw new SwarmscopeError('invalid_config', `classifier rules ${source}: ${path} ${message}`);
}

function readRawFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new SwarmscopeError('invalid_config', `classifier rules ${path}: cannot be read (${describeError(error)})`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new SwarmscopeError('invalid_config', `classifier rules ${path}: not JSON (${describeError(error)})`);
  }
}

/** Checks the shape of a rules document; returns it with nothing compiled yet. */
function checkRawFile(json: unknown, source: string): RawFile {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) fail(source, '(top level)', 'must be an object with "rules" (and optionally "settings")');
  const document = json as Record<string, unknown>;
  for (const key of Object.keys(document)) if (!['$comment', 'settings', 'rules'].includes(key)) fail(source, key, 'is not a known key (settings, rules)');
  const settings = document.settings ?? {};
  if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) fail(source, 'settings', 'must be an object');
  for (const [key, value] of Object.entries(settings)) {
    if (!SETTING_KEYS.includes(key as keyof ClassifierSettings)) fail(source, `settings.${key}`, `is not a known setting (${SETTING_KEYS.join(', ')})`);
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) fail(source, `settings.${key}`, 'must be a number ≥ 0');
    if (key !== 'minWeightFileBytes' && value > 1) fail(source, `settings.${key}`, 'must be in [0, 1]');
  }
  const rules = document.rules ?? [];
  if (!Array.isArray(rules)) fail(source, 'rules', 'must be an array');
  if (rules.length > MAX_RULES) fail(source, 'rules', `has ${rules.length} entries, more than ${MAX_RULES}`);
  rules.forEach((rule, index) => {
    if (typeof rule !== 'object' || rule === null || Array.isArray(rule)) fail(source, `rules[${index}]`, 'must be an object');
    for (const key of Object.keys(rule as RawRule)) if (!RULE_KEYS.has(key)) fail(source, `rules[${index}].${key}`, `is not a known key (${[...RULE_KEYS].join(', ')})`);
    const id = (rule as RawRule).id;
    if (typeof id !== 'string' || !/^[a-z0-9][a-z0-9._-]{0,63}$/i.test(id)) fail(source, `rules[${index}].id`, 'must be a name of letters, digits, ".", "_" or "-" (at most 64)');
  });
  const ids = rules.map((rule) => (rule as RawRule).id as string);
  const duplicate = ids.find((id, index) => ids.indexOf(id) !== index);
  if (duplicate) fail(source, `rules (id "${duplicate}")`, 'appears twice');
  return { settings: settings as Partial<ClassifierSettings>, rules: rules as RawRule[] };
}

function compileRule(raw: RawRule, source: string, where: string): ClassifierRule {
  const kind = raw.kind as RuleKind;
  if (!RULE_KINDS.includes(kind)) fail(source, `${where}.kind`, `must be one of ${RULE_KINDS.join(', ')}, got ${JSON.stringify(raw.kind)}`);
  const weight = raw.weight;
  if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < -1 || weight > 1) fail(source, `${where}.weight`, `must be a number in [-1, 1], got ${JSON.stringify(weight)}`);
  if (raw.enabled !== undefined && typeof raw.enabled !== 'boolean') fail(source, `${where}.enabled`, 'must be true or false');
  if (raw.why !== undefined && typeof raw.why !== 'string') fail(source, `${where}.why`, 'must be a string');
  const rule: ClassifierRule = { id: raw.id as string, kind, weight, why: (raw.why as string | undefined) ?? '', enabled: raw.enabled !== false };
  if (kind === 'family-name') {
    const names = raw.names;
    if (!Array.isArray(names) || names.length === 0 || names.some((name) => typeof name !== 'string' || !/^[a-z0-9]+(-[a-z0-9]+)*$/i.test(name))) {
      fail(source, `${where}.names`, 'must be a non-empty list of names such as "llama" or "stable-diffusion" (letters and digits, words joined by "-")');
    }
    rule.names = (names as string[]).map((name) => name.toLowerCase());
  } else if (kind === 'large-total') {
    if (typeof raw.minBytes !== 'number' || !Number.isSafeInteger(raw.minBytes) || raw.minBytes < 1) fail(source, `${where}.minBytes`, 'must be a whole number of bytes ≥ 1');
    rule.minBytes = raw.minBytes;
  } else {
    const pattern = raw.pattern;
    if (typeof pattern !== 'string' || pattern.length === 0 || pattern.length > MAX_PATTERN_CHARS) fail(source, `${where}.pattern`, `must be a regular expression of 1 to ${MAX_PATTERN_CHARS} characters`);
    try {
      rule.pattern = new RegExp(pattern, 'i');
    } catch (error) {
      fail(source, `${where}.pattern`, `is not a valid regular expression: ${describeError(error)}`);
    }
  }
  return rule;
}

/** Shipped rules merged with a user document: same id = override of the fields given; new id = added. */
export function mergeClassifierRules(shipped: unknown, user: unknown | undefined, userSource = 'user rules'): ClassifierRules {
  const base = checkRawFile(shipped, SHIPPED_RULES_PATH);
  const extra = user === undefined ? { settings: {}, rules: [] } : checkRawFile(user, userSource);
  const merged = new Map(base.rules.map((rule) => [rule.id as string, { raw: rule, source: SHIPPED_RULES_PATH, where: '' }]));
  extra.rules.forEach((rule, index) => {
    const previous = merged.get(rule.id as string);
    merged.set(rule.id as string, { raw: { ...(previous?.raw ?? {}), ...rule }, source: userSource, where: `rules[${index}]` });
  });
  const rules = [...merged.values()].map(({ raw, source, where }, index) => compileRule(raw, source, where || `rules[${index}]`));
  const defaults: ClassifierSettings = { minWeightFileBytes: 10_000_000, weightByteShare: 0.5, noWeightCap: 0.25, notWeightsByteShare: 0.5 };
  return { settings: { ...defaults, ...base.settings, ...extra.settings }, rules };
}

/** The shipped rules, extended or overridden by `userFile` when given. */
export function loadClassifierRules(userFile?: string): ClassifierRules {
  const shipped = readRawFile(SHIPPED_RULES_PATH);
  return mergeClassifierRules(shipped, userFile === undefined ? undefined : readRawFile(userFile), userFile);
}
