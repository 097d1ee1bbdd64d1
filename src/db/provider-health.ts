import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { PickProviderAnswer, PickProviderRequest, ProviderOutcomeReport } from '../domain/round-steps';
import type { ProviderName } from '../domain/provider';
import type { SkippedProvider } from '../domain/regeneration';
import {
  afterOutcome,
  breakerVerdict,
  CLOSED,
  withProbe,
  type BreakerRow,
  type BreakerSettings,
} from '../rules/provider-health';
import type { DatabaseSchema, ProviderHealthTable } from './schema';

/**
 * The circuit breakers in the database every worker shares. The rules are the workflow's pure
 * ones (src/rules/provider-health.ts); here they run on the database's clock (`now()`),
 * with each open breaker's row locked while its probe is handed out or an outcome is counted, so
 * two workers never both take the one probe nor lose each other's counts.
 */

/** The first candidate whose breaker lets the attempt through, claiming the probe when it is one. */
export async function pickProvider(
  kysely: Kysely<DatabaseSchema>,
  request: PickProviderRequest,
  settings: BreakerSettings,
): Promise<PickProviderAnswer> {
  if (request.candidates.length === 0) return { probe: false, skipped: [] };
  return await kysely
    .transaction()
    .setIsolationLevel('read committed')
    .execute(async (trx) => {
      const nowMs = await databaseNow(trx);
      // Only an open breaker's row changes here (its probe is handed out), so only those are read
      // and locked; a provider without an open row is closed. Locked in one order, never deadlocked.
      const rows = await trx
        .selectFrom('provider_health')
        .selectAll()
        .where('provider', 'in', request.candidates)
        .where('opened_at', 'is not', null)
        .orderBy('provider')
        .forUpdate()
        .execute();
      const skipped: SkippedProvider[] = [];
      for (const provider of request.candidates) {
        const stored = rows.find((row) => row.provider === provider);
        const row = stored ? breakerRow(stored) : CLOSED;
        const verdict = breakerVerdict(row, nowMs, settings, request.attemptKey);
        if (verdict === 'closed') return { provider, probe: false, skipped };
        if (verdict === 'probe') {
          await writeRow(trx, provider, withProbe(row, nowMs, request.attemptKey));
          return { provider, probe: true, skipped };
        }
        skipped.push({ provider, reason: skipReason(verdict, row, settings) });
      }
      return { probe: false, skipped, ...untilFirstBack(rows.map(breakerRow), nowMs, settings) };
    });
}

/** Counts one attempt's outcome on its provider's breaker, once per attempt. */
export async function recordProviderOutcome(
  kysely: Kysely<DatabaseSchema>,
  report: ProviderOutcomeReport,
  settings: BreakerSettings,
): Promise<{ counted: boolean; row: BreakerRow }> {
  return await kysely
    .transaction()
    .setIsolationLevel('read committed')
    .execute(async (trx) => {
      const inserted = await trx
        .insertInto('provider_outcomes')
        .values({ attempt_key: report.attemptKey, provider: report.provider, outcome: report.outcome })
        .onConflict((conflict) => conflict.column('attempt_key').doNothing())
        .returning('attempt_key')
        .executeTakeFirst();
      await trx
        .insertInto('provider_health')
        .values({ provider: report.provider, consecutive_fails: 0 })
        .onConflict((conflict) => conflict.column('provider').doNothing())
        .execute();
      const stored = await trx
        .selectFrom('provider_health')
        .selectAll()
        .where('provider', '=', report.provider)
        .forUpdate()
        .executeTakeFirstOrThrow();
      const row = breakerRow(stored);
      if (inserted === undefined) return { counted: false, row };
      const next = afterOutcome(row, report.outcome, await databaseNow(trx), settings, report.attemptKey);
      await writeRow(trx, report.provider, next);
      return { counted: true, row: next };
    });
}

/** Every stored breaker, for tests, logs and the operator. */
export async function readProviderHealth(kysely: Kysely<DatabaseSchema>): Promise<Record<string, BreakerRow>> {
  const rows = await kysely.selectFrom('provider_health').selectAll().orderBy('provider').execute();
  return Object.fromEntries(rows.map((row) => [row.provider, breakerRow(row)]));
}

async function databaseNow(trx: Transaction<DatabaseSchema>): Promise<number> {
  const { rows } = await sql<{ now: Date }>`select now() as now`.execute(trx);
  return new Date(rows[0]!.now).getTime();
}

function breakerRow(row: Selectable<ProviderHealthTable>): BreakerRow {
  return {
    consecutiveFails: row.consecutive_fails,
    ...(row.opened_at ? { openedAt: new Date(row.opened_at).getTime() } : {}),
    ...(row.probe_started_at ? { probeStartedAt: new Date(row.probe_started_at).getTime() } : {}),
    ...(row.probe_key ? { probeKey: row.probe_key } : {}),
  };
}

async function writeRow(trx: Transaction<DatabaseSchema>, provider: ProviderName, row: BreakerRow): Promise<void> {
  const at = (ms: number | undefined) => (ms === undefined ? null : new Date(ms));
  const values = {
    consecutive_fails: row.consecutiveFails,
    opened_at: at(row.openedAt),
    probe_started_at: at(row.probeStartedAt),
    probe_key: row.probeKey ?? null,
    updated_at: sql<Date>`now()`,
  };
  await trx
    .insertInto('provider_health')
    .values({ provider, ...values })
    .onConflict((conflict) => conflict.column('provider').doUpdateSet(values))
    .execute();
}

/** How long until the first of these open breakers lets a probe through; absent when all are probing. */
function untilFirstBack(rows: readonly BreakerRow[], nowMs: number, settings: BreakerSettings): { retryAfterMs?: number } {
  const waits = rows
    .filter((row) => row.openedAt !== undefined && nowMs < row.openedAt + settings.cooldownMs)
    .map((row) => row.openedAt! + settings.cooldownMs - nowMs);
  return waits.length === 0 ? {} : { retryAfterMs: Math.min(...waits) };
}

function skipReason(verdict: 'open' | 'probing', row: BreakerRow, settings: BreakerSettings): string {
  if (verdict === 'probing') return 'circuit breaker open: another round is probing it';
  const until = new Date((row.openedAt ?? 0) + settings.cooldownMs).toISOString();
  return `circuit breaker open after ${row.consecutiveFails} failures in a row, until ${until}`;
}
