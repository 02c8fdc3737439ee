/** Threshold and growth rules on samples at controlled times (the sim test covers real sweeps). */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { createFamiliesRepo } from '../../store/state/families-repo.ts';
import { HOUR, MIN, T0, openAlertFixture, type AlertFixture } from './alert-fixture.ts';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

describe('series rule evaluation', () => {
  let f: AlertFixture;
  afterEach(() => f.close());

  it('fires a threshold rule once as the swarm grows past it, and not while it hovers', async () => {
    f = openAlertFixture();
    f.store.registry.add({ infohash: A, label: 'LLaMA 65B', name: 'LLaMA' });
    const rule = f.addRule({ kind: 'threshold', infohash: A, value: 50 });
    const stored: number[] = [];
    for (const [i, value] of [40, 48, 51, 49, 52, 48, 51, 50].entries()) {
      await f.sample(A, T0 + (i + 1) * 15 * MIN, value);
      stored.push(await f.evaluator.evaluateOnce());
    }
    assert.deepEqual(stored, [0, 0, 1, 0, 0, 0, 0, 0]);
    const [event] = f.state.events.list({}, { offset: 0, limit: 10 }).events;
    assert.equal(event!.type, 'swarm.threshold_crossed');
    assert.equal(event!.ruleId, rule.id);
    assert.equal(event!.subject, A);
    assert.deepEqual(event!.payload, {
      type: 'swarm.threshold_crossed',
      timestamp: new Date(T0 + 45 * MIN).toISOString(),
      data: { ruleId: rule.id, ruleLabel: null, infohash: A, label: 'LLaMA 65B', name: 'LLaMA', metric: 'dht_peers', op: '>', threshold: 50, value: 51, sampledAt: new Date(T0 + 45 * MIN).toISOString() },
    });
  });

  it('evaluates every sample that arrived since the last pass, in time order, re-arming past the band', async () => {
    f = openAlertFixture();
    f.addRule({ kind: 'threshold', infohash: A, value: 50, hysteresis: 2.5 });
    for (const [i, value] of [40, 51, 47.6, 52, 47.5, 53].entries()) await f.sample(A, T0 + (i + 1) * MIN, value);
    assert.equal(await f.evaluator.evaluateOnce(), 2, '51 fires; 47.6 stays inside the band; 47.5 re-arms; 53 fires');
    assert.equal(await f.evaluator.evaluateOnce(), 0, 'nothing new, nothing fired');
  });

  it('applies a rule without an infohash to every torrent, from the rule\'s creation on', async () => {
    f = openAlertFixture();
    await f.sample(A, T0 + MIN, 500);
    f.addRule({ kind: 'threshold', value: 100 }, T0 + 2 * MIN);
    await f.sample(B, T0 + 3 * MIN, 150);
    assert.equal(await f.evaluator.evaluateOnce(), 1, 'A was above before the rule existed; B crossed after');
    await f.sample(A, T0 + 4 * MIN, 600);
    assert.equal(await f.evaluator.evaluateOnce(), 1, 'A is evaluated from the first sample after the rule was made');
    assert.deepEqual(new Set(f.state.events.list({}, { offset: 0, limit: 10 }).events.map((event) => event.subject)), new Set([A, B]));
  });

  it('applies a family rule to the family\'s members as they are when evaluated, and names the family', async () => {
    f = openAlertFixture();
    const C = 'c'.repeat(40);
    const families = createFamiliesRepo(f.store.db);
    const family = families.create({ name: 'LLaMA 1' });
    families.attach(family.id, 'torrent', A);
    const rule = f.addRule({ kind: 'threshold', value: 100, familyId: family.id }, T0);
    await f.sample(A, T0 + MIN, 150);
    await f.sample(C, T0 + MIN, 150);
    assert.equal(await f.evaluator.evaluateOnce(), 1, 'A is a member; C is not');
    families.attach(family.id, 'torrent', B);
    await f.sample(B, T0 + 2 * MIN, 200);
    assert.equal(await f.evaluator.evaluateOnce(), 1, 'B joined the family, and the rule follows');
    const events = f.state.events.list({ ruleId: rule.id }, { offset: 0, limit: 10 }).events;
    assert.deepEqual(events.map((event) => event.subject).sort(), [A, B]);
    assert.equal((events[0]!.payload as { data: { familyId: string } }).data.familyId, family.id);
  });

  it('fires a growth rule once on +50% within 24 h, measured against the sample a window before', async () => {
    f = openAlertFixture();
    f.addRule({ kind: 'growth', infohash: A, windowMs: 24 * HOUR, percent: 50 });
    // Every 6 h: the baseline of each sample is the one 24 h earlier (four samples back).
    const values = [100, 100, 100, 100, 120, 140, 160, 151, 148, 156, 152, 100, 100, 100];
    const fired: number[] = [];
    for (const [i, value] of values.entries()) {
      await f.sample(A, T0 + i * 6 * HOUR, value);
      if ((await f.evaluator.evaluateOnce()) > 0) fired.push(i);
    }
    // i=6 (36 h): 160 vs 100 at 12 h = +60% fires; then 151 vs 100 (+51, still disarmed), 148 vs 120 (+23: re-arms),
    // 156 vs 140 (+11), 152 vs 160 ... so no second firing.
    assert.deepEqual(fired, [6]);
    const data = (f.state.events.list({}, { offset: 0, limit: 1 }).events[0]!.payload as { data: Record<string, unknown> }).data;
    assert.equal(data.changePercent, 60);
    assert.equal(data.baselineValue, 100);
    assert.equal(data.baselineAt, new Date(T0 + 12 * HOUR).toISOString());
    assert.equal(data.windowSeconds, 86_400);
  });

  it('a growth rule does not flap while the change hovers around the percent', async () => {
    f = openAlertFixture();
    f.addRule({ kind: 'growth', infohash: A, windowMs: 24 * HOUR, percent: 50 });
    await f.sample(A, T0, 100);
    // With only a partial window of history, each sample is compared with the first one.
    for (const [i, value] of [150, 148, 151, 149, 152].entries()) await f.sample(A, T0 + (i + 1) * HOUR, value);
    assert.equal(await f.evaluator.evaluateOnce(), 1);
    assert.deepEqual(f.eventTypes(), ['swarm.growth']);
  });

  it('two evaluators over one database file store each firing once', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'swarmscope-eval-')), 'state.db');
    f = openAlertFixture(path);
    const other = openAlertFixture(path);
    try {
      f.addRule({ kind: 'threshold', value: 10 });
      for (let i = 0; i < 20; i++) await f.sample(i % 2 ? A : B, T0 + (i + 1) * MIN, i % 4 < 2 ? 5 : 50);
      other.clock.nowMs = f.clock.nowMs;
      const counts = await Promise.all([f.evaluator.evaluateOnce(), other.evaluator.evaluateOnce(), f.evaluator.evaluateOnce(), other.evaluator.evaluateOnce()]);
      const total = f.state.events.list({}, { offset: 0, limit: 100 }).total;
      assert.equal(total, 10, 'A and B each cross 5 times (50 after 5)');
      assert.equal(counts.reduce((sum, count) => sum + count, 0), total, 'no evaluator claims an event the other stored');
    } finally {
      await other.close();
    }
  });

  it('stops evaluating a deleted rule', async () => {
    f = openAlertFixture();
    const rule = f.addRule({ kind: 'threshold', infohash: A, value: 10 });
    await f.sample(A, T0 + MIN, 5);
    await f.evaluator.evaluateOnce();
    assert.equal(f.state.rules.remove(rule.id), true);
    await f.sample(A, T0 + 2 * MIN, 50);
    assert.equal(await f.evaluator.evaluateOnce(), 0);
  });
});
