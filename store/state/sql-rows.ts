/**
 * Reading rows of the alerting tables. Queries alias columns to the camelCase names of the
 * objects they fill (`window_ms AS windowMs`), so a row needs no field-by-field copy; only JSON
 * columns are decoded. Lists are pages with the total of all rows, as the REST lists answer.
 */
import type Database from 'better-sqlite3';

export interface Page {
  offset: number;
  limit: number;
}

export function readOne<Row, Item>(statement: Database.Statement, decode: (row: Row) => Item, ...parameters: unknown[]): Item | undefined {
  const row = statement.get(...parameters) as Row | undefined;
  return row === undefined ? undefined : decode(row);
}

/** `count` answers `{ total }`; `page` takes (limit, offset). */
export function readPage<Row, Item>(count: Database.Statement, page: Database.Statement, decode: (row: Row) => Item, { offset, limit }: Page): { items: Item[]; total: number } {
  const { total } = count.get() as { total: number };
  return { items: (page.all(limit, offset) as Row[]).map(decode), total };
}
