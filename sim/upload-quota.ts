/**
 * libtorrent's DHT upload budget (src/kademlia/dht_tracker.cpp `has_quota` / `send_packet`): the
 * quota grows by `dht_upload_rate_limit` bytes a second (8,000 by default), capped at three seconds'
 * worth, and starts at one second's worth. A query is answered only while the quota is above 0;
 * the answer is sent whole and its size taken off, so the quota may go negative and the next
 * queries are dropped until it has grown back.
 */
const BURST_SECONDS = 3;

export class UploadQuota {
  private quotaBytes: number;
  private lastMs: number;

  constructor(
    private readonly bytesPerSec: number,
    nowMs: number,
  ) {
    this.quotaBytes = bytesPerSec;
    this.lastMs = nowMs;
  }

  /** Whether a query arriving now may be answered. */
  hasQuota(nowMs: number): boolean {
    if (this.bytesPerSec <= 0) return true;
    this.quotaBytes = Math.min(BURST_SECONDS * this.bytesPerSec, this.quotaBytes + (this.bytesPerSec * Math.max(0, nowMs - this.lastMs)) / 1000);
    this.lastMs = nowMs;
    return this.quotaBytes > 0;
  }

  spend(bytes: number): void {
    if (this.bytesPerSec > 0) this.quotaBytes -= bytes;
  }
}
