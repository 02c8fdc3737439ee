/**
 * What each series measures, in one sentence a paper can quote (METHODS.md has the long form, the
 * biases and the references). Carried in the methods record of every export, so a file says what
 * its numbers are without the documentation beside it.
 */
import type { SwarmMetric } from './types.ts';

export const METRIC_DEFINITIONS: Record<SwarmMetric, string> = {
  dht_peers: 'distinct peer addresses returned by a complete get_peers lookup (BEP 5), each corroborated by at least two nodes near the infohash',
  dht_peers_v4: 'dht_peers over IPv4; null when the collector had not joined the IPv4 DHT',
  dht_peers_v6: 'dht_peers over IPv6 (BEP 32); null when the collector had not joined the IPv6 DHT',
  dht_nodes: 'DHT nodes that answered the lookup',
  bep33_seeders: 'seeders estimated from the merged BEP 33 seed bloom filters of the closest nodes; null when saturated',
  bep33_peers: 'peers estimated from the merged BEP 33 peer bloom filters of the closest nodes; null when saturated',
  bep33_nodes: 'nodes whose BEP 33 scrape answer was merged',
  bep33_saturated: '1 when a merged BEP 33 filter was saturated (estimate ≥ 6,000): the true count is above what the filter can say',
  dht_uncorroborated: 'peer addresses returned by only one near node: reported, not counted in dht_peers',
  tracker_seeders: 'seeders reported by tracker scrapes (BEP 15/48), the maximum across trackers (a sum double-counts)',
  tracker_leechers: 'leechers reported by tracker scrapes, the maximum across trackers',
  tracker_completed: 'completed downloads reported by tracker scrapes, the maximum across trackers',
  probe_seeders: 'probed peers holding every piece (BEP 3 bitfield or BEP 6 have_all)',
  probe_leechers: 'probed peers missing pieces',
  probe_unreachable: 'sampled peers that could not be probed (no connection, no handshake)',
  pex_peers: 'distinct peers the probed peers named in their PEX messages (BEP 11): the second capture of the swarm estimate',
  swarm_estimate: 'Chapman capture-recapture estimate of the whole swarm from two captures, the DHT lookup (dht_peers) and PEX (pex_peers), with overlap swarm_estimate_overlap; assumes a closed population within the sweep and independent captures; null when the overlap is under 7',
  swarm_estimate_low: 'lower bound of the 95% interval of swarm_estimate (Chao 1987 log-normal interval; never below the peers seen)',
  swarm_estimate_high: 'upper bound of the 95% interval of swarm_estimate',
  swarm_estimate_overlap: 'peers found both by the DHT lookup and over PEX in the same sweep',
  new_peers: 'peers of this sweep not seen in this torrent’s earlier sweeps of the running collector',
  unique_peers: 'distinct peers since watching began: a HyperLogLog sketch over keyed peer hashes (~1% standard error), never raw addresses',
  countries: 'distinct registry countries (RIR whois) of the peers found',
  lookup_ms: 'duration of the DHT lookup in milliseconds',
};
