/**
 * Joining the DHT: ask the bootstrap nodes for nodes near our own id (BEP 5 find_node), then walk
 * towards a few random targets so lookups start from nodes spread over the whole id space.
 * Fails with `bootstrap_unreachable` and a one-line reason per node when none answers in time.
 */
import dns from 'node:dns/promises';
import net from 'node:net';
import { SwarmscopeError, describeError } from '../../core/errors.ts';
import { decodeCompactNodes, type NodeContact } from '../../protocol/compact.ts';
import { readBytes } from '../../protocol/krpc.ts';
import { randomNodeId } from '../../protocol/node-id.ts';
import { getPeers } from './get-peers.ts';
import type { KnownNodes } from './known-nodes.ts';
import type { KrpcSocket } from './krpc-socket.ts';
import { isUsablePeer } from '../../core/address-class.ts';
import { monotonicMs, sleepMs } from '../../core/clock.ts';

export interface BootstrapOptions {
  /** The whole bootstrap, all attempts included, ends within this time. */
  timeoutMs: number;
  queryTimeoutMs: number;
  allowPrivateAddresses: boolean;
  /** Random lookups after joining, to learn nodes across the id space. */
  explorationLookups: number;
  /** Nodes saved by the last run; when one answers, the bootstrap routers are not asked at all. */
  savedNodes?: readonly NodeContact[];
}

/** How many saved nodes to try before falling back to the routers. */
const SAVED_NODES_TO_TRY = 16;

export interface BootstrapReport {
  answered: string[];
  knownNodes: number;
  durationMs: number;
}

const RETRY_BACKOFF_MS = [1000, 2000, 4000, 8000];
const DNS_TIMEOUT_MS = 5000;

export function parseHostPort(text: string): { host: string; port: number } {
  const match = /^\[([0-9a-fA-F:.]+)\]:(\d{1,5})$/.exec(text) ?? /^([^:\s]+):(\d{1,5})$/.exec(text);
  const port = match ? Number(match[2]) : NaN;
  if (!match || port < 1 || port > 65535) {
    throw new SwarmscopeError('invalid_config', `bootstrap node "${text}" is not host:port (IPv6 as [addr]:port)`);
  }
  return { host: match[1]!, port };
}

async function resolveAll(hostPort: { host: string; port: number }, family: 4 | 6): Promise<{ host: string; port: number }[]> {
  if (net.isIP(hostPort.host)) return net.isIP(hostPort.host) === family ? [hostPort] : [];
  const lookup = dns.lookup(hostPort.host, { all: true, family });
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`DNS lookup timed out after ${DNS_TIMEOUT_MS} ms`)), DNS_TIMEOUT_MS).unref());
  const addresses = await Promise.race([lookup, timeout]);
  return addresses.map((address) => ({ host: address.address, port: hostPort.port }));
}

export async function bootstrapDht(socket: KrpcSocket, knownNodes: KnownNodes, bootstrap: readonly string[], options: BootstrapOptions): Promise<BootstrapReport> {
  const startedMs = monotonicMs();
  const deadlineMs = startedMs + options.timeoutMs;
  const family = net.isIPv6(socket.address.host) ? 6 : 4;
  const problems = new Map<string, string>();
  const targets: { label: string; host: string; port: number }[] = [];
  for (const text of bootstrap) {
    const hostPort = parseHostPort(text);
    try {
      const resolved = await resolveAll(hostPort, family);
      if (resolved.length === 0) problems.set(text, `no IPv${family} address`);
      for (const address of resolved) targets.push({ label: text, ...address });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      problems.set(text, `DNS lookup failed (${code ?? describeError(error)})`);
    }
  }

  const answered = new Set<string>();
  const askForNodes = async (target: { host: string; port: number }, queryTimeoutMs: number, router: boolean): Promise<void> => {
    const response = await socket.query(target, 'find_node', { target: socket.nodeId }, queryTimeoutMs);
    const nodesField = readBytes(response.body, family === 4 ? 'nodes' : 'nodes6');
    const nodes = nodesField ? decodeCompactNodes(nodesField, family) : [];
    for (const node of nodes) if (isUsablePeer(node, options.allowPrivateAddresses)) knownNodes.markAlive(node);
    // The node that answered is a starting point too: if every node it named turns out dead or
    // hostile, lookups can still begin here.
    knownNodes.markAlive({ id: response.senderId, host: target.host, port: target.port, family }, { router });
  };
  const saved = (options.savedNodes ?? []).filter((node) => node.family === family).slice(0, SAVED_NODES_TO_TRY);
  await Promise.all(
    saved.map(async (node) => {
      try {
        await askForNodes(node, options.queryTimeoutMs, false);
        answered.add('saved nodes');
      } catch {
        // A saved node that left the DHT since: the routers remain.
      }
    }),
  );
  for (let attempt = 0; targets.length > 0 && answered.size === 0 && monotonicMs() < deadlineMs && !socket.isClosed; attempt++) {
    const queryTimeoutMs = Math.round(Math.min(options.queryTimeoutMs, Math.max(100, deadlineMs - monotonicMs())));
    await Promise.all(
      targets.map(async (target) => {
        try {
          await askForNodes(target, queryTimeoutMs, true);
          answered.add(target.label);
        } catch (error) {
          problems.set(target.label, describeError(error));
        }
      }),
    );
    if (answered.size === 0) await sleepMs(Math.min(RETRY_BACKOFF_MS[attempt] ?? 8000, deadlineMs - monotonicMs()));
  }
  if (answered.size === 0) {
    const reasons = bootstrap.map((text) => `${text}: ${problems.get(text) ?? 'no answer'}`).join('; ');
    throw new SwarmscopeError('bootstrap_unreachable', `DHT bootstrap failed after ${Math.round((monotonicMs() - startedMs) / 1000)} s, no node answered (${reasons})`);
  }

  // Exploration: lookups towards our own id and random ids fill the known nodes across the id space.
  const explorationTargets = [socket.nodeId, ...Array.from({ length: options.explorationLookups }, () => randomNodeId())];
  await Promise.all(
    explorationTargets.map((target) =>
      getPeers(socket, knownNodes, target.toString('hex'), {
        allowPrivateAddresses: options.allowPrivateAddresses,
        harvest: { missProbability: 1, maxQueriesPerNode: 0, maxQueries: 0, perNodeGapMs: 0 },
      }).catch(() => undefined),
    ),
  );
  return { answered: [...answered], knownNodes: knownNodes.size, durationMs: Math.round(monotonicMs() - startedMs) };
}
