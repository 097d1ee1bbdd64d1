import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import type { Db } from '../../src/db/database';
import { userDecisionSignal } from '../../workflows/messages';
import type { ScriptedRound } from './scripted-rounds';

export interface ReviewDecider {
  /** Signals sent, the repeats included. */
  signals(): number;
  stop(): Promise<void>;
}

/**
 * A reviewer who watches the review queue in the database, the way the review UI does, and
 * sends each escalated round its planned decision. It reads the database rather than querying
 * the workflow, so it keeps working while no worker is alive to answer queries; and it sends
 * again every second until the entry is closed, so a decision is never lost to a crash, and the
 * workflow must ignore the repeats.
 */
export function startReviewDecider(client: Client, db: Db, rounds: readonly ScriptedRound[]): ReviewDecider {
  const byWorkflow = new Map(rounds.filter((r) => r.decision).map((r) => [r.workflowId, r]));
  let running = true;
  let sent = 0;
  const loop = (async () => {
    while (running) {
      if (byWorkflow.size > 0) {
        try {
          const pending = await db.kysely
            .selectFrom('review_queue')
            .select(['workflow_id', 'run_id'])
            .where('status', '=', 'pending')
            .where('workflow_id', 'in', [...byWorkflow.keys()])
            .execute();
          await Promise.all(
            pending.map(async (entry) => {
              const round = byWorkflow.get(entry.workflow_id)!;
              try {
                await client.workflow.getHandle(entry.workflow_id, entry.run_id || undefined).signal(userDecisionSignal, round.decision!);
                sent += 1;
              } catch {
                // The server restarting, or the round just ended: the next pass tries again.
              }
            }),
          );
        } catch {
          // The database or the server is briefly away; the next pass tries again.
        }
      }
      await sleep(1_000);
    }
  })();
  return {
    signals: () => sent,
    async stop() {
      running = false;
      await loop;
    },
  };
}
