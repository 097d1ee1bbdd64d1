/**
 * Which of `markers` occur in `text`, as written or inside a base64 run: Temporal's JSON shows
 * payload data base64-encoded, so a secret in a payload would not appear as written.
 */
export function markersIn(text: string, markers: readonly string[]): string[] {
  const found = new Set(markers.filter((marker) => text.includes(marker)));
  for (const run of text.match(/[A-Za-z0-9+/_-]{16,}={0,2}/g) ?? []) {
    const decoded = Buffer.from(run.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
    for (const marker of markers) if (decoded.includes(marker)) found.add(marker);
  }
  return [...found];
}
