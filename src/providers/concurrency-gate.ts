import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../db/database';
import type { ProviderName } from '../domain/provider';

/**
 * How many generations each provider may have in flight from ALL workers together: a submission
 * takes a place before it calls the provider, and the place is given back when the generation
 * ends. Providers cap concurrent tasks per account and answer 429 beyond it; waiting our turn
 * costs nothing, while a 429 costs a retry.
 *
 * The places are rows of `provider_leases` in the database every worker shares, so two workers
 * on two hosts count the same places. A place is a lease: submitGeneration takes it, each check
 * of the generation renews it (`hold`), and the end of the generation (done, failed, cancelled)
 * gives it back. A lease nobody renews (its worker died, or the next check is far off) lapses
 * after `leaseMs`, so a place is never lost for good; the price is that a lapsed place may be
 * taken while the task it belonged to still runs.
 */
export interface ConcurrencyGate {
  /** Takes a place for a new submission, or says how long to wait when the provider is full. */
  tryTake(provider: ProviderName): Promise<GateAnswer>;
  /** Holds (or renews) the place of a task already at the provider, whatever the limit. */
  hold(provider: ProviderName, taskId: string): Promise<void>;
  /** Gives back the place of a task that ended. */
  release(provider: ProviderName, taskId: string): Promise<void>;
  /** Unexpired places now, for tests, logs and metrics. */
  inFlight(provider: ProviderName): Promise<number>;
}

export type GateAnswer =
  | { granted: true; lease: Lease }
  /** `inFlight`: the unexpired places the refusal counted. */
  | { granted: false; retryAfterMs: number; inFlight: number };

export interface Lease {
  /** The submission reached the provider: the place now belongs to its task (and is renewed). */
  bind(taskId: string): Promise<void>;
  /** The submission failed: nothing is in flight. */
  cancel(): Promise<void>;
}

export interface DatabaseConcurrencyGateOptions {
  db: Db;
  limits: Readonly<Record<ProviderName, number>>;
  /** How long a place survives without a renewal. */
  leaseMs?: number;
  /** How long a refused submission is told to wait before asking again. */
  retryAfterMs?: number;
}

/**
 * A lease must outlast the longest gap between two renewals of one live generation, or its place
 * is handed to another submission while the task still runs, and the provider sees one too many.
 * The generation's checks renew it: a check comes at most every 15 s, and a check that failed is
 * retried by Temporal up to about 1 minute later; add the check's own time (one provider call,
 * seconds) and Temporal's dispatch. Three minutes covers that with room; a longer lease would
 * only delay the return of a dead worker's places, which is the other thing this number decides.
 * The pending place of a submission on its way is bounded by submitGeneration's start-to-close
 * (1 minute), well inside it.
 */
export const DEFAULT_LEASE_MS = 3 * 60_000;
const DEFAULT_RETRY_AFTER_MS = 2_000;

/**
 * The first key of the advisory locks this gate takes (`pg_advisory_xact_lock(int, int)`); the
 * second is the provider's `hashtext`. Two providers whose hashes collide only share a queue.
 */
const LOCK_NAMESPACE = 0x5ce7e;

const taskPlace = (taskId: string) => `task:${taskId}`;

/**
 * The gate over `provider_leases`. Every time is the database's (`now()`), never a worker's,
 * so hosts whose clocks disagree still agree on which places have lapsed.
 */
export function createDatabaseConcurrencyGate(options: DatabaseConcurrencyGateOptions): ConcurrencyGate {
  const { db, limits } = options;
  const leaseSeconds = (options.leaseMs ?? DEFAULT_LEASE_MS) / 1000;
  const retryAfterMs = options.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS;
  const expiry = () => sql<Date>`now() + make_interval(secs => ${leaseSeconds})`;

  /** Creates or renews a place; a single statement, so it needs no lock. */
  async function renew(provider: ProviderName, place: string): Promise<void> {
    await db.kysely
      .insertInto('provider_leases')
      .values({ provider, place, expires_at: expiry() })
      .onConflict((conflict) => conflict.columns(['provider', 'place']).doUpdateSet({ expires_at: expiry() }))
      .execute();
  }

  async function remove(provider: ProviderName, place: string): Promise<void> {
    await db.kysely.deleteFrom('provider_leases').where('provider', '=', provider).where('place', '=', place).execute();
  }

  return {
    async tryTake(provider) {
      const pending = `pending:${randomUUID()}`;
      // Read committed, whatever the server's default: each statement must see what the previous
      // holder of the lock committed, which a snapshot taken before the lock was granted would not.
      const counted = await db.kysely
        .transaction()
        .setIsolationLevel('read committed')
        .execute(async (trx) => {
          // One taker per provider at a time, across every process: count and insert must not
          // interleave with another's, or both would see room for one and both take it. The lock
          // ends with the transaction. (On the embedded database the server already runs one
          // transaction at a time, and the lock is granted at once.)
          await sql`select pg_advisory_xact_lock(${sql.lit(LOCK_NAMESPACE)}, hashtext(${provider}))`.execute(trx);
          // Lapsed places are freed here, where they would otherwise be counted.
          await trx
            .deleteFrom('provider_leases')
            .where('provider', '=', provider)
            .where('expires_at', '<=', sql<Date>`now()`)
            .execute();
          const { count } = await trx
            .selectFrom('provider_leases')
            .select(sql<number>`count(*)::int`.as('count'))
            .where('provider', '=', provider)
            .executeTakeFirstOrThrow();
          if (count >= limits[provider]) return count;
          await trx.insertInto('provider_leases').values({ provider, place: pending, expires_at: expiry() }).execute();
          return undefined;
        });
      if (counted !== undefined) return { granted: false, retryAfterMs, inFlight: counted };
      return {
        granted: true,
        lease: {
          async bind(taskId) {
            // One statement: the pending place turns into the task's without a moment in which
            // neither is counted (another taker could fill it) or both are. If the pending place
            // lapsed meanwhile, the task takes a place anyway: it runs at the provider regardless.
            await db.kysely
              .with('pending', (qb) =>
                qb.deleteFrom('provider_leases').where('provider', '=', provider).where('place', '=', pending),
              )
              .insertInto('provider_leases')
              .values({ provider, place: taskPlace(taskId), expires_at: expiry() })
              .onConflict((conflict) => conflict.columns(['provider', 'place']).doUpdateSet({ expires_at: expiry() }))
              .execute();
          },
          cancel: () => remove(provider, pending),
        },
      };
    },

    hold: (provider, taskId) => renew(provider, taskPlace(taskId)),

    release: (provider, taskId) => remove(provider, taskPlace(taskId)),

    async inFlight(provider) {
      const { count } = await db.kysely
        .selectFrom('provider_leases')
        .select(sql<number>`count(*)::int`.as('count'))
        .where('provider', '=', provider)
        .where('expires_at', '>', sql<Date>`now()`)
        .executeTakeFirstOrThrow();
      return count;
    },
  };
}
