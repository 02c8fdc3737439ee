import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isBogonAddress, isUsablePeer } from '../../core/address-class.ts';

test('bogons and martians are not peers, also behind NAT64 and 6to4; public addresses are', () => {
  for (const host of ['10.1.2.3', '172.16.0.1', '192.168.1.1', '127.0.0.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '255.255.255.255', '192.0.2.1', '198.51.100.1', '203.0.113.1', '::1', '::', 'fe80::1', 'fc00::1', 'ff02::1', '2001:db8::1', '::ffff:10.0.0.1', '64:ff9b::a00:1', '64:ff9b::7f00:1', '2002:a00:1::1', 'not-an-ip']) {
    assert.ok(isBogonAddress(host), host);
  }
  for (const host of ['1.1.1.1', '8.8.8.8', '81.2.69.142', '2a00:1450:4001::1', '2606:4700::1111', '64:ff9b::808:808']) assert.ok(!isBogonAddress(host), host);
});

test('usable peers: a bogon only with --allow-private-addresses; port 0 never', () => {
  assert.ok(!isUsablePeer({ host: '10.0.0.1', port: 6881 }, false));
  assert.ok(isUsablePeer({ host: '10.0.0.1', port: 6881 }, true));
  assert.ok(!isUsablePeer({ host: '8.8.8.8', port: 0 }, true));
  assert.ok(isUsablePeer({ host: '8.8.8.8', port: 6881 }, false));
});
