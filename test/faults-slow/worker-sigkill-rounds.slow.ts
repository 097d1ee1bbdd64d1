import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { WorkflowHandle } from '@temporalio/client';
import type { RegenerationResult } from '../../src/domain/regeneration';
import { regenerateSceneWorkflow } from '../../workflows';
import { testDatabase } from '../db/test-databases';
import { checkRound } from '../helpers/check-round';
import { historyEvents } from '../helpers/history';
import { startLoggedWorker, type LoggedProcess } from '../helpers/logged-process';
import { startRecordingProxy, type RecordingProxy } from '../helpers/recording-proxy';
import { startReviewDecider } from '../helpers/review-decider';
import { ROUND_PLANS, scriptedRound, type ScriptedRound } from '../helpers/scripted-rounds';
import { seededRandom, seedFromEnv } from '../helpers/seeded-random';
import { startSimulatorProcess, type SimulatorProcess } from '../helpers/simulator-process';
import { testEnv, testServer } from '../helpers/temporal';
import { watchedResult } from '../helpers/watched-result';
import { killHard } from '../helpers/worker-process';

/**
 * The worker (`npm run worker`, its own process, every real activity) is killed with SIGKILL at
 * random moments while 100 rounds run, and started again each time. Every round must still end
 * as planned, no provider task may be paid twice and no database row may be written twice.
 *
 * Cost: an activity the kill interrupts is retried only when Temporal gives up on it: within its
 * heartbeat timeout for the ones that heartbeat (generateAsset 1 minute, judgeAsset), after their
 * start-to-close timeout for the short ones (the round's database steps). The kills therefore
 * all happen in the first minutes, so that their waits overlap.
 *
 * SEED replays a run; ROUNDS and KILLS change its size.
 */
describe('faults (slow): a worker killed with SIGKILL at random moments across 100 rounds', function () {
  this.timeout(30 * 60_000);
  const seed = seedFromEnv();
  const ROUNDS = Number(process.env.ROUNDS ?? 100);
  const KILLS = Number(process.env.KILLS ?? 6);
  /** Rounds start spread over this window, so kills land on rounds in every phase. */
  const START_WINDOW_MS = 60_000;

  let simulator: SimulatorProcess;
  let proxy: RecordingProxy;
  let dataDir: string;
  let worker: LoggedProcess | undefined;
  const logs: string[] = [];

  before(async () => {
    console.log(`      seed ${seed} (replay with SEED=${seed}), ${ROUNDS} rounds, ${KILLS} kills`);
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'sigkill-rounds-'));
    // The simulator runs in its own process: a hundred rounds of rendering and judging would
    // otherwise slow this process down enough to make submissions time out (see the report).
    simulator = await startSimulatorProcess(path.join(dataDir, 'sim'));
    // The worker reaches it through a proxy that notes when each submission arrived.
    proxy = await startRecordingProxy(simulator.url);
  });
  after(async function () {
    this.timeout(60_000);
    if (worker) await killHard(worker.child);
    await proxy?.stop();
    await simulator?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('every round ends as planned: no duplicate submission beyond the ledger window, no duplicate row', async () => {
    const random = seededRandom(seed);
    const [server, database, env] = await Promise.all([testServer(), testDatabase('postgres'), testEnv()]);
    const taskQueue = `sigkill-${randomUUID()}`;
    const workerEnv = {
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      DATABASE_URL: database.databaseUrl,
      DATA_DIR: dataDir,
      SIM_URL: proxy.url,
      PORT: '3998',
    };

    const runTag = randomUUID().slice(0, 8);
    const rounds: (ScriptedRound & { startAtMs: number })[] = Array.from({ length: ROUNDS }, (_, index) => ({
      ...scriptedRound(ROUND_PLANS[index % ROUND_PLANS.length], {
        tag: `k${index}-${runTag}`,
        video: random() < 0.3,
        latencyMs: 500 + Math.floor(random() * 2_500),
      }),
      startAtMs: Math.floor(random() * START_WINDOW_MS),
    }));
    await simulator.setScenarios(rounds.flatMap((round) => round.rules));

    worker = await startLoggedWorker(workerEnv);
    const began = Date.now();
    const kills: number[] = [];
    const killer = (async () => {
      for (let kill = 0; kill < KILLS; kill++) {
        await sleep(2_000 + Math.floor(random() * 10_000));
        kills.push(Date.now());
        await killHard(worker!.child);
        logs.push(worker!.output().slice(-20_000));
        await sleep(Math.floor(random() * 2_000));
        worker = await startLoggedWorker(workerEnv);
      }
    })();

    const decider = startReviewDecider(env.client, database.db, rounds);
    const handles = new Map<ScriptedRound, WorkflowHandle<typeof regenerateSceneWorkflow>>();
    let results: RegenerationResult[];
    try {
      results = await Promise.all(
        rounds.map(async (round) => {
          await sleep(round.startAtMs);
          const handle = await env.client.workflow.start(regenerateSceneWorkflow, {
            taskQueue,
            workflowId: round.workflowId,
            args: [round.input],
          });
          handles.set(round, handle);
          return watchedResult(handle, () => handle.result(), 30_000);
        }),
      );
      await killer;
    } finally {
      await decider.stop();
    }
    const elapsed = Date.now() - began;

    const calls = await simulator.calls();
    const problems: string[] = [];
    const explained: string[] = [];
    for (const [index, round] of rounds.entries()) {
      const handle = handles.get(round)!;
      const check = await checkRound(round, results[index], { calls, db: database.db, handle });
      problems.push(...check.problems.map((problem) => `${round.workflowId} (${round.plan}): ${problem}`));
      for (const duplicate of check.duplicates) {
        const prompt = results[index].attempts[duplicate.attemptNumber - 1]?.prompt ?? '';
        const killed = killBetweenSubmissions(submissionTimes(proxy, prompt), duplicate.submissions, kills);
        const retry = await generationRetries(handle, duplicate.attemptNumber);
        const line = `${round.workflowId} attempt ${duplicate.attemptNumber}: ${duplicate.submissions} submissions, ${retry.description}`;
        // A kill between the sends, and the generation ran again after it: the ledger's window.
        if (killed && retry.retried) explained.push(`${line} (${killed})`);
        else problems.push(`${line}, not each separated by a kill`);
      }
    }
    const totalSubmissions = Object.values(calls.providers).reduce((sum, p) => sum + p.submissions, 0);
    const totalAttempts = results.reduce((sum, r) => sum + r.attempts.length, 0);

    console.log(
      `      ${ROUNDS} rounds, ${kills.length} kills, ${elapsed} ms; ${totalAttempts} attempts, ` +
        `${totalSubmissions} provider submissions, ${decider.signals()} decision signals; ` +
        `duplicates in the ledger's documented window: ${explained.length}`,
    );
    for (const line of explained) console.log(`        ${line}`);
    if (problems.length > 0) {
      console.log(`      last worker logs:\n${logs.at(-1) ?? ''}\n${worker?.output().slice(-20_000) ?? ''}`);
    }
    assert.deepEqual(problems, [], `seed ${seed}`);
    assert.equal(kills.length, KILLS);
    assert.equal(totalSubmissions, totalAttempts + explained.length);
  });
});

