import assert from 'node:assert/strict';
import type { ProviderName } from '../../src/domain/provider';
import type { RegenerationResult } from '../../src/domain/regeneration';
import type { ScenarioRule } from '../../src/sim/server';
import type { ClaudeFault, ProviderFault } from '../../src/sim/scenario-rules';
import { startFaultStack, type FaultStack } from './fault-stack';
import { historyEvents, scheduledCount, startedAttempts, workflowTaskFailures } from './history';
import { sceneInput } from './scenes';
import { watchedResult } from './watched-result';
import { regenerationWorkflowId } from '../../src/domain/workflow-ids';

/**
 * Fault kinds of the simulator, each played in a round of its own on the real activities.
 * SPEC.md and ARCHITECTURE.md say how each must end: a transient fault is retried by Temporal
 * and the attempt goes on as if nothing happened; a refusal or an expired URL is a failed
 * attempt with its reason and the round moves to the next provider; an unusable answer gets one
 * corrective retry inside the activity, and a second one fails the attempt. None may fail the
 * round or a workflow task.
 */

const VIDEO: ProviderName[] = ['kling', 'runway', 'luma', 'hailuo'];
const IMAGE: ProviderName[] = ['falai', 'flux'];
export const ALL_PROVIDERS: ProviderName[] = [...VIDEO, ...IMAGE];
export const PROVIDER_FAULTS: ProviderFault[] = ['http429', 'http500', 'timeout', 'refuse', 'expired_url'];
const TRANSIENT_JUDGE_FAULTS: ClaudeFault[] = ['http429', 'http529', 'http500', 'timeout'];
const UNUSABLE_JUDGE_FAULTS: ClaudeFault[] = ['malformed', 'refuse', 'truncated'];
// Short clips: every path is the same as for a long one, and many video rounds render and are
// probed at once on a small machine.
const VIDEO_SECONDS = 2;

interface ExpectedAttempt {
  provider: ProviderName;
  result: 'success' | 'failed';
  failureType?: string;
}

export interface FaultCase {
  title: string;
  provider: ProviderName;
  faults: NonNullable<ScenarioRule['faults']>;
  attempts: ExpectedAttempt[];
  /** Provider submissions and Claude requests the simulator must have seen for this round. */
  generations: number;
  analyses: number;
  /** The Temporal attempt each run of this activity finished on: 2 means retried once. */
  activityAttempts?: { activity: string; attempts: number[] };
  /**
   * For a provider's fault: how many generations the round scheduled (one per attempt: a send that
   * failed is retried by Temporal inside the one activity, which looks and stores on later
   * retries too), and how many sends the submission ledger counted as failed.
   */
  generation?: { scheduled: number; failedSends: number };
}

/** Attempt 2's provider: the first of the list that is not the scene's (SPEC.md). */
function alternate(provider: ProviderName): ProviderName {
  const list = VIDEO.includes(provider) ? VIDEO : IMAGE;
  return list.find((candidate) => candidate !== provider)!;
}

/** Every provider fault kind on each of `providers`. */
export function providerCases(providers: readonly ProviderName[]): FaultCase[] {
  return providers.flatMap((provider) =>
    PROVIDER_FAULTS.map((fault): FaultCase => {
      const faults = { [provider]: [fault] };
      const title = `${provider} ${fault}`;
      if (fault === 'refuse' || fault === 'expired_url') {
        return {
          title: `${title}: a failed attempt (${fault === 'refuse' ? 'content_refused' : 'asset_gone'}), then the next provider`,
          provider,
          faults,
          attempts: [
            { provider, result: 'failed', failureType: fault === 'refuse' ? 'content_refused' : 'asset_gone' },
            { provider: alternate(provider), result: 'success' },
          ],
          generations: 2,
          analyses: 1,
          // Neither is worth a retry: the refusal or the expired URL stays as it is.
          generation: { scheduled: 2, failedSends: 0 },
        };
      }
      return {
        title: `${title}: submission retried by Temporal, the attempt succeeds`,
        provider,
        faults,
        attempts: [{ provider, result: 'success' }],
        generations: 2,
        analyses: 1,
        generation: { scheduled: 1, failedSends: 1 },
      };
    }),
  );
}

/** Every judge fault kind once, and the unusable answers twice. */
export function judgeCases(): FaultCase[] {
  const provider: ProviderName = 'flux';
  const transient = TRANSIENT_JUDGE_FAULTS.map(
    (fault): FaultCase => ({
      title: `judge ${fault} once: analysis retried by Temporal, the attempt succeeds`,
      provider,
      faults: { claude: [fault] },
      attempts: [{ provider, result: 'success' }],
      generations: 1,
      analyses: 2,
      activityAttempts: { activity: 'judgeAsset', attempts: [2] },
    }),
  );
  const once = UNUSABLE_JUDGE_FAULTS.map(
    (fault): FaultCase => ({
      title: `judge ${fault} once: the corrective retry inside the activity succeeds`,
      provider,
      faults: { claude: [fault] },
      attempts: [{ provider, result: 'success' }],
      generations: 1,
      analyses: 2,
      activityAttempts: { activity: 'judgeAsset', attempts: [1] },
    }),
  );
  const twice = UNUSABLE_JUDGE_FAULTS.map(
    (fault): FaultCase => ({
      title: `judge ${fault} twice: a failed attempt (analysis_unusable), then the next provider`,
      provider,
      faults: { claude: [fault, fault] },
      attempts: [
        { provider, result: 'failed', failureType: 'analysis_unusable' },
        { provider: alternate(provider), result: 'success' },
      ],
      generations: 2,
      analyses: 3,
      activityAttempts: { activity: 'judgeAsset', attempts: [1, 1] },
    }),
  );
  return [...transient, ...once, ...twice];
}

