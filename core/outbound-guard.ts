/**
 * The SSRF guard for every request swarmscope makes to a URL a user gave (webhook receivers, HTTP
 * mirrors). Anyone who can register a URL could otherwise make the server reach its own loopback
 * services, the LAN or the cloud metadata endpoint (169.254.169.254). A URL is accepted only if it
 * is http(s) and every address its host resolves to is public, or inside a CIDR of the allow-list
 * (`allowPrivateTargets`, SWARMSCOPE_ALLOW_PRIVATE_TARGETS; tests use 127.0.0.0/8,::1/128).
 *
 * DNS rebinding: a name can resolve to a public address when checked and to 127.0.0.1 a second
 * later when connected. So `check` returns the address it approved, and `pinnedLookup` makes the
 * request connect to exactly that address (the Host header and TLS servername stay the name).
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import net from 'node:net';
import { classifyAddress, embeddedIpv4, type AddressClass } from './address-class.ts';
import { SwarmscopeError, describeError } from './errors.ts';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Every address a name resolves to; injectable so tests can map a name to a private address. */
export type ResolveAll = (hostname: string) => Promise<ResolvedAddress[]>;

export interface OutboundGuardOptions {
  /** CIDRs (or single addresses) that may be reached although they are not public. */
  allowPrivateTargets?: readonly string[];
  resolve?: ResolveAll;
}

export interface CheckedTarget {
  url: URL;
  /** The approved address to connect to. */
  address: string;
  family: 4 | 6;
}

export interface OutboundGuard {
  /** Resolves and checks; throws SwarmscopeError `unsafe_target` (or `invalid_request` for a bad URL). */
  check(url: string): Promise<CheckedTarget>;
}

const ALLOWED_PROTOCOLS = new Set(['http:', 'https:']);

export const resolveWithDns: ResolveAll = async (hostname) => {
  const answers = await dnsLookup(hostname, { all: true, verbatim: true });
  return answers.map((answer) => ({ address: answer.address, family: answer.family === 6 ? 6 : 4 }));
};

/** `127.0.0.0/8`, `::1/128`, or a bare address (a /32 or /128); throws `invalid_config` naming the bad entry. */
export function parseCidrList(entries: readonly string[]): net.BlockList {
  const list = new net.BlockList();
  for (const entry of entries) {
    const [network = '', prefixText] = entry.trim().split('/');
    const family = net.isIPv4(network) ? 'ipv4' : net.isIPv6(network) ? 'ipv6' : undefined;
    const maxPrefix = family === 'ipv4' ? 32 : 128;
    const prefix = prefixText === undefined ? maxPrefix : Number(prefixText);
    if (!family || !/^\d{1,3}$/.test(prefixText ?? String(maxPrefix)) || prefix > maxPrefix) {
      throw new SwarmscopeError('invalid_config', `allowPrivateTargets: "${entry}" is not a CIDR such as 127.0.0.0/8 or ::1/128`);
    }
    list.addSubnet(network, prefix, family);
  }
  return list;
}

/**
 * The class that decides: an address embedded in NAT64 (64:ff9b::/96) or 6to4 (2002::/16) is
 * judged as the IPv4 address it reaches, so `64:ff9b::7f00:1` cannot sneak a loopback through.
 */
export function targetAddressClass(address: string): AddressClass {
  const embedded = embeddedIpv4(address);
  return classifyAddress(embedded ?? address);
}


export function createOutboundGuard(options: OutboundGuardOptions = {}): OutboundGuard {
  const allowList = parseCidrList(options.allowPrivateTargets ?? []);
  const resolve = options.resolve ?? resolveWithDns;

  function refusal(address: string): string | undefined {
    const kind = targetAddressClass(address);
    if (kind === 'public') return undefined;
    if (allowList.check(address, net.isIPv4(address) ? 'ipv4' : 'ipv6')) return undefined;
    return `${address} is a ${kind} address`;
  }

  return {
    async check(text) {
      let url: URL;
      try {
        url = new URL(text);
      } catch {
        throw new SwarmscopeError('invalid_request', `"${text.slice(0, 200)}" is not an absolute URL such as https://example.org/hook`);
      }
      if (!ALLOWED_PROTOCOLS.has(url.protocol)) {
        throw new SwarmscopeError('invalid_request', `the URL scheme must be http or https, not ${url.protocol.replace(/:$/, '')}`);
      }
      if (url.username !== '' || url.password !== '') {
        throw new SwarmscopeError('invalid_request', 'the URL must not carry a user name or password; put a token in the path or query instead');
      }
      // WHATWG URL keeps IPv6 literals in brackets.
      const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
      let addresses: ResolvedAddress[];
      if (net.isIP(host)) {
        addresses = [{ address: host, family: net.isIPv4(host) ? 4 : 6 }];
      } else {
        try {
          addresses = await resolve(host);
        } catch (error) {
          throw new SwarmscopeError('unsafe_target', `the host ${host} does not resolve (${(error as NodeJS.ErrnoException).code ?? describeError(error)})`);
        }
        if (addresses.length === 0) throw new SwarmscopeError('unsafe_target', `the host ${host} resolves to no address`);
      }
      // Every answer must pass, not just the first: the resolver's order is not ours to trust.
      for (const { address } of addresses) {
        const problem = refusal(address);
        if (problem) {
          const via = net.isIP(host) ? '' : ` (${host} resolves to it)`;
          throw new SwarmscopeError(
            'unsafe_target',
            `refusing ${url.origin}: ${problem}${via}; only public addresses are allowed unless listed in SWARMSCOPE_ALLOW_PRIVATE_TARGETS`,
          );
        }
      }
      const chosen = addresses[0]!;
      return { url, address: chosen.address, family: chosen.family };
    },
  };
}

/** A `lookup` for http.request that answers with the checked address only, whatever DNS says now. */
export function pinnedLookup(target: Pick<CheckedTarget, 'address' | 'family'>): LookupFunction {
  return ((_hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  }) as LookupFunction;
}
