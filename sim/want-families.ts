/**
 * BEP 32 `want`: a find_node or get_peers query may ask for `nodes` ("n4"), `nodes6` ("n6") or both,
 * whichever family it arrived over. Without a usable `want` the reply carries the contacts of the
 * family the query came in on, as BEP 32 specifies.
 */
import { type BencodeDict, isBytes } from '../protocol/bencode.ts';
import type { IpFamily } from './synthetic-addresses.ts';

const WANT_FAMILIES: Record<string, IpFamily> = { n4: 4, n6: 6 };

/** The families asked for, in a fixed order; `explicit` tells a real `want` from the default. */
export function wantedFamilies(args: BencodeDict, queryFamily: IpFamily): { families: IpFamily[]; explicit: boolean } {
  const want = args.want;
  const asked = new Set<IpFamily>();
  if (Array.isArray(want)) {
    for (const entry of want) {
      const family = isBytes(entry) ? WANT_FAMILIES[entry.toString('latin1')] : undefined;
      if (family) asked.add(family);
    }
  }
  // A `want` that names neither family is treated as absent rather than as "no contacts".
  if (asked.size === 0) return { families: [queryFamily], explicit: false };
  return { families: ([4, 6] as const).filter((family) => asked.has(family)), explicit: true };
}
