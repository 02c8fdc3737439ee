/** SSRF: webhook URLs that reach loopback, private, link-local or metadata addresses are refused. */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { postWebhook } from '../../api/webhooks/post-webhook.ts';
import { classifyAddress } from '../../core/address-class.ts';
import { createOutboundGuard, parseCidrList, targetAddressClass, type ResolveAll } from '../../core/outbound-guard.ts';
import { isSwarmscopeError } from '../../core/errors.ts';
import { AUTH, errorOf, makeTestApp, type TestApp } from '../api/test-app.ts';

/** A resolver for names of our own: the tests decide what each resolves to. */
const fakeDns: ResolveAll = async (hostname) => {
  const table: Record<string, { address: string; family: 4 | 6 }[]> = {
    'intranet.example.test': [{ address: '192.168.10.20', family: 4 }],
    'mixed.example.test': [{ address: '93.184.215.14', family: 4 }, { address: 'fd12::1', family: 6 }],
    'metadata.example.test': [{ address: '169.254.169.254', family: 4 }],
    'public.example.test': [{ address: '93.184.215.14', family: 4 }],
  };
  const answer = table[hostname];
  if (!answer) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  return answer;
};

describe('registering a webhook without the allow-list', () => {
  let t: TestApp;
  before(async () => {
    t = await makeTestApp({ outboundGuard: createOutboundGuard({ resolve: fakeDns }) });
  });
  after(() => t.close());

  const register = (url: string) => t.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: AUTH, payload: { url } });

  const refusals: [string, RegExp][] = [
    ['http://127.0.0.1/hook', /127\.0\.0\.1 is a loopback address/],
    ['http://169.254.169.254/latest/meta-data/', /169\.254\.169\.254 is a link-local address/],
    ['http://metadata.example.test/latest', /169\.254\.169\.254 is a link-local address \(metadata\.example\.test resolves to it\)/],
    ['http://intranet.example.test:8080/hook', /192\.168\.10\.20 is a private address \(intranet\.example\.test resolves to it\)/],
    ['http://mixed.example.test/hook', /fd12::1 is a unique local address/],
    ['http://[::1]:9000/hook', /::1 is a loopback address/],
    ['http://[::ffff:127.0.0.1]/hook', /loopback/],
    ['http://[64:ff9b::a00:1]/hook', /private/],
    ['http://0x7f000001/hook', /127\.0\.0\.1 is a loopback/],
    // Every numeric spelling of an IPv4 address (WHATWG URL parsing, as inet_aton reads them).
    ['http://2130706433/hook', /127\.0\.0\.1 is a loopback/],
    ['http://0177.0.0.1/hook', /127\.0\.0\.1 is a loopback/],
    ['http://127.1/hook', /127\.0\.0\.1 is a loopback/],
    ['http://0x7f.0.0.0x1/hook', /127\.0\.0\.1 is a loopback/],
    ['http://0xa9.0xfe.0xa9.0xfe/latest/meta-data/', /169\.254\.169\.254 is a link-local/],
    ['http://012.0.0.1/hook', /10\.0\.0\.1 is a private/],
    ['http://[::ffff:7f00:1]/hook', /loopback/],
    ['http://[0:0:0:0:0:ffff:a9fe:a9fe]/hook', /link-local/],
    ['http://0.0.0.0/hook', /unspecified/],
    ['http://100.64.0.1/hook', /carrier-grade NAT/],
    ['http://10.0.0.1/hook', /private/],
    ['http://224.0.0.1/hook', /multicast/],
  ];
  for (const [url, reason] of refusals) {
    it(`refuses ${url}`, async () => {
      const response = await register(url);
      assert.equal(response.statusCode, 400);
      assert.equal(errorOf(response).code, 'unsafe_target');
      assert.match(errorOf(response).message, reason);
      assert.match(errorOf(response).message, /SWARMSCOPE_ALLOW_PRIVATE_TARGETS/);
    });
  }

  it('refuses localhost as resolved by the real DNS resolver', async () => {
    const real = await makeTestApp();
    try {
      const response = await real.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: AUTH, payload: { url: 'http://localhost:8080/hook' } });
      assert.equal(response.statusCode, 400);
      assert.match(errorOf(response).message, /is a loopback address \(localhost resolves to it\)/);
    } finally {
      await real.close();
    }
  });

  it('refuses other schemes, credentials in the URL and names that do not resolve; stores nothing', async () => {
    for (const [url, reason] of [
      ['file:///etc/passwd', /scheme must be http or https, not file/],
      ['gopher://public.example.test/', /not gopher/],
      ['http://user:pw@public.example.test/', /user name or password/],
      ['not a url', /not an absolute URL/],
      ['http://nowhere.example.test/', /does not resolve \(ENOTFOUND\)/],
    ] as const) {
      const response = await register(url);
      assert.equal(response.statusCode, 400, url);
      assert.match(errorOf(response).message, reason);
    }
    assert.equal((await t.app.inject({ url: '/api/v1/webhooks' })).json().total, 0);
  });

  it('accepts a name that resolves only to public addresses', async () => {
    const response = await register('https://public.example.test/hook');
    assert.equal(response.statusCode, 201);
  });
});

