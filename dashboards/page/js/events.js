/**
 * Events (GET /api/v1/events: alerts fired, mirror changes, metadata found) about one torrent or one
 * mirror, for markers on its time axes and a list under the charts. An event is about a torrent when
 * its subject is the infohash or its payload names it (mirror events carry the torrent a mirror
 * serves), and about a mirror when its subject is the mirror's id.
 */
import { api } from './api.js';
import { h } from './dom.js';
import { formatDateTime, formatValue } from './format.js';
import { eventColour } from './palette.js';
import { notice } from './states.js';

/** The API's page limit: the newest 1,000 events are plenty for markers. */
const EVENT_LIMIT = 1000;

function describe(type, data = {}) {
  const metric = data.metric ? String(data.metric) : 'value';
  switch (type) {
    case 'swarm.threshold_crossed':
      return `${metric} ${data.op ?? 'crossed'} ${formatValue(data.threshold)} (was ${formatValue(data.value)})`;
    case 'swarm.growth':
      return `${metric} changed ${formatValue(data.changePercent)} % over ${formatValue((data.windowSeconds ?? 0) / 3600)} h`;
    case 'torrent.metadata':
      return `metadata found${data.name ? `: ${data.name}` : ''}`;
    default:
      if (type.startsWith('mirror.')) return [data.label ?? data.url, data.reason ?? (data.status ? `HTTP ${data.status}` : null)].filter(Boolean).join(': ');
      return data.ruleLabel ? String(data.ruleLabel) : '';
  }
}

export const aboutTorrent = (infohash) => (event) => event.subject === infohash || event.data.infohash === infohash;
export const aboutMirror = (id) => (event) => event.subject === id || event.data.mirrorId === id;

/** Events that `matches` accepts within [fromMs, toMs], oldest first. */
export async function eventsAbout(matches, { fromMs, toMs }, signal) {
  const answer = await api.events({ limit: EVENT_LIMIT }, { signal });
  return answer.events
    .map((event) => {
      const data = event.payload && typeof event.payload === 'object' ? event.payload.data ?? {} : {};
      return { id: event.id, type: event.type, atMs: Date.parse(event.occurredAt), subject: event.subject, data, text: describe(event.type, data) };
    })
    .filter((event) => matches(event) && event.atMs >= fromMs && event.atMs <= toMs)
    .sort((a, b) => a.atMs - b.atMs);
}

/**
 * Timeline events (GET /api/v1/events/timeline: takedowns, news, magnets posted, mirrors down,
 * discoveries, notes) about a torrent (and its families) or a family (and its torrents), as markers
 * and list entries of type `timeline.<kind>`. A server without the route gives none, not an error.
 */
export async function timelineAbout(about, { fromMs, toMs }, signal) {
  try {
    const answer = await api.timeline({ ...about, from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), limit: EVENT_LIMIT }, { signal });
    return answer.events.map((event) => ({ id: event.id, type: `timeline.${event.kind}`, atMs: Date.parse(event.at), text: event.title, url: event.url, source: event.source, data: {} }));
  } catch (error) {
    if (error.name === 'AbortError' || !error.isMissingRoute) throw error;
    return [];
  }
}

/** Alert events and timeline events together, oldest first. */
export async function allEventsAbout(matches, about, range, signal) {
  const [alerts, timeline] = await Promise.all([eventsAbout(matches, range, signal), timelineAbout(about, range, signal)]);
  return [...alerts, ...timeline].sort((a, b) => a.atMs - b.atMs);
}

export function eventList(events) {
  if (events.length === 0) return notice('empty', 'No events in this range', 'Alerts, mirror changes, metadata found and the timeline (takedowns, news, notes) appear here and as marks on the time axes.');
  // Newest first: what someone checking "what happened?" looks for.
  return h(
    'ol',
    { class: 'event-list', reversed: true },
    [...events].reverse().map((event) =>
      h(
        'li',
        {},
        h('span', { class: 'event-dot', style: `--marker:${eventColour(event.type)}`, 'aria-hidden': 'true' }),
        h('time', { datetime: new Date(event.atMs).toISOString() }, formatDateTime(event.atMs)),
        ' ',
        h('strong', {}, event.type),
        event.text ? ` — ${event.text}` : '',
        event.url ? [' (', h('a', { href: event.url, rel: 'noopener noreferrer', target: '_blank' }, event.source ?? 'source'), ')'] : '',
      ),
    ),
  );
}
