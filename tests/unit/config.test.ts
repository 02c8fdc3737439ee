import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEFAULT_CONFIG, envName, loadConfig, PUBLIC_BOOTSTRAP_NODES } from '../../core/config.ts';

const dir = mkdtempSync(join(tmpdir(), 'swarmscope-config-'));
const file = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};

test('config: defaults point at the public routers and an embedded SQLite store', () => {
  const config = loadConfig({ env: {} });
  assert.deepEqual(config.bootstrap, PUBLIC_BOOTSTRAP_NODES);
  assert.equal(config.store, 'sqlite:./data/swarmscope.db');
  assert.equal(config.port, 8080);
  assert.equal(config.allowPrivateAddresses, false);
});

test('config: defaults < file < environment < flags', () => {
  const configFile = file('layered.json', { port: 9001, host: '127.0.0.2', interval: '5m', concurrency: 3 });
  const env = { SWARMSCOPE_PORT: '9002', SWARMSCOPE_BOOTSTRAP: '127.0.0.1:7000, 127.0.0.1:7001', SWARMSCOPE_ALLOW_PRIVATE_ADDRESSES: 'true', SWARMSCOPE_DHT_LOOPBACK_ONLY: 'yes' };
  const config = loadConfig({ configFile, env, flags: { port: 9003 } });
  assert.equal(config.port, 9003);
  assert.equal(config.host, '127.0.0.2');
  assert.equal(config.intervalMs, 5 * 60_000);
  assert.equal(config.concurrency, 3);
  assert.equal(loadConfig({ env: { SWARMSCOPE_MAX_CONCURRENCY: '128' } }).maxConcurrency, 128);
  assert.deepEqual(config.bootstrap, ['127.0.0.1:7000', '127.0.0.1:7001']);
  assert.equal(config.allowPrivateAddresses, true);
  assert.equal(config.dhtLoopbackOnly, true);
  assert.equal(config.dhtQueryTimeoutMs, DEFAULT_CONFIG.dhtQueryTimeoutMs);
  assert.equal(envName('allowPrivateAddresses'), 'SWARMSCOPE_ALLOW_PRIVATE_ADDRESSES');
});

test('config: invalid values name the setting and where it came from', () => {
  const cases: [() => unknown, RegExp][] = [
    [() => loadConfig({ env: { SWARMSCOPE_PORT: 'eighty' } }), /SWARMSCOPE_PORT: "eighty" is not a whole number/],
    [() => loadConfig({ env: { SWARMSCOPE_PORT: '70000' } }), /environment: "port" must be <= 65535/],
    [() => loadConfig({ env: { SWARMSCOPE_ALLOW_PRIVATE_ADDRESSES: 'maybe' } }), /not a boolean/],
    [() => loadConfig({ env: {}, flags: { maxConcurrency: 0 } }), /command line: "maxConcurrency" must be >= 1/],
    [() => loadConfig({ env: {}, configFile: file('bad.json', '{ nope') }), /config file .*bad.json/],
    [() => loadConfig({ env: {}, configFile: file('unknown.json', { colour: 'blue' }) }), /unknown setting "colour"/],
    [() => loadConfig({ env: {}, configFile: file('interval.json', { interval: 'soon' }) }), /not a duration/],
    [() => loadConfig({ env: {}, flags: { bootstrap: ['no-port'] } }), /command line: "bootstrap.0"/],
  ];
  for (const [load, message] of cases) {
    assert.throws(load, (error: Error & { code?: string }) => error.code === 'invalid_config' && message.test(error.message), message.source);
  }
});
