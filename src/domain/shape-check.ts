/**
 * Checks a value's shape without a schema library, so workflow code can validate what the
 * `temporal` CLI or the Web UI sends it: each workflow evaluates its own copy of every module it
 * imports, and a small checker costs it almost nothing. Problems read "<path>: <what is wrong>".
 */

export type Checked<T> = { ok: true; value: T } | { ok: false; problems: string[] };

interface Bounds {
  min?: number;
  max?: number;
}

export class ShapeCheck {
  readonly problems: string[] = [];

  problem(path: string, message: string): undefined {
    this.problems.push(`${path}: ${message}`);
    return undefined;
  }

  result<T>(value: T | undefined): Checked<T> {
    return this.problems.length === 0 && value !== undefined ? { ok: true, value } : this.failed();
  }

  failed(): { ok: false; problems: string[] } {
    return { ok: false, problems: this.problems.length > 0 ? this.problems : ['the value does not fit'] };
  }

  /** A plain object; with `allowed`, any other key is a problem (a request that must be exact). */
  object(value: unknown, path: string, allowed?: readonly string[]): Record<string, unknown> | undefined {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return this.problem(path, 'expected an object');
    const record = value as Record<string, unknown>;
    if (allowed !== undefined) {
      for (const key of Object.keys(record)) {
        if (!allowed.includes(key)) this.problem(join(path, key), 'is not a known field');
      }
    }
    return record;
  }

  string(value: unknown, path: string, bounds: Bounds & { pattern?: RegExp; patternMessage?: string } = {}): string | undefined {
    if (typeof value !== 'string') return this.problem(path, 'expected a string');
    if (bounds.min !== undefined && value.length < bounds.min) {
      return this.problem(path, bounds.min === 1 ? 'must not be empty' : `must be at least ${bounds.min} characters`);
    }
    if (bounds.max !== undefined && value.length > bounds.max) return this.problem(path, `must be at most ${bounds.max} characters`);
    if (bounds.pattern && !bounds.pattern.test(value)) return this.problem(path, bounds.patternMessage ?? 'has the wrong form');
    return value;
  }

  number(value: unknown, path: string, bounds: Bounds & { integer?: boolean } = {}): number | undefined {
    if (typeof value !== 'number' || !Number.isFinite(value)) return this.problem(path, 'expected a number');
    if (bounds.integer && !Number.isInteger(value)) return this.problem(path, 'must be an integer');
    if (bounds.min !== undefined && value < bounds.min) return this.problem(path, `must be at least ${bounds.min}`);
    if (bounds.max !== undefined && value > bounds.max) return this.problem(path, `must be at most ${bounds.max}`);
    return value;
  }

  boolean(value: unknown, path: string): boolean | undefined {
    return typeof value === 'boolean' ? value : this.problem(path, 'expected true or false');
  }

  oneOf<T extends string>(value: unknown, path: string, options: readonly T[]): T | undefined {
    if ((options as readonly unknown[]).includes(value)) return value as T;
    return this.problem(path, `must be one of ${options.join(', ')}`);
  }

  array<T>(value: unknown, path: string, item: (value: unknown, path: string) => T | undefined, bounds: Bounds = {}): T[] | undefined {
    if (!Array.isArray(value)) return this.problem(path, 'expected an array');
    if (bounds.min !== undefined && value.length < bounds.min) return this.problem(path, `must have at least ${bounds.min} item(s)`);
    if (bounds.max !== undefined && value.length > bounds.max) return this.problem(path, `must have at most ${bounds.max} items`);
    const before = this.problems.length;
    const items = value.map((entry, index) => item(entry, join(path, String(index))));
    return this.problems.length === before ? (items as T[]) : undefined;
  }

  /** Absent (undefined) is fine; anything else must pass `check`. */
  optional<T>(value: unknown, check: (value: unknown) => T | undefined): T | undefined {
    return value === undefined ? undefined : check(value);
  }
}

export function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** Drops keys whose value is undefined, so a checked value serializes as the JSON it came from. */
export function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}
