/** Signatures checked against `standardwebhooks`, an independent implementation of the convention. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { generateWebhookSecret, signatureKey, signWebhook, webhookHeaders } from '../../api/webhooks/signature.ts';

test('secrets are whsec_ + base64 of 24 random bytes, and differ', () => {
  const secrets = new Set(Array.from({ length: 50 }, generateWebhookSecret));
  assert.equal(secrets.size, 50);
  for (const secret of secrets) {
    assert.match(secret, /^whsec_[A-Za-z0-9+/]{32}$/);
    assert.equal(signatureKey(secret).length, 24);
  }
});

test('headers verify with the standardwebhooks package; any change to id, timestamp or body does not', () => {
  const secret = generateWebhookSecret();
  const body = JSON.stringify({ type: 'swarm.threshold_crossed', timestamp: '2026-01-02T00:00:00.000Z', data: { value: 101, label: 'LLaMA ✓' } });
  const headers = webhookHeaders(secret, 'evt_test', body, Date.now());
  assert.match(headers['webhook-signature']!, /^v1,[A-Za-z0-9+/]+=*$/);
  const oracle = new Webhook(secret);
  assert.deepEqual(oracle.verify(body, headers), JSON.parse(body));
  assert.throws(() => oracle.verify(body.replace('101', '102'), headers), /No matching signature/);
  assert.throws(() => oracle.verify(body, { ...headers, 'webhook-id': 'evt_other' }), /No matching signature/);
  assert.throws(() => new Webhook(generateWebhookSecret()).verify(body, headers), /No matching signature/);
});

test('the signature is HMAC-SHA256 over "id.timestamp.body" with the decoded key (the convention\'s test vector)', () => {
  // From the Standard Webhooks specification's example.
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const body = '{"test": 2432232314}';
  assert.equal(signWebhook(secret, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, body), 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
});
