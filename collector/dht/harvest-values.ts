/**
 * The harvest stage of a get_peers lookup. A node that stores more peers than fit in one reply
 * answers with a random subset each time (libtorrent: `max_peers_reply`, 100), so one reply
 * undercounts a large swarm. Each node that returned values is asked once more: identical answers
 * mean it gave everything it has; differing answers mean it samples, and such nodes are asked again,
 * in turn and at a polite pace, until the pooled distinct set has stopped growing.
 *
 * Stopping rule: treat every reply from sampling nodes as a random draw of s values from a
 * population of D (the distinct values seen from them so far). A value counts only once two nodes
 * returned it (corroboration, get-peers.ts), so the harvest runs until the expected number of
 * values fewer than two nodes returned (`expectedFromFewerThanTwoNodes`) falls below
 * `missProbability`. With D = 5,000, s = 100 and 8 holders that takes about 124 replies from each
 * (992 in all). A budget caps the queries per node and per lookup, so a hostile node cannot keep a
 * lookup busy.
 *
 * That pooled rule holds when every holder stores the same peers. On the real DHT each libtorrent
 * node keeps at most 500 peers per infohash (`dht_max_peers`), so the holders of a large swarm store
 * different subsets, and a peer two of them store is corroborated only once it was drawn from both.
 * A node whose store, estimated from the repeats among its own replies (capture–recapture,
 * `estimatedStoreSize`), is well below the pooled distinct set (under 95% of it) is such a node: it
 * is asked until its own store is exhausted, i.e. until the values of it never drawn,
 * d · Π(1 − s_j/d) over its own replies, fall below its share of `missProbability` (about 59
 * replies of 100 for a store of 500). Measured on the Internet profile of the sim (issue 12).
 */
import type { Candidate, LookupState } from './lookup-state.ts';
import { monotonicMs } from '../../core/clock.ts';

export interface HarvestOptions {
  /** Expected number of stored values fewer than two nodes returned (so not yet corroborated) at which the harvest stops. */
  missProbability: number;
  /** Queries to one node in one lookup, at most. */
  maxQueriesPerNode: number;
  /** Harvest queries in one lookup, at most. */
  maxQueries: number;
  /**
   * Minimum gap between two queries to the same node. libtorrent ignores an IP that sends more than
   * 5 packets a second on average (dht_block_ratelimit), so 250 ms stays under it.
   */
  perNodeGapMs: number;
}

export const DEFAULT_HARVEST_OPTIONS: HarvestOptions = {
  missProbability: 0.001,
  // jech/dht (Transmission) stores up to 2,048 peers and answers 50 as a circular slice: ~370 replies
  // leave fewer than 1 in 10,000 of them unread ((1 − 50/2048)^370); 200 left 0.7%.
  maxQueriesPerNode: 400,
  maxQueries: 2000,
  perNodeGapMs: 250,
};

/**
 * A node is given up after this many unanswered queries in a row. Three lost holders mid-harvest on
 * the Internet profile (5% loss each way, RTT median 150 ms / p95 800 ms): a query fails about 13%
 * of the time at the learned timeout and ~10% at the backed-off one, so three in a row happened
 * somewhere in a holder's 60 replies about once in twelve holders, and its unread peers went
 * uncorroborated. After six in a row (~1e-6 per query) a node is gone, not unlucky.
 */
export const MAX_CONSECUTIVE_FAILURES = 6;

interface Sampler {
  candidate: Candidate;
  queries: number;
  failures: number;
  nextAllowedMs: number;
  /** What this node returned, and the sizes of its replies: its own store's coverage. */
  seen: Set<string>;
  replySizes: number[];
  /** Its store size, estimated from its replies (estimatedStoreSize). */
  storeEstimate: number;
}

/** A node stores a subset of the pooled values (not all of them) when its estimated store size is below this share of the pool. */
export const OWN_STORE_SHARE = 0.95;

function sameSet(a: Set<string>, b: Set<string>): boolean {
  if (a.size !== b.size) return false;
  for (const key of a) if (!b.has(key)) return false;
  return true;
}

