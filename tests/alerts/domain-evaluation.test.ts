/**
 * Mirror, discovery and metadata rules fire from the `domain_events` inbox that other parts (and
 * other processes) write with emitDomainEvent; these tests insert such facts directly.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { emitDomainEvent } from '../../store/state/domain-events.ts';
import { MIN, T0, openAlertFixture, type AlertFixture } from './alert-fixture.ts';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

describe('domain event rules', () => {
  let f: AlertFixture;
  afterEach(() => f.close());

  it('turns matching facts into typed events, once each, in order', async () => {
    f = openAlertFixture();
    const mirrorRule = f.addRule({ kind: 'mirror', mirrorId: 'mir_1', mirrorEvents: ['down', 'back'], metric: null, op: null });
    f.addRule({ kind: 'discovery', metric: null, op: null });
    f.addRule({ kind: 'metadata', infohash: A, metric: null, op: null });
    const at = T0 + MIN;
    emitDomainEvent(f.store.db, { type: 'mirror.down', subject: 'mir_1', data: { url: 'https://example.org/llama.tar', status: 503 }, occurredAtMs: at });
    emitDomainEvent(f.store.db, { type: 'mirror.content_changed', subject: 'mir_1', occurredAtMs: at }); // not wanted by the rule
    emitDomainEvent(f.store.db, { type: 'mirror.down', subject: 'mir_2', occurredAtMs: at }); // another mirror
    emitDomainEvent(f.store.db, { type: 'discovery.new', subject: B, data: { name: 'llama-70b.safetensors' }, occurredAtMs: at });
    emitDomainEvent(f.store.db, { type: 'torrent.metadata', subject: B, occurredAtMs: at }); // another torrent
    emitDomainEvent(f.store.db, { type: 'torrent.metadata', subject: A, data: { name: 'LLaMA', size: 235_164_838_073 }, occurredAtMs: at });
    emitDomainEvent(f.store.db, { type: 'mirror.back', subject: 'mir_1', occurredAtMs: at + MIN });
    assert.equal(await f.evaluator.evaluateOnce(), 4);
    assert.equal(await f.evaluator.evaluateOnce(), 0, 'the watermark moved past the batch');
    assert.deepEqual(f.eventTypes().sort(), ['discovery.new', 'mirror.back', 'mirror.down', 'torrent.metadata']);
    const down = f.state.events.list({ type: 'mirror.down' }, { offset: 0, limit: 5 }).events[0]!;
    assert.equal(down.ruleId, mirrorRule.id);
    assert.deepEqual(down.payload, {
      type: 'mirror.down',
      timestamp: new Date(at).toISOString(),
      data: { url: 'https://example.org/llama.tar', status: 503, ruleId: mirrorRule.id, ruleLabel: null, subject: 'mir_1' },
    });
  });

  it('ignores facts that happened before the rule existed', async () => {
    f = openAlertFixture();
    emitDomainEvent(f.store.db, { type: 'discovery.new', subject: A, occurredAtMs: T0 });
    f.addRule({ kind: 'discovery', metric: null, op: null }, T0 + MIN);
    emitDomainEvent(f.store.db, { type: 'discovery.new', subject: B, occurredAtMs: T0 + 2 * MIN });
    assert.equal(await f.evaluator.evaluateOnce(), 1);
    assert.equal(f.state.events.list({}, { offset: 0, limit: 5 }).events[0]!.subject, B);
  });

  it('writes an outbox row for each enabled endpoint subscribed to the type, in the same transaction', async () => {
    f = openAlertFixture();
    const all = f.state.endpoints.create({ url: 'https://a.example/hook', eventTypes: [], secret: 'whsec_AAAA', description: null }, T0);
    const mirrors = f.state.endpoints.create({ url: 'https://b.example/hook', eventTypes: ['mirror.down'], secret: 'whsec_AAAA', description: null }, T0);
    f.state.endpoints.create({ url: 'https://c.example/hook', eventTypes: ['swarm.growth'], secret: 'whsec_AAAA', description: null }, T0);
    const gone = f.state.endpoints.create({ url: 'https://d.example/hook', eventTypes: [], secret: 'whsec_AAAA', description: null }, T0);
    f.state.endpoints.disable(gone.id, 'test', T0);
    f.addRule({ kind: 'mirror', metric: null, op: null });
    emitDomainEvent(f.store.db, { type: 'mirror.down', subject: 'mir_9', occurredAtMs: T0 + MIN });
    emitDomainEvent(f.store.db, { type: 'mirror.back', subject: 'mir_9', occurredAtMs: T0 + 2 * MIN });
    await f.evaluator.evaluateOnce();
    const byType = new Map(f.state.events.list({}, { offset: 0, limit: 5 }).events.map((event) => [event.type, event.deliveries.map((d) => d.endpointId).sort()]));
    assert.deepEqual(byType.get('mirror.down'), [all.id, mirrors.id].sort());
    assert.deepEqual(byType.get('mirror.back'), [all.id]);
    assert.equal(f.state.outbox.pendingCount(), 3);
  });

  it('refuses an unknown domain event type at the source', () => {
    f = openAlertFixture();
    assert.throws(() => emitDomainEvent(f.store.db, { type: 'mirror.exploded' as 'mirror.down' }), /unknown domain event type "mirror.exploded"/);
  });
});
