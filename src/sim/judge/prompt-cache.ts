import { createHash } from 'node:crypto';

/** One piece of a request in cache order: tools, then system blocks, then message blocks. */
export interface PromptSegment {
  tokens: number;
  /** Identifies the segment's exact content. */
  fingerprint: string;
  /** The segment carries `cache_control`: the prefix ending here may be cached. */
  breakpoint: boolean;
}

export interface CacheUsage {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

/**
 * Prompt caching as Anthropic bills it: the prefix up to a `cache_control` breakpoint is written
 * the first time that exact prefix is seen (cache_creation) and read on later requests
 * (cache_read); whatever follows the last cached breakpoint is ordinary input. Entries never
 * expire here; a reset of the simulator forgets them.
 */
export class PromptCache {
  private readonly seen = new Set<string>();

  account(segments: PromptSegment[], minCacheTokens = 0): CacheUsage {
    const prefixKeys: string[] = [];
    const hash = createHash('sha256');
    for (const segment of segments) {
      hash.update(segment.fingerprint).update('\u0000');
      prefixKeys.push(hash.copy().digest('hex'));
    }
    // A prefix shorter than the model's minimum is not cached at all: no write, no read, no error
    // (src/catalog/limits/anthropic.ts gives each model's minimum and its source).
    let running = 0;
    const prefixTokens = segments.map((segment) => (running += segment.tokens));
    const breakpoints = segments.flatMap((segment, index) =>
      segment.breakpoint && prefixTokens[index] >= minCacheTokens ? [index] : [],
    );
    const readUpTo = [...breakpoints].reverse().find((index) => this.seen.has(prefixKeys[index]));
    const writeUpTo = breakpoints.length > 0 ? breakpoints[breakpoints.length - 1] : undefined;

    const tokensThrough = (end: number | undefined) =>
      end === undefined ? 0 : segments.slice(0, end + 1).reduce((sum, segment) => sum + segment.tokens, 0);
    const total = tokensThrough(segments.length - 1);
    const read = tokensThrough(readUpTo);
    const creation = writeUpTo !== undefined && writeUpTo !== readUpTo ? tokensThrough(writeUpTo) - read : 0;

    for (const index of breakpoints) this.seen.add(prefixKeys[index]);
    return { input_tokens: total - read - creation, cache_creation_input_tokens: creation, cache_read_input_tokens: read };
  }

  clear(): void {
    this.seen.clear();
  }
}

export function fingerprint(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}