describe('the allow-list', () => {
  it('lets the listed ranges through and nothing else', async () => {
    const guard = createOutboundGuard({ allowPrivateTargets: ['127.0.0.0/8', '::1/128'], resolve: fakeDns });
    assert.equal((await guard.check('http://127.0.0.1:9/x')).address, '127.0.0.1');
    assert.equal((await guard.check('http://[::1]:9/x')).address, '::1');
    await assert.rejects(guard.check('http://169.254.169.254/'), /link-local/);
    await assert.rejects(guard.check('http://intranet.example.test/'), /private/);
  });

  it('refuses a malformed CIDR at start-up, naming it', () => {
    for (const entry of ['127.0.0.0/33', 'localhost', '10.0.0.0/x', '::1/129']) {
      assert.throws(() => parseCidrList([entry]), (error: unknown) => isSwarmscopeError(error) && error.code === 'invalid_config' && error.message.includes(entry));
    }
    assert.doesNotThrow(() => parseCidrList(['10.0.0.0/8', '192.168.1.1', 'fd00::/8']));
  });
});

describe('address classes', () => {
  it('names the special ranges and sees through IPv4-mapped, NAT64 and 6to4 forms', () => {
    assert.equal(classifyAddress('8.8.8.8'), 'public');
    assert.equal(classifyAddress('2606:4700::1111'), 'public');
    assert.equal(classifyAddress('172.31.255.255'), 'private');
    assert.equal(classifyAddress('172.32.0.1'), 'public');
    assert.equal(classifyAddress('fe80::1'), 'link-local');
    assert.equal(classifyAddress('::'), 'unspecified');
    assert.equal(classifyAddress('::ffff:10.0.0.1'), 'private');
    assert.equal(targetAddressClass('64:ff9b::7f00:1'), 'loopback');
    assert.equal(targetAddressClass('2002:c0a8:0101::1'), 'private');
    assert.equal(targetAddressClass('2002:0808:0808::1'), 'public');
  });
});

describe('DNS rebinding', () => {
  it('connects to the address that was checked, not to what the name resolves to later', async () => {
    const server = http.createServer((request, response) => response.end(String(request.headers.host)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      // `rebind.example.test` does not exist in real DNS: reaching the server proves the pinned address was used.
      const guard = createOutboundGuard({ allowPrivateTargets: ['127.0.0.0/8'], resolve: async () => [{ address: '127.0.0.1', family: 4 }] });
      const target = await guard.check(`http://rebind.example.test:${port}/hook`);
      const result = await postWebhook(target, {}, '{}', 2000);
      assert.equal(result.status, 200);
    } finally {
      server.close();
    }
  });
});
