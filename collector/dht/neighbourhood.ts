/**
 * Looking past the dead contacts around an infohash, between two converge rounds (get-peers.ts).
 *
 * A get_peers reply lists the responder's k = 8 closest contacts (BEP 5), and on the real DHT a
 * large share of the contacts in any reply never answer. Where dead contacts fill those lists, a
 * live node just behind them is in nobody's 8, and the converge never learns of it, though it
 * may hold peers: on the Internet profile of the sim (600 nodes, 30 swarms of 500–3,000 peers,
 * 64 lookups at once) one or two holders ranked 9th–14th were unknown to 5 of 30 lookups, which
 * lost 150–550 peers each.
 *
 * So when a node closer than the k-th responder failed (the sign that the lists were crowded with
 * dead ones), the lookup asks the responders closest to a few sibling targets — the infohash with
 * one bit flipped around the depth of its neighbourhood — for their contacts there (find_node).
 * Each flip puts a different part of the neighbourhood at the top of their lists; the nodes found
 * closer to the infohash are then asked for peers by the next converge round. Those failed close
 * nodes get one more attempt too, at a backed-off timeout (RFC 6298 §5.5, lookup-state.ts).
 * On a DHT where every contact answers this never runs.
 */
import { commonPrefixBits, compareDistance } from '../../protocol/node-id.ts';
import type { Candidate, LookupState } from './lookup-state.ts';

/** Sibling targets: bits flipped from one above the neighbourhood's depth to two below it. */
const FLIPPED_BITS_ABOVE_DEPTH = 1;
const FLIPPED_BITS_BELOW_DEPTH = 2;
/** Responders asked per sibling target: the closest to it, whose lists cover it best. */
export const ASKED_PER_SIBLING_TARGET = 3;
const ID_BITS = 160;

/** The infohash with bit `bit` (0 = most significant) flipped. */
export function siblingTarget(target: Buffer, bit: number): Buffer {
  const sibling = Buffer.from(target);
  sibling[bit >> 3]! ^= 0x80 >> (bit & 7);
  return sibling;
}

/**
 * Runs once after the first converge; resolves to whether it changed anything the converge
 * should look at again (new candidates, or failed close nodes given another attempt).
 */
export async function lookAroundNeighbourhood(state: LookupState, couldHoldPeers: (candidate: Candidate) => boolean): Promise<boolean> {
  const { k } = state.options;
  const responders = state.liveByDistance().filter((candidate) => candidate.state === 'responded');
  const kth = responders.filter(couldHoldPeers)[k - 1] ?? responders.at(-1);
  if (!kth) return false;
  const failedCloser = [...state.candidates.values()].filter(
    (candidate) => candidate.state === 'failed' && compareDistance(state.target, candidate.contact.id, kth.contact.id) < 0,
  );
  if (failedCloser.length === 0) return false;
  for (const candidate of failedCloser) candidate.state = 'new';
  const depth = commonPrefixBits(state.target, kth.contact.id);
  const asks: Promise<boolean>[] = [];
  for (let bit = Math.max(0, depth - FLIPPED_BITS_ABOVE_DEPTH); bit <= Math.min(ID_BITS - 1, depth + FLIPPED_BITS_BELOW_DEPTH); bit++) {
    const sibling = siblingTarget(state.target, bit);
    const closestToSibling = [...responders].sort((a, b) => compareDistance(sibling, a.contact.id, b.contact.id)).slice(0, ASKED_PER_SIBLING_TARGET);
    for (const responder of closestToSibling) asks.push(state.askForContacts(responder, sibling));
  }
  await Promise.all(asks);
  return true;
}
