/**
 * The newest total-swarm estimate of a torrent (issue 13), next to the counts it comes from: the
 * number with its 95% interval, the two captures and their overlap, and the assumptions it rests
 * on — or, when there is no number, why. A reader must never take it for a count.
 */
import { h } from '../dom.js';
import { formatCount } from '../format.js';

export function swarmEstimateNote(estimate) {
  if (!estimate) return null;
  const captures = `DHT ${formatCount(estimate.dhtPeers)}, PEX ${formatCount(estimate.pexPeers)}, both ${formatCount(estimate.overlap)}`;
  const headline = estimate.estimate === null
    ? h('p', {}, h('strong', {}, 'Total swarm: no estimate'), ` — ${estimate.reason} (captures: ${captures}).`)
    : h('p', {},
        h('strong', {}, `Total swarm ≈ ${formatCount(estimate.estimate)}`),
        ` (95% interval ${formatCount(estimate.low)}–${formatCount(estimate.high)}; captures: ${captures}).`);
  return h('details', { class: 'swarm-estimate', 'data-estimate': estimate.estimate ?? '' },
    h('summary', {}, headline),
    h('p', {}, estimate.method, '. It assumes:'),
    h('ul', {}, estimate.assumptions.map((assumption) => h('li', {}, assumption))));
}
