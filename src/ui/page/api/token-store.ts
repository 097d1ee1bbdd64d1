const KEY = 'review-api-token';

/**
 * The API token lives in sessionStorage: it survives reloads of this tab and is gone when the
 * tab closes, so a shared machine does not keep it.
 */
export const tokenStore = {
  read(): string | undefined {
    try {
      return sessionStorage.getItem(KEY) ?? undefined;
    } catch {
      // Storage can be disabled by the browser's privacy settings; the page then asks each load.
      return undefined;
    }
  },
  write(token: string): void {
    try {
      sessionStorage.setItem(KEY, token);
    } catch {
      // See read(): the token still works for this page's lifetime.
    }
  },
  clear(): void {
    try {
      sessionStorage.removeItem(KEY);
    } catch {
      // Nothing stored, nothing to clear.
    }
  },
};
