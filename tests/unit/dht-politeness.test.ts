import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { IpRateLimiter } from '../../collector/dht/ip-rate-limiter.ts';
import { loadNodes, MAX_AGE_MS, saveNodes } from '../../collector/dht/node-cache-file.ts';
import { RttEstimator } from '../../collector/dht/rtt-estimator.ts';
import { STRIKES_TO_SUSPECT, SuspectNodes, sourceKey } from '../../collector/dht/suspect-nodes.ts';
import { bep42Crc, crc32c, isBep42Compliant } from '../../protocol/bep42.ts';

test('rate limiter: at most N packets to one IP per 10 s, others unaffected', () => {
  const limiter = new IpRateLimiter(3);
  const t0 = 1_000_000;
  assert.equal(limiter.reserve('198.51.100.1', t0), 0);
  assert.equal(limiter.reserve('198.51.100.1', t0 + 1), 0);
  assert.equal(limiter.reserve('198.51.100.1', t0 + 2), 0);
  assert.equal(limiter.reserve('198.51.100.1', t0 + 3), 10_000 - 3, 'the fourth waits until the first leaves the window');
  assert.equal(limiter.reserve('198.51.100.2', t0 + 3), 0);
  assert.equal(limiter.reserve('198.51.100.1', t0 + 10_000), 0);
});

test('adaptive timeouts follow RTT (RFC 6298) within their floor and ceiling', () => {
  const rtt = new RttEstimator(250, 2000);
  assert.equal(rtt.timeoutMs(), 2000, 'no sample yet: the configured ceiling');
  for (let index = 0; index < 50; index++) rtt.record(50 + (index % 2) * 10);
  assert.ok(rtt.timeoutMs() >= 250 && rtt.timeoutMs() < 400, String(rtt.timeoutMs()));
  for (let index = 0; index < 50; index++) rtt.record(3000);
  assert.equal(rtt.timeoutMs(), 2000);
});

test('BEP 42: the BEP\'s example node ids comply with their IPs; others do not', () => {
  assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283, 'crc32c check value');
  const examples: [string, string][] = [
    ['124.31.75.21', '5fbfbff10c5d6a4ec8a88e4c6ab4c28b95eee401'],
    ['21.75.31.124', '5a3ce9c14e7a08645677bbd1cfe7d8f956d53256'],
    ['65.23.51.170', 'a5d43220bc8f112a3d426c84764f8c2a1150e616'],
    ['84.124.73.14', '1b0321dd1bb1fe518101ceef99462b947a01ff41'],
    ['43.213.53.83', 'e56f6cbf5b7c4be0237986d5243b87aa6d51305a'],
  ];
  for (const [ip, id] of examples) assert.ok(isBep42Compliant(Buffer.from(id, 'hex'), ip), ip);
  assert.notEqual(bep42Crc('124.31.75.21', 1), bep42Crc('124.31.75.21', 2), 'r is part of the hash');
  assert.ok(!isBep42Compliant(Buffer.alloc(20, 0xab), '124.31.75.21'));
});

test('suspect nodes: strikes make a suspect; identity is the IP, or IP:port on loopback', () => {
  const suspects = new SuspectNodes();
  for (let strike = 1; strike < STRIKES_TO_SUSPECT; strike++) assert.equal(suspects.strike('203.0.113.9'), false);
  assert.equal(suspects.strike('203.0.113.9'), true);
  assert.ok(suspects.isSuspect('203.0.113.9'));
  assert.equal(sourceKey({ host: '203.0.113.9', port: 1 }), sourceKey({ host: '203.0.113.9', port: 2 }), 'one host, one voice');
  assert.notEqual(sourceKey({ host: '::1', port: 1 }), sourceKey({ host: '::1', port: 2 }));
});

test('saved DHT nodes: used only with the same bootstrap list, within a day, and malformed files are ignored', () => {
  const dir = mkdtempSync(join(tmpdir(), 'swarmscope-nodes-'));
  const file = join(dir, 'dht-nodes.json');
  const nodes = [{ id: Buffer.alloc(20, 1), host: '198.51.100.7', port: 6881, family: 4 as const }, { id: Buffer.alloc(20, 2), host: '2001:db8::7', port: 6881, family: 6 as const }];
  saveNodes(file, ['router.example:6881'], nodes, 1000);
  assert.deepEqual(loadNodes(file, ['router.example:6881'], 2000), nodes);
  assert.deepEqual(loadNodes(file, ['127.1.0.1:5000'], 2000), [], 'another network');
  assert.deepEqual(loadNodes(file, ['router.example:6881'], 1000 + MAX_AGE_MS + 1), [], 'expired');
  writeFileSync(file, '{"savedAtMs": 1, "bootstrap": [], "nodes": [{"id": "zz", "host": "x", "port": 0}]}');
  assert.deepEqual(loadNodes(file, [], 2), []);
  writeFileSync(file, 'not json');
  assert.deepEqual(loadNodes(file, [], 2), []);
});
