/**
 * SQLSTATE classes 22 (data exception: a value out of range, a bad timestamp) and 23 (integrity
 * constraint: a missing parent row, a failed check) mean the request itself is wrong; retrying
 * it writes nothing new. Anything else (connections, locks, a server restarting) may pass.
 */
export function isPermanentDataError(error: unknown): boolean {
  const code = sqlState(error);
  return code !== undefined && (code.startsWith('22') || code.startsWith('23'));
}

function sqlState(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const { code } = error as { code: unknown };
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** A write the database cannot carry out as asked (a missing scene, a mismatched project). */
export class RequestRejectedError extends Error {
  override readonly name = 'RequestRejectedError';
}
