import type { InsightRow, InsightsResponse } from '../api/types';
import { formatCost } from './format';

export type InsightSortKey = 'provider' | 'contentType' | 'kind' | 'attempts' | 'passRate' | 'meanGain' | 'costPerPassedUsd';
export interface InsightSort {
  key: InsightSortKey;
  direction: 'asc' | 'desc';
}

/** Grouped by content type and kind, the provider that passes most first within each group. */
export const DEFAULT_INSIGHT_SORT: InsightSort = { key: 'contentType', direction: 'asc' };

/** A column's first direction when chosen: words A–Z, counts and rates highest first, cost cheapest first. */
const NATURAL_DIRECTION: Record<InsightSortKey, InsightSort['direction']> = {
  provider: 'asc',
  contentType: 'asc',
  kind: 'asc',
  attempts: 'desc',
  passRate: 'desc',
  meanGain: 'desc',
  costPerPassedUsd: 'asc',
};

/** Ties in the chosen column fall back to this order, so the table never shuffles between loads. */
const TIE_BREAKS: InsightSort[] = [
  { key: 'contentType', direction: 'asc' },
  { key: 'kind', direction: 'asc' },
  { key: 'passRate', direction: 'desc' },
  { key: 'provider', direction: 'asc' },
];

/** The rows in the chosen order; a missing figure (no judged attempt, no pass) always sorts last. */
export function sortInsightRows(rows: readonly InsightRow[], sort: InsightSort = DEFAULT_INSIGHT_SORT): InsightRow[] {
  const chain = [sort, ...TIE_BREAKS.filter((t) => t.key !== sort.key)];
  return [...rows].sort((a, b) => {
    for (const { key, direction } of chain) {
      const order = compareValues(a[key], b[key], direction);
      if (order !== 0) return order;
    }
    return 0;
  });
}

function compareValues(a: string | number | null, b: string | number | null, direction: InsightSort['direction']): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  const order = typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b));
  return direction === 'asc' ? order : -order;
}

/** Choosing the sorted column again turns it round; another column starts in its natural direction. */
export function nextSort(current: InsightSort, key: InsightSortKey): InsightSort {
  if (current.key === key) return { key, direction: current.direction === 'asc' ? 'desc' : 'asc' };
  return { key, direction: NATURAL_DIRECTION[key] };
}

export function ariaSort(current: InsightSort, key: InsightSortKey): 'ascending' | 'descending' | 'none' {
  if (current.key !== key) return 'none';
  return current.direction === 'asc' ? 'ascending' : 'descending';
}

/** "82%"; a provider with no judged attempt has no rate. */
export function formatRate(rate: number | null): string {
  return rate === null ? '–' : `${Math.round(rate * 100)}%`;
}

/** Mean points gained on the score each attempt had to beat: "+4.2", "−1.5". */
export function formatGain(gain: number | null): string {
  if (gain === null) return '–';
  const rounded = Math.round(gain * 10) / 10;
  if (rounded === 0) return '0.0';
  return rounded > 0 ? `+${rounded.toFixed(1)}` : `−${Math.abs(rounded).toFixed(1)}`;
}

/** "23 (20 judged)"; just the count when every attempt was judged. */
export function formatAttempts(row: Pick<InsightRow, 'attempts' | 'judgedAttempts'>): string {
  return row.judgedAttempts === row.attempts ? String(row.attempts) : `${row.attempts} (${row.judgedAttempts} judged)`;
}

/** What one passed scene cost; judged attempts without a pass say so rather than show a blank. */
export function formatCostPerPassed(row: Pick<InsightRow, 'costPerPassedUsd' | 'judgedAttempts'>): string {
  if (row.costPerPassedUsd !== null) return formatCost(row.costPerPassedUsd);
  return row.judgedAttempts > 0 ? 'none passed' : '–';
}

/** "Reviewers approved the judge's best in 14 of 17 decisions (82%)". */
export function describeAgreement(agreement: InsightsResponse['agreement']): string {
  if (agreement.rate === null || agreement.decided === 0) return 'Reviewers approved the judge’s best: no reviewer decisions yet';
  const decisions = `${agreement.decided} decision${agreement.decided === 1 ? '' : 's'}`;
  return `Reviewers approved the judge’s best in ${agreement.approvedJudgesBest} of ${decisions} (${formatRate(agreement.rate)})`;
}

/** A row's identity: provider, content type and kind, and ":repair" for the provider's repairs. */
export function insightRowKey(row: Pick<InsightRow, 'provider' | 'contentType' | 'kind' | 'attemptKind'>): string {
  return `${row.provider}:${row.contentType}:${row.kind}${row.attemptKind ? `:${row.attemptKind}` : ''}`;
}

/** The kind column: the asset's kind, and "repairs" for a row of the provider's edits. */
export function formatKind(row: Pick<InsightRow, 'kind' | 'attemptKind'>): string {
  return row.attemptKind === 'repair' ? `${row.kind} repairs` : row.kind;
}
