/**
 * "How many different peers in this range?": the union of the range's HyperLogLog sketches
 * (GET /api/v1/torrents/:infohash/unique-peers), which the unique_peers series cannot answer for a
 * range that does not start when watching began, and which a sum of per-sweep counts would inflate.
 */
import { api } from '../api.js';
import { h } from '../dom.js';
import { formatCount } from '../format.js';

export async function distinctPeersNote(infohash, resolved, capabilities, signal) {
  if (!capabilities.uniquePeers) return null;
  try {
    const answer = await api.uniquePeers(infohash, { from: resolved.query.from, to: resolved.query.to }, { signal });
    const text = answer.uniquePeers === null ? 'no sweep in this range kept a sketch' : `${formatCount(answer.uniquePeers)} peers`;
    return h('p', { class: 'distinct-peers', dataset: { distinct: answer.uniquePeers ?? '' } },
      h('strong', {}, 'Distinct peers in this range: '), text,
      h('span', { class: 'muted' }, ' (a merge of the sweeps’ HyperLogLog sketches of keyed hashes, within about 1 %; no address is kept)'));
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    return h('p', { class: 'muted' }, `Distinct peers in this range could not be counted: ${error.message}`);
  }
}
