/**
 * Loopback addresses of the simulated nodes. Real nodes have distinct IPs, and BEP 33 filters as
 * well as many DHT implementations (libtorrent's routing table restricts one node per IP) count IPs,
 * not ports; Linux routes all of 127.0.0.0/8 to `lo`, so each node binds its own 127.a.b.c.
 */

/** Hosts per third octet: .1 to .254, skipping .0 and .255 that look like network and broadcast. */
const HOSTS_PER_OCTET = 254;

/** Node `index` (from 0) gets `${base}.${b}.${c}`: 127.1.0.1, 127.1.0.2, … 127.1.0.254, 127.1.1.1, … */
export function simNodeHost(bindHostBase: string, index: number): string {
  const third = Math.floor(index / HOSTS_PER_OCTET);
  const fourth = (index % HOSTS_PER_OCTET) + 1;
  if (third > 255) throw new RangeError(`node index ${index} does not fit under ${bindHostBase}.0.0/16`);
  return `${bindHostBase}.${third}.${fourth}`;
}
