/**
 * The UDP ceiling the DHT collector's query rate is compared against: round trips per second of
 * small (KRPC-sized, 100-byte) datagrams between this process and a dgram echo server in a child
 * process, on 127.0.0.1 only, with 1, 16 and 64 datagrams outstanding, for a fixed time each.
 * The sends have the collector's shape (collector/dht/krpc-socket.ts: one unconnected udp4 socket,
 * `send(datagram, port, host)`), and nothing else happens per datagram: no bencoding, no
 * transaction table, no pacing. Baseline in the same run: window 1, i.e. one round trip at a time,
 * which is the loopback latency bound; the other windows are reported as multiples of it. The
 * windows take turns in short slices (1 s; 250 ms with `--quick`), so a burst of load from
 * elsewhere on the machine falls on all of them alike: 5 s per window in all, 1 s with `--quick`.
 * Asserts nothing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { once } from 'node:events';
import { formatCount, reportResult } from './results.ts';

const QUICK = process.argv.includes('--quick');
const HOST = '127.0.0.1';
const WINDOWS = [1, 16, 64] as const;
const SLICE_MS = QUICK ? 250 : 1000;
const ROUNDS = QUICK ? 4 : 5;
/** Run before the measured windows so the first one is not paying for JIT and socket warm-up. */
const WARM_UP_MS = QUICK ? 200 : 500;
/** A KRPC get_peers query is ~100 bytes on the wire. */
const DATAGRAM_BYTES = 100;
/** A datagram unanswered this long counts as lost and is replaced, so a drop cannot shrink the window for good. */
const LOST_AFTER_MS = 500;

/**
 * The echo server, plain JavaScript run by `node --input-type=module -e`: it answers every datagram
 * with itself, announces its port on stdout, and exits when its stdin closes (when this process
 * ends, even if it crashes, the pipe closes and the child does not linger).
 */
const ECHO_SERVER = `
import dgram from 'node:dgram';
const socket = dgram.createSocket('udp4');
socket.on('message', (datagram, remote) => socket.send(datagram, remote.port, remote.address));
socket.bind(0, ${JSON.stringify(HOST)}, () => process.stdout.write(JSON.stringify({ port: socket.address().port }) + '\\n'));
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
`;

async function startEchoServer(): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', ECHO_SERVER], { stdio: ['pipe', 'pipe', 'inherit'] });
  let buffered = '';
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const newline = buffered.indexOf('\n');
      if (newline >= 0) resolve((JSON.parse(buffered.slice(0, newline)) as { port: number }).port);
    });
    child.once('exit', (code) => reject(new Error(`echo server exited with ${code}`)));
    child.once('error', reject);
  });
  return { child, port };
}

interface Slice {
  roundTrips: number;
  durationMs: number;
  lost: number;
  /** Each round trip's time in µs. */
  roundTripsUs: Float64Array;
}

interface WindowResult {
  window: number;
  roundTrips: number;
  durationMs: number;
  roundTripsPerSec: number;
  /** The slowest and fastest slice: how much the machine's load moved the figure. */
  minSliceRoundTripsPerSec: number;
  maxSliceRoundTripsPerSec: number;
  p50RoundTripUs: number;
  p99RoundTripUs: number;
  lost: number;
}

