/** Message and drop counters of the DHT client, read by /metrics and the sweep report. */
export class DhtCounters {
  queriesSent = 0;
  responsesReceived = 0;
  errorReplies = 0;
  timeouts = 0;
  sendErrors = 0;
  datagramsReceived = 0;
  /** Datagrams that were not valid bencode/KRPC. */
  malformedDropped = 0;
  /** Replies with no matching query, or from another address than the one queried. */
  unexpectedDropped = 0;
  /** Peer values dropped: bogon/martian addresses (unless private addresses are allowed). */
  bogonValuesDropped = 0;
  /** Peer values that were not 6 or 18 bytes. */
  malformedValuesDropped = 0;
  /** Node contacts dropped: bogon addresses, port 0, or our own id. */
  nodesDropped = 0;
  /** Node contacts past the per-reply cap (a reply carries 8 per family; hostile ones carry hundreds). */
  nodesOverCap = 0;
  /** Queries not sent because loopback-only mode is on and the contact is elsewhere. */
  nonLoopbackRefused = 0;
  /** Queries held back so that no IP gets more than the polite rate. */
  rateLimitedWaits = 0;
  /** Values over the per-node cap of one lookup. */
  valuesOverNodeCap = 0;
  /** Values returned by a node outside the closest responders of the lookup (not counted). */
  valuesFromFarNodes = 0;
  /** Values from nodes flagged suspect (they returned values far from where they could hold them). */
  valuesFromSuspects = 0;
  /** Nodes flagged suspect so far. */
  suspectNodes = 0;
  /** Responders whose id follows BEP 42 for their IP, breaks it, or is exempt (local address). */
  bep42Compliant = 0;
  bep42NonCompliant = 0;
  bep42Exempt = 0;

  snapshot(): Record<string, number> {
    return Object.fromEntries(Object.entries(this)) as Record<string, number>;
  }
}