/**
 * The expected count of values, in a population of D, that fewer than two nodes returned, when
 * each node's replies are random draws from all D: with q_i = Π_j (1 − s_ij/D) the chance node i
 * never returned a given value, D · (Π q_i + Σ_i (1 − q_i) Π_{l≠i} q_l). Counting nodes, not
 * draws: two draws of a value from one node do not corroborate it (corroboration.ts), so a node
 * that answered less often than the others (lost queries, a long RTT) keeps the harvest going until
 * it too has returned the values. A reply as large as D held everything (q_i = 0).
 */
export function expectedFromFewerThanTwoNodes(distinct: number, replySizesByNode: readonly (readonly number[])[]): number {
  if (distinct === 0) return 0;
  const logNever: number[] = [];
  let completeNodes = 0;
  for (const replySizes of replySizesByNode) {
    const node = neverDrawnLog(distinct, replySizes);
    if (node.completeReplies > 0) completeNodes++;
    else logNever.push(node.log);
  }
  const logAllNever = logNever.reduce((sum, logQ) => sum + logQ, 0);
  if (completeNodes >= 2) return 0;
  // One node returned everything: a value is uncorroborated when no other node returned it.
  if (completeNodes === 1) return distinct * Math.exp(logAllNever);
  let fewerThanTwo = Math.exp(logAllNever);
  for (const logQ of logNever) fewerThanTwo += -Math.expm1(logQ) * Math.exp(logAllNever - logQ);
  return distinct * fewerThanTwo;
}

/**
 * log Π(1 − s_j/pool) over the replies smaller than the pool (the log of the chance that random
 * draws of those sizes missed a given value), and how many replies held the whole pool (s_j ≥ pool).
 * The sizes may come grouped (size → replies), as a node's replies mostly share its reply cap.
 */
function neverDrawnLog(pool: number, replySizes: readonly number[] | ReadonlyMap<number, number>): { log: number; completeReplies: number } {
  let log = 0;
  let completeReplies = 0;
  const add = (size: number, replies: number): void => {
    if (size >= pool) completeReplies += replies;
    else log += replies * Math.log1p(-size / pool);
  };
  if (Array.isArray(replySizes)) for (const size of replySizes) add(size, 1);
  else for (const [size, replies] of replySizes as ReadonlyMap<number, number>) add(size, replies);
  return { log, completeReplies };
}

/**
 * The expected count of a node's stored values it never returned: d · Π(1 − s_j/d). Two replies
 * holding everything seen prove the store complete (0); one alone does not (a node whose second
 * reply was lost may store more than fits in a reply), so it counts as no information.
 */
export function expectedNeverDrawn(distinct: number, replySizes: readonly number[]): number {
  const { log, completeReplies } = neverDrawnLog(distinct, replySizes);
  return completeReplies >= 2 ? 0 : distinct * Math.exp(log);
}

/**
 * A node's store size estimated from its own replies (capture–recapture over repeated draws): the N
 * at which the expected distinct count of its replies, N · (1 − Π(1 − s_j/N)), equals the distinct
 * values it returned. Replies with no value repeated give no upper bound (Infinity). A whole-pool
 * node is told from a subset node by this, not by how much of the pool it has shown so far: on a
 * DHT where every holder stores everything that would keep each holder asked until it alone had
 * shown 95% of the pool.
 */
export function estimatedStoreSize(distinct: number, replySizes: readonly number[]): number {
  if (distinct === 0) return 0;
  const drawn = replySizes.reduce((sum, size) => sum + size, 0);
  if (drawn <= distinct) return Infinity;
  // Replies mostly share one size (a node's reply cap): group them, so each evaluation is short.
  const repliesOfSize = new Map<number, number>();
  for (const size of replySizes) repliesOfSize.set(size, (repliesOfSize.get(size) ?? 0) + 1);
  const expectedDistinct = (store: number): number => {
    const { log, completeReplies } = neverDrawnLog(store, repliesOfSize);
    return completeReplies > 0 ? store : store * -Math.expm1(log);
  };
  let low = distinct;
  let high = distinct * 2;
  while (expectedDistinct(high) < distinct) {
    if (high > distinct * 1e6) return Infinity;
    high *= 2;
  }
  for (let step = 0; step < 40; step++) {
    const middle = (low + high) / 2;
    if (expectedDistinct(middle) < distinct) low = middle;
    else high = middle;
  }
  return high;
}

