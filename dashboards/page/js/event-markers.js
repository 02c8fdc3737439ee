/**
 * A uPlot plugin that marks events (alerts fired, mirrors going down or back, metadata found) on the
 * time axis. Markers are DOM elements over the plot rather than canvas strokes: each has a title and
 * an accessible name, so hovering or tabbing to one says what happened and when.
 */
import { h } from './dom.js';
import { formatDateTime } from './format.js';
import { eventColour } from './palette.js';

/** `events`: [{ atMs, type, text }]; call `plugin.setEvents()` to replace them after a refresh. */
export function eventMarkers(initialEvents = []) {
  let events = initialEvents;
  let layer;
  let chart;

  const place = () => {
    if (!layer || !chart) return;
    const [min, max] = [chart.scales.x.min, chart.scales.x.max];
    layer.replaceChildren();
    for (const event of events) {
      const seconds = event.atMs / 1000;
      if (min === undefined || seconds < min || seconds > max) continue;
      const left = chart.valToPos(seconds, 'x');
      const label = `${event.type} at ${formatDateTime(event.atMs)}${event.text ? `: ${event.text}` : ''}`;
      layer.append(
        h('span', {
          class: 'event-marker',
          style: `left:${left}px;--marker:${eventColour(event.type)}`,
          title: label,
          'aria-label': label,
          role: 'img',
          tabindex: '0',
          dataset: { eventType: event.type },
        }),
      );
    }
  };

  return {
    setEvents(next) {
      events = next;
      place();
    },
    hooks: {
      init(u) {
        chart = u;
        layer = h('div', { class: 'event-layer' });
        u.over.append(layer);
      },
      setScale: place,
      setSize: place,
      ready: place,
    },
  };
}
