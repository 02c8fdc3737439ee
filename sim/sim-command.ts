/**
 * `swarmscope sim` (DESIGN.md §3): start only the simulated swarm, print where to bootstrap from
 * as exactly one JSON line on stdout, and run until SIGTERM or SIGINT, then close every socket.
 * Scripts and tests read that line to learn the bootstrap addresses and the ground-truth torrents.
 */
import { type SimSwarm, startSimSwarm } from './sim-swarm.ts';

export interface SimCommandOptions {
  nodes?: number;
  torrents?: number;
  seed?: number | string;
  minPeers?: number;
  maxPeers?: number;
  /** Query loss rate, 0..1 (`lossRate` of the swarm). */
  loss?: number;
  rttMs?: number;
  jitterMs?: number;
  bindHostBase?: string;
  port?: number;
  /** Stops the swarm like a signal would; for callers that embed the command (e.g. `demo`). */
  signal?: AbortSignal;
}

/** The one line printed on stdout. */
export interface SimCommandAnnouncement {
  bootstrap: string[];
  torrents: { infohash: string; peers: number }[];
}

export function simAnnouncement(swarm: SimSwarm): SimCommandAnnouncement {
  return { bootstrap: swarm.bootstrap, torrents: swarm.torrents.map(({ infohash, peers }) => ({ infohash, peers })) };
}

const STOP_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/** Resolves once the swarm is closed after a stop signal; the caller's process can then exit 0. */
export async function runSimCommand(options: SimCommandOptions = {}): Promise<void> {
  const swarm = await startSimSwarm({
    nodes: options.nodes,
    torrents: options.torrents,
    seed: options.seed,
    minPeers: options.minPeers,
    maxPeers: options.maxPeers,
    lossRate: options.loss,
    rttMs: options.rttMs,
    jitterMs: options.jitterMs,
    bindHostBase: options.bindHostBase,
    port: options.port,
  });
  process.stdout.write(`${JSON.stringify(simAnnouncement(swarm))}\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      for (const name of STOP_SIGNALS) process.off(name, stop);
      options.signal?.removeEventListener('abort', stop);
      resolve();
    };
    for (const name of STOP_SIGNALS) process.on(name, stop);
    if (options.signal?.aborted) stop();
    else options.signal?.addEventListener('abort', stop, { once: true });
  });
  await swarm.close();
}
