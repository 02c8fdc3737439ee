/** An in-memory store with the alerting state and an evaluator on a clock the test moves. */
import { AlertEvaluator } from '../../api/alerts/alert-evaluator.ts';
import type { NewAlertRule } from '../../store/state/alert-rules-repo.ts';
import { openAlertingState, type AlertingState } from '../../store/state/alerting-state.ts';
import { openSqliteStore, type SqliteStore } from '../../store/sqlite/open-sqlite-store.ts';
import type { AlertRule } from '../../store/state/alert-rules-repo.ts';

export const T0 = Date.UTC(2026, 0, 1);
export const MIN = 60_000;
export const HOUR = 3_600_000;

export const RULE_DEFAULTS: NewAlertRule = {
  kind: 'threshold',
  infohash: null,
  familyId: null,
  metric: 'dht_peers',
  op: '>',
  value: null,
  windowMs: null,
  percent: null,
  hysteresis: null,
  mirrorId: null,
  mirrorEvents: [],
  label: null,
};

export interface AlertFixture {
  store: SqliteStore;
  state: AlertingState;
  evaluator: AlertEvaluator;
  clock: { nowMs: number };
  addRule(rule: Partial<NewAlertRule>, createdAtMs?: number): AlertRule;
  /** Writes one dht_peers sample and moves the clock there. */
  sample(infohash: string, atMs: number, dhtPeers: number): Promise<void>;
  eventTypes(): string[];
  close(): Promise<void>;
}

export function openAlertFixture(path = ':memory:'): AlertFixture {
  const store = openSqliteStore(path, { now: () => T0 });
  const state = openAlertingState(store.db);
  const clock = { nowMs: T0 };
  const evaluator = new AlertEvaluator({ state, series: store.series, registry: store.registry, pollIntervalMs: 3_600_000, now: () => clock.nowMs });
  return {
    store,
    state,
    evaluator,
    clock,
    addRule: (rule, createdAtMs = T0) => state.rules.create({ ...RULE_DEFAULTS, ...rule }, createdAtMs),
    async sample(infohash, atMs, dhtPeers) {
      await store.series.writeSamples([{ infohash, atMs, values: { dht_peers: dhtPeers } }]);
      clock.nowMs = atMs;
    },
    eventTypes: () => state.events.list({}, { offset: 0, limit: 1000 }).events.map((event) => event.type),
    close: async () => {
      await evaluator.stop();
      await store.close();
    },
  };
}
