import { DEFAULT_POLICY } from '../../../rules/policy';

/** How long something has waited, in the two largest units that matter: "3 h 5 min". */
export function formatWaited(milliseconds: number): string {
  const seconds = Math.max(0, Math.floor(milliseconds / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
}

/** Dollars with enough digits that a tenth of a cent still shows: "$0.52", "$0.0015". */
export function formatCost(usd: number): string {
  if (usd === 0) return '$0';
  if (usd >= 0.1) return `$${usd.toFixed(2)}`;
  return `$${Number(usd.toPrecision(2)).toString()}`;
}

export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function formatScore(score: number): string {
  return String(Math.round(score));
}

/** The workflow's passing score passes; well below it is marked as poor. */
export function scoreBand(score: number, passingScore = DEFAULT_POLICY.minScoreToPass): 'pass' | 'near' | 'poor' {
  if (score >= passingScore) return 'pass';
  if (score >= passingScore - 20) return 'near';
  return 'poor';
}