interface Outcome {
  result?: RegenerationResult;
  error?: unknown;
  workflowId: string;
  sceneId: number;
  match: string;
  ms?: number;
}

/**
 * Declares one mocha test per case. The rounds all run in `before`, at once: each waits out a
 * retry interval (5 s for a submission, 10 s for an analysis), and waiting in parallel keeps the
 * suite to about one of those waits plus the machine's time to make and judge the media.
 */
export function describeFaultCases(title: string, cases: FaultCase[]): void {
  describe(title, function () {
    this.timeout(600_000);
    const outcomes = new Map<FaultCase, Outcome>();
    let faults: FaultStack;

    before(async function () {
      this.timeout(600_000);
      // A held "timeout" request answers 504 after 300 ms, well inside the clients' own deadlines.
      faults = await startFaultStack({ timeoutFaultMs: 300 });
      const tag = Date.now();
      const rules: ScenarioRule[] = cases.map((c, index) => ({ match: `fault case ${index} ${tag}`, scores: [85], faults: c.faults }));
      faults.simulator.setScenarios(rules);
      const started = Date.now();
      await Promise.all(
        cases.map(async (c, index) => {
          const video = VIDEO.includes(c.provider);
          // Attempt 1 must go to the provider under test: the static map keeps the scene's
          // provider, where the learned choice would follow the evidence earlier cases left.
          const input = sceneInput(
            {
              visualDirection: `A lighthouse on a cliff, ${rules[index].match}`,
              currentProvider: c.provider,
              duration: video ? VIDEO_SECONDS : 0,
              contentType: video ? 'nature' : 'food',
            },
            { policy: { learnedProviderChoice: false } },
          );
          const outcome: Outcome = { workflowId: regenerationWorkflowId(input.scene.id), sceneId: input.scene.id, match: rules[index].match };
          outcomes.set(c, outcome);
          const roundStart = Date.now();
          try {
            const handle = await faults.start(input);
            outcome.result = await watchedResult(handle, () => handle.result(), 5_000);
          } catch (error) {
            outcome.error = error;
          }
          outcome.ms = Date.now() - roundStart;
        }),
      );
      const slowest = [...outcomes.entries()].sort((a, b) => (b[1].ms ?? 0) - (a[1].ms ?? 0)).slice(0, 3);
      console.log(
        `      ${cases.length} rounds with faults finished in ${Date.now() - started} ms; slowest: ${slowest
          .map(([c, o]) => `${c.provider} ${JSON.stringify(c.faults)} ${o.ms} ms`)
          .join(', ')}`,
      );
    });

    after(async function () {
      this.timeout(60_000);
      await faults?.stop();
    });

    for (const c of cases) {
      it(c.title, async () => {
        const outcome = outcomes.get(c)!;
        assert.equal(outcome.error, undefined, `the round must not fail: ${String(outcome.error)}`);
        const result = outcome.result!;
        assert.equal(result.outcome, 'passed');
        assert.deepEqual(
          result.attempts.map((a) => ({ provider: a.provider, result: a.result, failureType: a.failure?.type })),
          c.attempts.map((a) => ({ provider: a.provider, result: a.result, failureType: a.failureType })),
        );

        const usage = faults.simulator.calls().rules[outcome.match];
        assert.equal(usage.generations, c.generations, 'provider submissions for this round');
        assert.equal(usage.analyses, c.analyses, 'Claude requests for this round');

        const events = await historyEvents(faults.stack.client.workflow.getHandle(outcome.workflowId));
        assert.deepEqual(workflowTaskFailures(events), []);
        if (c.activityAttempts) assert.deepEqual(startedAttempts(events, c.activityAttempts.activity), c.activityAttempts.attempts);
        if (c.generation) {
          assert.equal(scheduledCount(events, 'generateAsset'), c.generation.scheduled, 'generations the round scheduled');
          const ledger = await faults.db.kysely
            .selectFrom('provider_submissions')
            .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('failed_sends'), eb.lit(0)).as('failed'))
            .where('idempotency_key', 'like', `${outcome.workflowId}/%`)
            .executeTakeFirstOrThrow();
          assert.equal(Number(ledger.failed), c.generation.failedSends, 'sends the ledger counted as failed');
        }

        // The database holds each attempt once, failed ones with their reason.
        const rows = await faults.db.kysely
          .selectFrom('regeneration_attempts')
          .selectAll()
          .where('workflow_id', '=', outcome.workflowId)
          .orderBy('attempt_number')
          .execute();
        assert.deepEqual(
          rows.map((row) => ({ provider: row.provider, result: row.result, failureType: row.failure?.type })),
          c.attempts.map((a) => ({ provider: a.provider, result: a.result, failureType: a.failureType })),
        );
      });
    }

    it('the simulator counted every scripted fault, and no other', () => {
      const calls = faults.simulator.calls();
      for (const provider of ALL_PROVIDERS) {
        const scripted = cases.reduce((sum, c) => sum + (c.faults[provider]?.length ?? 0), 0);
        assert.equal(calls.providers[provider].faults, scripted, provider);
      }
      const judgeFaults = cases.reduce((sum, c) => sum + (c.faults.claude?.length ?? 0), 0);
      assert.equal(calls.analysisFaults, judgeFaults);
    });
  });
}
