/**
 * BEP 10 extended messages are checked with our own bencode decoder before the webtorrent modules
 * see them. Those modules decode with `bencode` 4.0.1, whose decoder loops forever on some truncated
 * dictionaries (a 33-byte ut_pex message found by tests/fuzz/parsers.property.test.ts:
 * `d5:added6:…7:added.!1:…-6:ad`, a string that claims 6 bytes and has 2): one such message from a
 * hostile peer would hang the collector. A message whose leading value our decoder cannot read
 * closes the connection as a protocol error instead.
 */
import { decodeBencode, decodeBencodePrefix } from '../../protocol/bencode.ts';

/** The extended handshake (id 0) is one dictionary; bittorrent-protocol decodes it whole. */
const HANDSHAKE_ID = 0;

/**
 * Whether the webtorrent modules may decode this extended message. ut_metadata cuts its dictionary
 * at the first `ee` of the message read as text (ut_metadata 5.0.1 onMessage), so that cut must be
 * where the dictionary really ends, and the dictionary must be ASCII for the text offsets to be the
 * byte offsets; ut_pex and the rest decode the leading value of the bytes.
 */
export function isSafeExtendedMessage(id: number, extensionName: string | undefined, message: Uint8Array): boolean {
  // bittorrent-protocol hands over Uint8Arrays (uint8-util); a Buffer view of the same bytes, no copy.
  const bytes = Buffer.isBuffer(message) ? message : Buffer.from(message.buffer, message.byteOffset, message.byteLength);
  try {
    if (id === HANDSHAKE_ID) {
      decodeBencode(bytes);
      return true;
    }
    const { end } = decodeBencodePrefix(bytes);
    if (extensionName !== 'ut_metadata') return true;
    const dictionary = bytes.subarray(0, end);
    return dictionary.every((byte) => byte < 0x80) && dictionary.toString('latin1').indexOf('ee') + 2 === end;
  } catch {
    return false;
  }
}

interface ExtendedDispatch {
  _onExtended(id: number, message: Uint8Array): void;
  extendedMapping: Record<number, string>;
}

/** Wraps bittorrent-protocol's dispatch of extended messages (Wire#_onExtended) with the check. */
export function guardExtendedMessages(wire: unknown, onUnsafe: () => void): void {
  const dispatch = wire as ExtendedDispatch;
  const original = dispatch._onExtended.bind(wire);
  dispatch._onExtended = (id, message) => {
    if (isSafeExtendedMessage(id, dispatch.extendedMapping[id], message)) original(id, message);
    else onUnsafe();
  };
}