const percentile = (sorted: Float64Array, p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

/** Datagram = 4-byte sequence number + padding. Never reused, so a straggler from an earlier slice is not taken for an answer. */
let nextSequence = 0;

/** Keeps `window` datagrams in flight for `durationMs`: every answer is counted and replaced by a new one. */
async function measureSlice(socket: dgram.Socket, port: number, window: number, durationMs: number): Promise<Slice> {
  // The sequence finds the send time of its answer.
  const sentAtMs = new Map<number, number>();
  // Round trips in µs, preallocated generously so recording one costs no allocation.
  let roundTripsUs = new Float64Array(1 << 20);
  let roundTrips = 0;
  let lost = 0;
  let stopped = false;
  const payload = Buffer.alloc(DATAGRAM_BYTES, 0x61);

  const sendOne = (): void => {
    const sequence = nextSequence++ >>> 0;
    const datagram = Buffer.from(payload);
    datagram.writeUInt32BE(sequence, 0);
    sentAtMs.set(sequence, performance.now());
    socket.send(datagram, port, HOST);
  };
  const onMessage = (datagram: Buffer): void => {
    const sequence = datagram.readUInt32BE(0);
    const sentMs = sentAtMs.get(sequence);
    if (sentMs === undefined) return; // answered after being counted lost, or from an earlier slice
    sentAtMs.delete(sequence);
    if (stopped) return;
    if (roundTrips === roundTripsUs.length) {
      const grown = new Float64Array(roundTripsUs.length * 2);
      grown.set(roundTripsUs);
      roundTripsUs = grown;
    }
    roundTripsUs[roundTrips++] = (performance.now() - sentMs) * 1000;
    sendOne();
  };
  socket.on('message', onMessage);
  const lossCheck = setInterval(() => {
    const oldestAllowedMs = performance.now() - LOST_AFTER_MS;
    for (const [sequence, sentMs] of sentAtMs) {
      if (sentMs >= oldestAllowedMs) continue;
      sentAtMs.delete(sequence);
      lost++;
      if (!stopped) sendOne();
    }
  }, 100);

  const startedMs = performance.now();
  for (let index = 0; index < window; index++) sendOne();
  await new Promise((resolve) => setTimeout(resolve, durationMs));
  stopped = true;
  const elapsedMs = performance.now() - startedMs;
  clearInterval(lossCheck);
  // Let the answers still in flight arrive, so they do not land in the next slice's count.
  await new Promise((resolve) => setTimeout(resolve, 50));
  socket.off('message', onMessage);

  return { roundTrips, durationMs: elapsedMs, lost, roundTripsUs: roundTripsUs.slice(0, roundTrips) };
}

function summarize(window: number, slices: readonly Slice[]): WindowResult {
  const roundTrips = slices.reduce((sum, slice) => sum + slice.roundTrips, 0);
  const durationMs = slices.reduce((sum, slice) => sum + slice.durationMs, 0);
  const sliceRates = slices.map((slice) => slice.roundTrips / (slice.durationMs / 1000));
  const sorted = new Float64Array(roundTrips);
  let offset = 0;
  for (const slice of slices) {
    sorted.set(slice.roundTripsUs, offset);
    offset += slice.roundTrips;
  }
  sorted.sort();
  return {
    window,
    roundTrips,
    durationMs,
    roundTripsPerSec: roundTrips / (durationMs / 1000),
    minSliceRoundTripsPerSec: Math.min(...sliceRates),
    maxSliceRoundTripsPerSec: Math.max(...sliceRates),
    p50RoundTripUs: percentile(sorted, 50),
    p99RoundTripUs: percentile(sorted, 99),
    lost: slices.reduce((sum, slice) => sum + slice.lost, 0),
  };
}

const startedMs = performance.now();
const server = await startEchoServer();
const socket = dgram.createSocket('udp4');
socket.on('error', (error) => {
  console.error(`UDP socket error: ${error.message}`);
  process.exitCode = 1;
});
try {
  await new Promise<void>((resolve) => socket.bind(0, HOST, resolve));
  await measureSlice(socket, server.port, 16, WARM_UP_MS);
  const slices = new Map<number, Slice[]>(WINDOWS.map((window) => [window, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const window of WINDOWS) slices.get(window)!.push(await measureSlice(socket, server.port, window, SLICE_MS));
  }
  const results = WINDOWS.map((window) => summarize(window, slices.get(window)!));

  const baseline = results[0]!;
  console.log(`UDP round trips on ${HOST}, ${DATAGRAM_BYTES}-byte datagrams to an echo server in a child process, ${(ROUNDS * SLICE_MS) / 1000} s per window in ${ROUNDS} slices taking turns:`);
  for (const result of results) {
    console.log(
      `  window ${String(result.window).padStart(2)}: ${Math.round(result.roundTripsPerSec)} round trips/s ` +
        `(${(result.roundTripsPerSec / baseline.roundTripsPerSec).toFixed(2)}× window 1; slices ${Math.round(result.minSliceRoundTripsPerSec)}–${Math.round(result.maxSliceRoundTripsPerSec)}), ` +
        `round trip p50 ${Math.round(result.p50RoundTripUs)} µs, p99 ${Math.round(result.p99RoundTripUs)} µs, ${result.lost} lost`,
    );
  }
  console.log(`total ${((performance.now() - startedMs) / 1000).toFixed(1)} s`);
  const windowed = results.slice(1);
  const figures = {
    datagramBytes: DATAGRAM_BYTES,
    durationMsPerWindow: ROUNDS * SLICE_MS,
    ...Object.fromEntries(
      results.flatMap((result) => [
        [`window${result.window}RoundTripsPerSec`, Math.round(result.roundTripsPerSec)],
        [`window${result.window}P50RoundTripUs`, Math.round(result.p50RoundTripUs)],
        [`window${result.window}P99RoundTripUs`, Math.round(result.p99RoundTripUs)],
        [`window${result.window}Lost`, result.lost],
      ]),
    ),
  };
  reportResult(figures, [
    {
      figure: `UDP echo round trips on ${HOST}, ${DATAGRAM_BYTES}-byte datagrams, ${windowed.map((result) => result.window).join(' / ')} outstanding`,
      value: `${windowed.map((result) => formatCount(result.roundTripsPerSec)).join(' / ')} round trips/s`,
      baseline: `1 outstanding: ${formatCount(baseline.roundTripsPerSec)} round trips/s`,
    },
  ]);
} finally {
  socket.close();
  server.child.stdin!.end();
  const exited = server.child.exitCode !== null ? Promise.resolve() : once(server.child, 'exit');
  const killTimer = setTimeout(() => server.child.kill('SIGKILL'), 2000);
  await exited;
  clearTimeout(killTimer);
}
