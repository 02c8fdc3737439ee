/** Times in API answers: ISO 8601 UTC, and null stays null (not measured, not happened yet). */
export function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}
