/**
 * Okabe & Ito's colour-blind-safe palette (2008), in an order that keeps neighbours apart for the
 * common deficiencies; yellow is left out because it fails contrast on white. Each series also gets
 * its own dash pattern, so lines stay distinguishable in greyscale print and for any colour vision.
 */
export const COLOURS = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#000000'];
export const DASHES = [[], [8, 4], [2, 3], [10, 3, 2, 3], [4, 4], [1, 2], [12, 2]];

export function seriesStyle(index) {
  return { colour: COLOURS[index % COLOURS.length], dash: DASHES[index % DASHES.length] };
}

/** Event markers on time axes, by what happened. */
export const EVENT_COLOURS = {
  swarm: '#D55E00',
  mirror: '#CC79A7',
  torrent: '#009E73',
  discovery: '#0072B2',
  // The timeline (takedowns, news, magnets posted, notes): what happened outside the swarm.
  timeline: '#56B4E9',
};

export function eventColour(type) {
  return EVENT_COLOURS[String(type).split('.')[0]] ?? '#000000';
}