/**
 * How the attempt's generateAsset was retried, from history. A round schedules one generateAsset
 * per attempt; every look at the provider's task, every wait for a place and every execution a
 * kill cut short is a retry of it, so its started event counts them all.
 */
async function generationRetries(handle: WorkflowHandle, attemptNumber: number): Promise<{ description: string; retried: boolean }> {
  const events = await historyEvents(handle);
  const scheduled = events.filter((event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'generateAsset');
  const id = String(scheduled[attemptNumber - 1]?.eventId ?? '');
  const started = events.find((event) => String(event.activityTaskStartedEventAttributes?.scheduledEventId) === id)?.activityTaskStartedEventAttributes;
  if (!started) return { description: 'generateAsset never started', retried: false };
  const executions = started.attempt ?? 1;
  return {
    description: `generateAsset ran ${executions} times (failure before its last: ${started.lastFailure?.message ?? 'none'})`,
    retried: executions > 1,
  };
}

/** When the provider submissions carrying exactly this prompt arrived (analyses excluded). */
function submissionTimes(proxy: RecordingProxy, prompt: string): number[] {
  const needle = JSON.stringify(prompt).slice(1, -1);
  return proxy
    .requests()
    .filter((r) => r.method === 'POST' && r.path !== '/v1/messages' && r.body.includes(needle))
    .map((r) => r.at)
    .sort((a, b) => a - b);
}

/**
 * Why an attempt's provider saw more than one submission, if a crash explains it. The
 * submission ledger (src/providers/submission-ledger.ts) cannot close the window between a
 * provider accepting a task and the ledger entry being written, because no provider takes an
 * idempotency key: a worker killed inside it submits again when the activity is retried. A
 * repeat is explained when a kill falls between it and the submission before it (and the caller
 * checks that Temporal timed that execution out rather than hearing a failure from it);
 * otherwise the worker paid twice with no crash to excuse it, and that is a bug.
 */
function killBetweenSubmissions(times: number[], submissions: number, kills: number[]): string | undefined {
  if (times.length !== submissions) return undefined;
  const gaps: number[] = [];
  for (let i = 1; i < times.length; i++) {
    // A request the worker wrote just before it died still reaches the provider: the kernel sends
    // what the socket held. So a kill shortly before the earlier arrival counts as well.
    const kill = kills.find((time) => time >= times[i - 1] - IN_FLIGHT_MS && time <= times[i]);
    if (kill === undefined) return undefined;
    gaps.push(kill - times[i - 1]);
  }
  return `worker killed ${gaps.map((gap) => (gap < 0 ? `${-gap} ms before` : `${gap} ms after`)).join(', ')} the provider got the request`;
}

/** How long a request already written to the socket may take to reach the proxy. */
const IN_FLIGHT_MS = 1_000;
