/** Schemas several routes share. They double as the OpenAPI description of the API. */
import { Type, type Static } from 'typebox';
import { ERROR_CATALOGUE } from '../../core/errors.ts';

export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.Enum(Object.keys(ERROR_CATALOGUE), { description: 'a stable code from the error catalogue' }),
      message: Type.String({ description: 'what went wrong, for a person' }),
    }),
  },
);

export const InfohashParams = Type.Object({
  // Checked by core/infohash.ts in the handler, which explains what is wrong with a bad one.
  infohash: Type.String({ description: '40 hex characters (or 32 base32)' }),
});
export type InfohashParams = Static<typeof InfohashParams>;

export const MAX_PAGE_LIMIT = 1000;
export const MAX_PAGE_OFFSET = 1_000_000_000;

// Query strings tolerate unknown parameters (cache busters such as `_=123`); bodies do not.
export const PageQuery = Type.Object({
  // Bounded: SQLite integers are 64-bit, and no list is a billion rows long.
  offset: Type.Integer({ minimum: 0, maximum: MAX_PAGE_OFFSET, default: 0 }),
  limit: Type.Integer({ minimum: 1, maximum: MAX_PAGE_LIMIT, default: 100 }),
});
export type PageQuery = Static<typeof PageQuery>;

export const NullableNumber = Type.Union([Type.Number(), Type.Null()]);
export const NullableString = Type.Union([Type.String(), Type.Null()]);
