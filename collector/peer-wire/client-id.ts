/**
 * Which BitTorrent client a peer runs, for the client mix. The BEP 10 handshake's `v` ("client name
 * and version") wins when present; otherwise the peer id's prefix (BEP 20): Azureus style
 * `-qB4520-` (two letters, four version characters) or the Mainline/aria2 style `M7-4-3--`,
 * `A2-1-36-0-`. Names are bounded and cleaned, because they become a series tag.
 */

/** BEP 20 Azureus-style codes of the clients seen in public swarms (from libtorrent's identify_client). */
const AZUREUS_CODES: Record<string, string> = {
  qB: 'qBittorrent',
  TR: 'Transmission',
  UT: 'µTorrent',
  UM: 'µTorrent Mac',
  UW: 'µTorrent Web',
  LT: 'libtorrent',
  lt: 'rTorrent',
  DE: 'Deluge',
  AZ: 'Vuze',
  BI: 'BiglyBT',
  BT: 'BitTorrent',
  BW: 'BitWombat',
  KT: 'KTorrent',
  WW: 'WebTorrent',
  WD: 'WebTorrent Desktop',
  FD: 'Free Download Manager',
  XL: 'Xunlei',
  SD: 'Thunder',
  PI: 'PicoTorrent',
  FW: 'FrostWire',
  TX: 'Tixati',
  TL: 'Tribler',
  HL: 'Halite',
  MG: 'MediaGet',
  BN: 'Baidu Netdisk',
  SZ: 'Shareaza',
  FL: 'Flud',
  LW: 'LimeWire',
  VG: 'Vagaa',
};

/** Mainline style: one letter then `major-minor-patch-` (BEP 20); aria2 uses `A2-`. */
const MAINLINE_CODES: Record<string, string> = { M: 'BitTorrent', Q: 'Queen Bee', A2: 'aria2' };

const MAX_NAME_CHARS = 40;
export const UNKNOWN_CLIENT = 'unknown';

/** Version characters are digits, or letters for 10–35 (libtorrent's rule): `0D60` → 0.13.6. */
function azureusVersion(chars: string): string {
  const parts = [...chars.slice(0, 3)].map((char) => parseInt(char, 36));
  return parts.every((part) => Number.isFinite(part)) ? parts.join('.') : '';
}

function fromPeerId(peerId: Buffer): string | null {
  const text = peerId.subarray(0, 10).toString('latin1');
  const azureus = /^-([A-Za-z~]{2})([0-9A-Za-z]{4})-/.exec(text);
  if (azureus) {
    const name = AZUREUS_CODES[azureus[1]!];
    return name ? `${name} ${azureusVersion(azureus[2]!)}`.trim() : null;
  }
  const mainline = /^(A2|[A-Z])-?(\d+)-(\d+)-(\d+)-/.exec(text);
  if (mainline) {
    const name = MAINLINE_CODES[mainline[1]!];
    return name ? `${name} ${mainline[2]}.${mainline[3]}.${mainline[4]}` : null;
  }
  return null;
}

/** `qBittorrent/4.5.2` → `qBittorrent 4.5.2`; control characters and odd symbols go; length is capped. */
function cleanVersionString(raw: string): string | null {
  const cleaned = raw
    .replace(/\//, ' ')
    .replace(/[^\p{L}\p{N} ._+()-]/gu, '')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, MAX_NAME_CHARS)
    .trim();
  return cleaned.length > 0 ? cleaned : null;
}

export function clientName(peer: { v?: unknown; peerId?: Buffer | null }): string {
  if (peer.v instanceof Uint8Array || typeof peer.v === 'string') {
    const raw = typeof peer.v === 'string' ? peer.v : Buffer.from(peer.v).toString('utf8');
    const cleaned = cleanVersionString(raw);
    if (cleaned) return cleaned;
  }
  return (peer.peerId && fromPeerId(peer.peerId)) ?? UNKNOWN_CLIENT;
}
