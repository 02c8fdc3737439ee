/**
 * `POST /api/v1/alerts` bodies to rules, and rules back to JSON. The schema checks types; this
 * checks what depends on the kind (a threshold needs a metric and a value, a growth rule a window
 * and a percent, and neither takes mirror fields), with messages that name the field to fix.
 */
import { formatDurationMs, parseDurationMs } from '../../core/duration.ts';
import { SwarmscopeError } from '../../core/errors.ts';
import { parseInfohash } from '../../core/infohash.ts';
import type { AlertKind, AlertRule, MirrorChange, NewAlertRule, ThresholdOp } from '../../store/state/alert-rules-repo.ts';
import type { SwarmMetric, TorrentRegistry } from '../../store/types.ts';

export interface AlertRuleInput {
  kind: AlertKind;
  infohash?: string;
  familyId?: string;
  metric?: SwarmMetric;
  op?: ThresholdOp;
  value?: number;
  window?: string;
  percent?: number;
  hysteresis?: number;
  mirrorId?: string;
  changes?: MirrorChange[];
  label?: string;
}

type Field = Exclude<keyof AlertRuleInput, 'kind' | 'label'>;

/** The fields each kind takes; `required` ones must be present. */
const FIELDS: Record<AlertKind, { required: Field[]; optional: Field[] }> = {
  threshold: { required: ['metric', 'value'], optional: ['infohash', 'familyId', 'op', 'hysteresis'] },
  growth: { required: ['metric', 'window', 'percent'], optional: ['infohash', 'familyId', 'hysteresis'] },
  mirror: { required: [], optional: ['mirrorId', 'changes'] },
  discovery: { required: [], optional: [] },
  metadata: { required: [], optional: ['infohash'] },
};

/** A growth window shorter than this compares a sweep with itself. */
const MIN_WINDOW_MS = 1_000;

export function parseAlertRuleInput(input: AlertRuleInput, registry: TorrentRegistry, familyExists: (id: string) => boolean = () => false): NewAlertRule {
  const allowed = FIELDS[input.kind];
  const given = (Object.keys(input) as (keyof AlertRuleInput)[]).filter((key) => key !== 'kind' && key !== 'label' && input[key] !== undefined) as Field[];
  const missing = allowed.required.filter((field) => input[field] === undefined);
  if (missing.length > 0) {
    throw new SwarmscopeError('invalid_request', `${input.kind} rules need ${missing.map((field) => `body/${field}`).join(' and ')}`);
  }
  const extra = given.filter((field) => !allowed.required.includes(field) && !allowed.optional.includes(field));
  if (extra.length > 0) {
    throw new SwarmscopeError('invalid_request', `${extra.map((field) => `body/${field}`).join(' and ')} ${extra.length > 1 ? 'are' : 'is'} not used by ${input.kind} rules`);
  }

  let infohash: string | null = null;
  if (input.infohash !== undefined) {
    infohash = parseInfohash(input.infohash);
    if (!registry.get(infohash)) throw new SwarmscopeError('not_found', `torrent ${infohash} is not on the watchlist; add it first (POST /api/v1/torrents)`);
  }
  if (input.familyId !== undefined) {
    if (infohash !== null) throw new SwarmscopeError('invalid_request', 'give body/infohash or body/familyId, not both: a family rule watches every torrent of the family');
    if (!familyExists(input.familyId)) throw new SwarmscopeError('not_found', `no family ${input.familyId} (GET /api/v1/families lists them)`);
  }
  let windowMs: number | null = null;
  if (input.window !== undefined) {
    windowMs = parseDurationMs(input.window, 'body/window', { errorCode: 'invalid_request' });
    if (windowMs < MIN_WINDOW_MS) throw new SwarmscopeError('invalid_request', 'body/window must be at least 1s, e.g. 24h');
  }
  if (input.percent === 0) throw new SwarmscopeError('invalid_request', 'body/percent must not be 0: use e.g. 50 for +50% or -30 for a drop of 30%');

  return {
    kind: input.kind,
    infohash,
    familyId: input.familyId ?? null,
    metric: input.metric ?? null,
    op: input.kind === 'threshold' ? (input.op ?? '>') : null,
    value: input.value ?? null,
    windowMs,
    percent: input.percent ?? null,
    hysteresis: input.hysteresis ?? null,
    mirrorId: input.mirrorId ?? null,
    mirrorEvents: input.changes ? [...new Set(input.changes)] : [],
    label: input.label ?? null,
  };
}

export interface AlertRuleJson {
  id: string;
  kind: AlertKind;
  infohash: string | null;
  familyId: string | null;
  metric: string | null;
  op: ThresholdOp | null;
  value: number | null;
  window: string | null;
  percent: number | null;
  hysteresis: number | null;
  mirrorId: string | null;
  changes: MirrorChange[];
  label: string | null;
  createdAt: string;
}

export function alertRuleJson(rule: AlertRule): AlertRuleJson {
  return {
    id: rule.id,
    kind: rule.kind,
    infohash: rule.infohash,
    familyId: rule.familyId,
    metric: rule.metric,
    op: rule.op,
    value: rule.value,
    window: rule.windowMs === null ? null : formatDurationMs(rule.windowMs),
    percent: rule.percent,
    hysteresis: rule.hysteresis,
    mirrorId: rule.mirrorId,
    changes: rule.mirrorEvents,
    label: rule.label,
    createdAt: new Date(rule.createdAtMs).toISOString(),
  };
}
