/**
 * Threshold and growth rules over swarm samples. Works through the SeriesStore contract only
 * (latestSamples + raw querySeries), so it evaluates the same whether the collector runs in this
 * process or another, against SQLite or InfluxDB. Per rule and torrent it reads the samples newer
 * than the persisted watermark, walks them in time order (every sweep is evaluated, even if several
 * arrived since the last pass) and commits the events, their outbox rows and the new watermark in
 * one transaction — which re-checks the watermark, so a second evaluator never fires twice.
 */
import type { AlertRule } from '../../store/state/alert-rules-repo.ts';
import type { AlertingState } from '../../store/state/alerting-state.ts';
import { createFamiliesRepo } from '../../store/state/families-repo.ts';
import type { NewAlertEvent } from '../../store/state/event-log-repo.ts';
import type { RuleSubjectState } from '../../store/state/alert-state-repo.ts';
import { stableId } from '../../store/state/state-ids.ts';
import type { SeriesPoint, SeriesStore, TorrentRegistry } from '../../store/types.ts';
import { changePercent, defaultBand, growthBaseline, growthOp, stepCrossing } from './crossing.ts';
import { eventBody } from './event-types.ts';

/** Samples read per rule and torrent per pass; a backlog beyond it is worked off over several passes. */
export const MAX_SAMPLES_PER_PASS = 10_000;

export interface SeriesRulesContext {
  state: AlertingState;
  series: SeriesStore;
  registry: TorrentRegistry;
  nowMs: number;
}

interface Walk {
  next: RuleSubjectState;
  events: NewAlertEvent[];
}

/** Evaluates every threshold and growth rule on new samples; returns the events stored. */
export async function evaluateSeriesRules(context: SeriesRulesContext): Promise<NewAlertEvent[]> {
  const rules = context.state.rules.listByKinds(['threshold', 'growth']);
  if (rules.length === 0) return [];
  const families = createFamiliesRepo(context.state.db);
  // A family rule follows the family as it is now: members attached later are watched from then on.
  const membersOf = (rule: AlertRule): string[] | null => (rule.familyId ? (families.get(rule.familyId)?.torrents ?? []) : rule.infohash ? [rule.infohash] : null);
  const everyTorrent = rules.some((rule) => membersOf(rule) === null);
  const scoped = [...new Set(rules.flatMap((rule) => membersOf(rule) ?? []))];
  const latest = await context.series.latestSamples(everyTorrent ? undefined : scoped);
  const stored: NewAlertEvent[] = [];
  for (const rule of rules) {
    const subjects = membersOf(rule) ?? [...latest.keys()];
    for (const infohash of subjects) {
      const newestMs = latest.get(infohash)?.atMs;
      if (newestMs === undefined) continue;
      const prior = context.state.evaluation.get(rule.id, infohash) ?? { armed: true, evaluatedToMs: rule.createdAtMs };
      if (newestMs <= prior.evaluatedToMs) continue;
      const walk = walkRule(rule, infohash, prior, await readPoints(context.series, rule, infohash, prior, newestMs), newestMs, context);
      if (commit(context, rule, infohash, prior, walk)) stored.push(...walk.events);
    }
  }
  return stored;
}

async function readPoints(series: SeriesStore, rule: AlertRule, infohash: string, prior: RuleSubjectState, newestMs: number): Promise<SeriesPoint[]> {
  // Growth also needs the history a window (and one more, for gaps) before the first new sample.
  const historyMs = rule.kind === 'growth' ? 2 * (rule.windowMs ?? 0) : 0;
  return series.querySeries({
    infohash,
    metric: rule.metric!,
    fromMs: Math.max(0, prior.evaluatedToMs + 1 - historyMs),
    toMs: newestMs,
    stepMs: 0,
    agg: 'last',
    limit: MAX_SAMPLES_PER_PASS,
  });
}

function walkRule(rule: AlertRule, infohash: string, prior: RuleSubjectState, points: SeriesPoint[], newestMs: number, context: SeriesRulesContext): Walk {
  let armed = prior.armed;
  const events: NewAlertEvent[] = [];
  const torrent = context.registry.get(infohash, { includeRemoved: true });
  const about = { ruleId: rule.id, ruleLabel: rule.label, ...(rule.familyId ? { familyId: rule.familyId } : {}), infohash, label: torrent?.label ?? null, name: torrent?.name ?? null, metric: rule.metric };
  for (const [atMs, value] of points) {
    if (atMs <= prior.evaluatedToMs) continue;
    if (rule.kind === 'threshold') {
      const step = stepCrossing(armed, value, rule.op!, rule.value!, rule.hysteresis ?? defaultBand(rule.value!));
      armed = step.armed;
      if (!step.fire) continue;
      const data = { ...about, op: rule.op, threshold: rule.value, value, sampledAt: new Date(atMs).toISOString() };
      events.push(newEvent(rule, infohash, atMs, eventBody('swarm.threshold_crossed', atMs, data), 'swarm.threshold_crossed'));
    } else {
      const baseline = growthBaseline(points, atMs, rule.windowMs!);
      const change = baseline ? changePercent(value, baseline[1]) : undefined;
      if (change === undefined || !baseline) continue;
      const step = stepCrossing(armed, change, growthOp(rule.percent!), rule.percent!, rule.hysteresis ?? defaultBand(rule.percent!));
      armed = step.armed;
      if (!step.fire) continue;
      const data = {
        ...about,
        windowSeconds: rule.windowMs! / 1000,
        percent: rule.percent,
        changePercent: Math.round(change * 100) / 100,
        value,
        baselineValue: baseline[1],
        baselineAt: new Date(baseline[0]).toISOString(),
        sampledAt: new Date(atMs).toISOString(),
      };
      events.push(newEvent(rule, infohash, atMs, eventBody('swarm.growth', atMs, data), 'swarm.growth'));
    }
  }
  // A truncated read resumes after its last point; otherwise everything up to the newest sample is done.
  const lastReadMs = points.length === MAX_SAMPLES_PER_PASS ? points[points.length - 1]![0] : newestMs;
  return { next: { armed, evaluatedToMs: lastReadMs }, events };
}

function newEvent(rule: AlertRule, infohash: string, atMs: number, body: string, type: string): NewAlertEvent {
  return { id: stableId('evt', rule.id, infohash, atMs), type, ruleId: rule.id, subject: infohash, occurredAtMs: atMs, body };
}

function commit(context: SeriesRulesContext, rule: AlertRule, infohash: string, prior: RuleSubjectState, walk: Walk): boolean {
  const { state } = context;
  return state.db
    .transaction(() => {
      const current = state.evaluation.get(rule.id, infohash)?.evaluatedToMs ?? rule.createdAtMs;
      // Another evaluator got here first, or the rule was deleted meanwhile: its result stands.
      if (current !== prior.evaluatedToMs || !state.rules.get(rule.id)) return false;
      for (const event of walk.events) state.events.record(event, context.nowMs);
      state.evaluation.put(rule.id, infohash, walk.next);
      return true;
    })
    .immediate();
}
