/** The event timeline (DESIGN.md §5 `/api/v1/events/timeline`): shapes shared by its routes and the OpenAPI document. */
import { Type, type Static } from 'typebox';
import { MAX_SOURCE_CHARS, MAX_TIMELINE_PAGE, MAX_TITLE_CHARS, MAX_URL_CHARS, TIMELINE_KINDS } from '../../store/state/timeline-repo.ts';
import { MAX_PAGE_OFFSET, NullableString } from './common.ts';

export const TimelineEventJson = Type.Object({
  id: Type.String(),
  at: Type.String({ format: 'date-time' }),
  kind: Type.String({ description: TIMELINE_KINDS.join(', ') }),
  title: Type.String(),
  url: NullableString,
  source: Type.String({ description: 'who or what recorded it: user, api, cli, mirror-checker, discovery, shipped, or a publication' }),
  infohash: NullableString,
  family: Type.Union([Type.String(), Type.Null()], { description: 'a family id' }),
});

export const TimelineList = Type.Object({ events: Type.Array(TimelineEventJson), total: Type.Integer() });

export const TimelineQuery = Type.Object({
  from: Type.Optional(Type.String({ description: 'ISO 8601, "now", relative (-30d) or epoch ms; default: the beginning' })),
  to: Type.Optional(Type.String({ description: 'same forms; default: now' })),
  infohash: Type.Optional(Type.String({ description: 'events about this torrent and about the families it belongs to' })),
  family: Type.Optional(Type.String({ maxLength: 100, description: 'events about this family and about its torrents' })),
  kind: Type.Optional(Type.Enum([...TIMELINE_KINDS])),
  offset: Type.Integer({ minimum: 0, maximum: MAX_PAGE_OFFSET, default: 0 }),
  limit: Type.Integer({ minimum: 1, maximum: MAX_TIMELINE_PAGE, default: 500 }),
  format: Type.Enum(['json', 'csv'], { default: 'json' }),
});
export type TimelineQuery = Static<typeof TimelineQuery>;

export const NewTimelineBody = Type.Object(
  {
    at: Type.String({ maxLength: 40, description: 'ISO 8601 time of the event' }),
    kind: Type.Enum([...TIMELINE_KINDS]),
    title: Type.String({ minLength: 1, maxLength: MAX_TITLE_CHARS }),
    url: Type.Optional(Type.String({ maxLength: MAX_URL_CHARS, description: 'http or https: the source to cite' })),
    source: Type.Optional(Type.String({ minLength: 1, maxLength: MAX_SOURCE_CHARS, description: 'default "api"' })),
    infohash: Type.Optional(Type.String({ maxLength: 64 })),
    family: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'a family id' })),
  },
  { additionalProperties: false },
);
export type NewTimelineBody = Static<typeof NewTimelineBody>;

export const TimelineParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });
export type TimelineParams = Static<typeof TimelineParams>;
