/**
 * What each series means, in the words a reader needs next to a chart (README "What it measures").
 * `sum` marks series the page derives by adding two API series at the same instant.
 */
export const METRICS = {
  dht_peers: {
    label: 'DHT peers',
    unit: 'peers',
    what: 'distinct addresses a complete get_peers lookup returned (BEP 5), each confirmed by two nodes near the torrent',
  },
  dht_peers_v6: { label: 'DHT peers (IPv6)', unit: 'peers', what: 'the same lookup on the IPv6 DHT (BEP 32)' },
  bep33_peers: {
    label: 'BEP 33 estimate',
    unit: 'peers',
    what: 'swarm size estimated from the bloom filters of the nodes closest to the torrent (BEP 33 scrape): seeders and downloaders',
  },
  bep33_seeders: { label: 'Seeders (BEP 33)', unit: 'peers', what: 'seeders estimated from the BEP 33 seed filters' },
  tracker_peers: {
    label: 'Tracker peers',
    unit: 'peers',
    what: 'seeders + leechers from tracker scrapes, the largest tracker (a sum over trackers double-counts)',
    sum: ['tracker_seeders', 'tracker_leechers'],
  },
  tracker_seeders: { label: 'Seeders (trackers)', unit: 'peers', what: 'seeders a tracker scrape reported, largest tracker' },
  tracker_leechers: { label: 'Leechers (trackers)', unit: 'peers', what: 'leechers a tracker scrape reported, largest tracker' },
  tracker_completed: { label: 'Completed downloads', unit: 'downloads', what: 'completed downloads a tracker counted' },
  probe_peers: {
    label: 'Probed peers',
    unit: 'peers',
    what: 'peers reached over the peer wire this sweep (a bounded sample), seeders and leechers',
    sum: ['probe_seeders', 'probe_leechers'],
  },
  probe_seeders: { label: 'Seeders (probes)', unit: 'peers', what: 'probed peers holding every piece (bitfield or have-all)' },
  probe_leechers: { label: 'Leechers (probes)', unit: 'peers', what: 'probed peers missing pieces' },
  unique_peers: {
    label: 'Unique peers since watching began',
    unit: 'peers',
    what: 'distinct peers seen since the torrent was first watched, from a mergeable sketch of keyed hashes (no addresses kept)',
    agg: 'last',
  },
  new_peers: { label: 'New peers', unit: 'peers', what: 'peers not seen before for this torrent, per sweep' },
  dht_nodes: { label: 'DHT nodes answering', unit: 'nodes', what: 'nodes that answered the lookup' },
  lookup_ms: { label: 'Lookup time', unit: 'ms', what: 'duration of the DHT lookup' },
  countries: { label: 'Countries', unit: 'countries', what: 'countries the peers were located in' },
};

/** The metrics a person can pick in the compare view, most useful first. */
export const COMPARABLE = ['dht_peers', 'bep33_peers', 'unique_peers', 'tracker_seeders', 'tracker_leechers', 'probe_seeders', 'new_peers', 'countries'];

export function metricInfo(metric) {
  return METRICS[metric] ?? { label: metric, unit: '', what: '' };
}

/** The API series a metric needs: itself, or the two it is summed from. */
export function sourceMetrics(metric) {
  return metricInfo(metric).sum ?? [metric];
}

/** Bucket aggregation: the last value for counts since a start (averaging them is meaningless), else the mean. */
export function aggregationOf(metric) {
  return metricInfo(metric).agg ?? 'avg';
}
