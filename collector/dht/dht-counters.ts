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

  snapshot(): Record<string, number> {
    return Object.fromEntries(Object.entries(this)) as Record<string, number>;
  }
}
