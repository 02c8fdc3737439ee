/**
 * Sits between our wire and the socket and reads every frame we send (BEP 3: a 68-byte handshake,
 * then `<length><id><payload>` messages). Probes measure; they never download or upload content.
 * A `request` (id 6) or `piece` (id 7) message is a bug, so it is stopped here, before it reaches
 * the peer, whichever code path produced it. The tally of ids sent lets tests prove it.
 */
import { Transform, type TransformCallback } from 'node:stream';

const HANDSHAKE_BYTES = 68;
/** BEP 3 message ids a probe must never send: asking for payload, or sending any. */
const FORBIDDEN_IDS = new Map([
  [6, 'request'],
  [7, 'piece'],
]);

export class PayloadMessageRefused extends Error {
  constructor(readonly messageName: string) {
    super(`refusing to send a "${messageName}" message: probes never transfer payload`);
    this.name = 'PayloadMessageRefused';
  }
}

export class OutgoingGuard extends Transform {
  /** How many messages of each id were sent; keep-alives are not counted. */
  readonly sentIds = new Map<number, number>();
  private handshakeLeft = HANDSHAKE_BYTES;
  private readonly lengthBytes = Buffer.alloc(4);
  private lengthFilled = 0;
  private bodyLeft = 0;
  private atMessageStart = false;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.handshakeLeft > 0) {
        const skipped = Math.min(this.handshakeLeft, chunk.length - offset);
        this.handshakeLeft -= skipped;
        offset += skipped;
      } else if (this.bodyLeft > 0) {
        if (this.atMessageStart) {
          this.atMessageStart = false;
          const id = chunk[offset]!;
          const forbidden = FORBIDDEN_IDS.get(id);
          if (forbidden) return callback(new PayloadMessageRefused(forbidden));
          this.sentIds.set(id, (this.sentIds.get(id) ?? 0) + 1);
        }
        const skipped = Math.min(this.bodyLeft, chunk.length - offset);
        this.bodyLeft -= skipped;
        offset += skipped;
      } else {
        this.lengthBytes[this.lengthFilled++] = chunk[offset++]!;
        if (this.lengthFilled === 4) {
          this.lengthFilled = 0;
          this.bodyLeft = this.lengthBytes.readUInt32BE(0);
          this.atMessageStart = this.bodyLeft > 0;
        }
      }
    }
    callback(null, chunk);
  }
}
