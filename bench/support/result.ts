/**
 * How every benchmark reports a figure: its value and unit, the reference measured in the same
 * run, the ratio between them, the target and whether it was met. Ratios matter more than raw
 * figures because the machines are shared and noisy. The `@@bench` line is for bench/run-all.ts.
 */
export interface Figure {
  bench: string;
  /** What was measured, e.g. "1,000 image scenes done or awaiting review". */
  name: string;
  value: number;
  unit: string;
  reference?: { name: string; value: number; unit: string };
  /** value / reference.value unless the benchmark defines it otherwise. */
  ratio?: number;
  /** Human-readable target, e.g. "≤ 90 s". Absent for figures that are only informative. */
  target?: string;
  met?: boolean;
  /** What stands in the way when the target is not met. */
  limitedBy?: string;
  /** Other figures worth a line (CPU, memory, counts). */
  notes?: string[];
  /** This figure's numbers under their CONTRACT.md names, for the `--json` summary line. */
  json?: Record<string, number>;
}

export const RESULT_PREFIX = '@@bench ';

export function report(figure: Figure): void {
  const lines = [`${figure.name}: ${fmt(figure.value)} ${figure.unit}`];
  if (figure.reference) {
    lines.push(`  reference (same run): ${figure.reference.name}: ${fmt(figure.reference.value)} ${figure.reference.unit}`);
  }
  if (figure.ratio !== undefined) lines.push(`  ratio: ${figure.ratio.toFixed(2)}×`);
  if (figure.target !== undefined) {
    const verdict = figure.met ? 'MET' : `NOT MET${figure.limitedBy ? ` (limited by ${figure.limitedBy})` : ''}`;
    lines.push(`  target: ${figure.target}: ${verdict}`);
  }
  for (const note of figure.notes ?? []) lines.push(`  ${note}`);
  console.log(lines.join('\n'));
  console.log(`${RESULT_PREFIX}${JSON.stringify(figure)}`);
}

/** Three significant digits at most, so tables stay readable. */
export function fmt(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString('en-US');
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Runs `main` as a script: errors print and exit 2; a missed target exits 1. With `--json` the
 * last line of stdout is one object (CONTRACT.md "Benchmarks"): the benchmark's name, its
 * settings, every figure's CONTRACT names and values, and the figures themselves.
 */
export function runBench(main: () => Promise<Figure[]>, settings: () => Record<string, unknown> = () => ({})): void {
  main().then(
    (figures) => {
      if (process.argv.includes('--json')) console.log(JSON.stringify(jsonSummary(figures, settings())));
      const missed = figures.some((figure) => figure.target !== undefined && !figure.met);
      // Handles of the Temporal runtime and pools keep node alive; the figures are printed.
      process.exit(missed ? 1 : 0);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(2);
    },
  );
}

export function jsonSummary(figures: readonly Figure[], settings: Record<string, unknown>): Record<string, unknown> {
  const named = Object.assign({}, ...figures.map((figure) => figure.json ?? {})) as Record<string, number>;
  return { bench: figures[0]?.bench, ...settings, ...named, figures };
}
