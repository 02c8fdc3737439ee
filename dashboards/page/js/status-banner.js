/**
 * The line under the header that says whether the numbers are current: from /readyz, which answers
 * 503 with the failing check when the collector cannot reach the DHT or the store. Polled, so the
 * banner clears by itself when the DHT comes back.
 */
import { readiness } from './api.js';
import { h, replaceChildren } from './dom.js';

const POLL_MS = 30_000;

const MESSAGES = {
  dht: (detail) => `DHT unreachable: ${detail || 'no bootstrap node answered'}. New samples wait until it is back; the history below is intact.`,
  store: (detail) => `Store unreachable: ${detail || 'the series store does not answer'}.`,
};

function describe(answer) {
  if (!answer.reachable) return { kind: 'error', text: 'The swarmscope server cannot be reached; the page shows nothing new until it is back.' };
  const failed = Object.entries(answer.checks ?? {}).filter(([, check]) => !check.ok);
  if (failed.length > 0) {
    return { kind: 'error', text: failed.map(([name, check]) => (MESSAGES[name] ?? ((detail) => `${name}: ${detail}`))(check.detail)).join(' ') };
  }
  if (answer.checks?.lastSweep?.detail === 'no sweep yet') return { kind: 'info', text: 'No sweep has finished yet: counts appear after the collector’s first sweep.' };
  return null;
}

export function startStatusBanner(banner) {
  const check = async () => {
    const message = describe(await readiness());
    banner.hidden = message === null;
    banner.className = `status-banner${message ? ` status-${message.kind}` : ''}`;
    banner.dataset.state = message ? message.kind : 'ready';
    replaceChildren(banner, message ? h('p', {}, message.text) : null);
  };
  check();
  setInterval(check, POLL_MS);
}