export async function harvestValues(state: LookupState): Promise<void> {
  const options = state.options.harvest;
  if (options.maxQueries <= 0) return;
  const holders = [...state.candidates.values()].filter((candidate) => candidate.state === 'responded' && (candidate.lastValues?.size ?? 0) > 0);
  if (holders.length === 0) return;
  const startQueries = state.queries;
  const sampled = new Set<string>();
  const samplers: Sampler[] = [];

  // Second reply from each holder: identical means complete, different means it samples. A node
  // whose second reply was lost is kept as a sampler: its next replies settle it (a complete
  // reply as large as the pooled set ends the harvest at once).
  await Promise.all(
    holders.map(async (candidate) => {
      const first = candidate.lastValues!;
      const second = await state.ask(candidate);
      if (second && sameSet(first, second)) return;
      const seen = new Set(first);
      for (const key of first) sampled.add(key);
      const ownSizes = [first.size];
      if (second) {
        for (const key of second) {
          sampled.add(key);
          seen.add(key);
        }
        ownSizes.push(second.size);
      }
      samplers.push({
        candidate,
        queries: 2,
        failures: second ? 0 : 1,
        nextAllowedMs: monotonicMs() + options.perNodeGapMs,
        seen,
        replySizes: ownSizes,
        storeEstimate: estimatedStoreSize(seen.size, ownSizes),
      });
    }),
  );

  const budgetLeft = (): boolean => state.queries - startQueries < options.maxQueries;
  let inFlight = 0;
  let wakeTimer: NodeJS.Timeout | undefined;
  await new Promise<void>((resolve) => {
    const pump = (): void => {
      if (wakeTimer) clearTimeout(wakeTimer);
      wakeTimer = undefined;
      // Least-asked first: spreading the draws over the nodes is what lets values be corroborated
      // by two nodes (get-peers.ts), and keeps every node under the polite rate.
      // Nodes that store the whole pool corroborate each other (pooled rule); a node storing a subset
      // of it is read until its own store is exhausted. A whole-pool node is also done once it alone
      // has returned all the pool: its values are then corroborated wherever anyone else has them.
      const storesWholePool = (sampler: Sampler): boolean => sampler.storeEstimate >= OWN_STORE_SHARE * sampled.size;
      const wholePool = samplers.filter(storesWholePool);
      const pooledDone = expectedFromFewerThanTwoNodes(sampled.size, wholePool.map((sampler) => sampler.replySizes)) < options.missProbability;
      const ownShare = options.missProbability / samplers.length;
      const settled = (sampler: Sampler): boolean =>
        storesWholePool(sampler)
          ? pooledDone || expectedNeverDrawn(sampled.size, sampler.replySizes) < ownShare
          : expectedNeverDrawn(sampler.seen.size, sampler.replySizes) < ownShare;
      const active = samplers
        .filter((sampler) => sampler.queries < options.maxQueriesPerNode && sampler.failures < MAX_CONSECUTIVE_FAILURES && !settled(sampler))
        .sort((a, b) => a.queries - b.queries);
      const finished = active.length === 0 || !budgetLeft();
      if (finished) {
        if (inFlight === 0) resolve();
        return;
      }
      const nowMs = monotonicMs();
      let earliestMs = Infinity;
      for (const sampler of active) {
        if (inFlight >= state.options.alpha || !budgetLeft()) break;
        if (sampler.nextAllowedMs > nowMs) {
          earliestMs = Math.min(earliestMs, sampler.nextAllowedMs);
          continue;
        }
        sampler.queries++;
        sampler.nextAllowedMs = nowMs + options.perNodeGapMs;
        inFlight++;
        void state.ask(sampler.candidate, sampler.failures).then((values) => {
          inFlight--;
          if (values) {
            sampler.failures = 0;
            sampler.replySizes.push(values.size);
            for (const key of values) {
              sampled.add(key);
              sampler.seen.add(key);
            }
            sampler.storeEstimate = estimatedStoreSize(sampler.seen.size, sampler.replySizes);
          } else {
            sampler.failures++;
          }
          pump();
        });
      }
      // Wake up when the next node may be asked again, even while other queries are in flight.
      if (earliestMs !== Infinity && inFlight < state.options.alpha && !wakeTimer) wakeTimer = setTimeout(pump, Math.max(0, earliestMs - monotonicMs()));
    };
    pump();
  });
}
