import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { WorkflowHandle } from '@temporalio/client';
import type { NotificationDelivery } from '../../src/domain/notifications';
import type { RegenerateSceneInput } from '../../src/domain/inputs';
import { roundUsd } from '../../src/catalog/cost';
import type { ScenarioRule } from '../../src/sim/server';
import type { regenerateSceneWorkflow } from '../../workflows';
import { getRegenerationStateQuery } from '../../workflows/messages';
import { startFaultStack, type FaultStack } from '../helpers/fault-stack';
import { sceneInput } from '../helpers/scenes';
import { waitUntilAsync } from '../helpers/wait-async';
import { signatureIsValid, startWebhookReceiver, type ReceivedDelivery, type WebhookReceiver } from '../helpers/webhook-receiver';
import { waitForReviewEntry } from '../helpers/workflow-runner';

type Round = WorkflowHandle<typeof regenerateSceneWorkflow>;

/**
 * Outgoing webhooks end to end: the whole product (real activities, PostgreSQL, the simulator, a
 * Temporal dev server) sending to a real HTTP receiver on loopback, three receivers configured:
 * every event, a Slack-shaped one for escalations, and one filtered to a project with no scenes.
 */
describe('outgoing webhooks to a real receiver', function () {
  this.timeout(240_000);
  const secret = `notify-${randomBytes(12).toString('hex')}`;
  let receiver: WebhookReceiver;
  let faults: FaultStack;
  const rules: ScenarioRule[] = [];

  before(async function () {
    this.timeout(180_000);
    receiver = await startWebhookReceiver();
    faults = await startFaultStack(
      {},
      {
        NOTIFY_WEBHOOK_URLS: [
          `${receiver.url}/all`,
          `${receiver.url}/slack?format=slack#events=scene.escalated`,
          `${receiver.url}/other#projects=99`,
        ].join(' '),
        NOTIFY_WEBHOOK_SECRET: secret,
        // 8 s before the review times out: room for a loaded machine on either side.
        NOTIFY_REMINDERS: '8s',
      },
    );
  });
  after(async function () {
    this.timeout(60_000);
    await faults?.stop();
    await receiver?.stop();
  });

  /** An image scene (fast to make and judge) whose analyses are scored by its own rule. */
  function round(name: string, scores: number[], extra: Partial<RegenerateSceneInput> = {}): Promise<Round> {
    const match = `webhook case ${name} ${Date.now()}`;
    rules.push({ match, scores });
    faults.simulator.setScenarios(rules);
    return faults.start(sceneInput({ visualDirection: `A bowl of soup, ${match}`, duration: 0, currentProvider: 'flux', contentType: 'food' }, extra));
  }

  const sceneOf = (round: Round) => Number(round.workflowId.replace('regenerate-scene-', ''));
  const deliveriesTo = (path: string, sceneId: number): ReceivedDelivery[] =>
    receiver.received.filter((r) => r.path === path && (r.body.data as { sceneId: number } | undefined)?.sceneId === sceneId);
  const typesOf = (deliveries: ReceivedDelivery[]) => deliveries.map((d) => d.body.type);
  /** The events in the order they arrived, except that a decision and the end it brings arrive in either order. */
  const arrivalOrder = (deliveries: ReceivedDelivery[]) => {
    const types = typesOf(deliveries) as string[];
    const ending = types.filter((t) => t === 'scene.decided' || t === 'round.ended').sort();
    const rest = types.filter((t) => t !== 'scene.decided' && t !== 'round.ended');
    assert.deepEqual(types.slice(rest.length).sort(), ending, 'the decision and the end come last');
    return [...rest, ending];
  };

  async function api<T>(method: string, route: string, body?: unknown): Promise<{ status: number; body: T }> {
    const response = await fetch(`${faults.stack.webUrl}${route}`, {
      method,
      headers: { authorization: `Bearer ${faults.stack.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: response.status, body: (await response.json()) as T };
  }

  it('every event arrives signed; a reminder fires before a short review timeout and not after a decision', async () => {
    // Scores clear of the bar's band and of each other, so the best (62) is judged once and
    // needs no pairwise comparison.
    // A: nobody decides; the reminder comes 8 s before the 12 s timeout, which approves the best.
    // B: a person rejects at once; its reminder, due 8 s after the escalation, must never come.
    const [timedOut, decided] = await Promise.all([
      round('timed out', [45, 55, 62], { policy: { reviewTimeout: '12s', onReviewTimeout: 'approve_best' } }),
      round('decided', [45, 55, 62], { policy: { reviewTimeout: '16s', onReviewTimeout: 'reject' } }),
    ]);
    await waitForReviewEntry(decided, 120_000);
    const escalatedAt = Date.now();
    const { reviewEntryId } = await decided.query(getRegenerationStateQuery);
    const answer = await api(`POST`, `/api/review-queue/${reviewEntryId}/decision`, { action: 'reject' });
    assert.equal(answer.status, 202);

    const [timedOutResult, decidedResult] = await Promise.all([timedOut.result(), decided.result()]);
    assert.equal(timedOutResult.outcome, 'approved');
    assert.equal(decidedResult.outcome, 'rejected');
    const a = sceneOf(timedOut);
    const b = sceneOf(decided);
    await waitUntilAsync(async () => deliveriesTo('/all', a).length >= 4 && deliveriesTo('/all', b).length >= 3, 60_000, 'every event');

    // The reminder came between the escalation and the timeout's decision, about 8 s before the timeout.
    // The decision and the end are written by one step, so their deliveries may arrive either way round.
    const toA = deliveriesTo('/all', a);
    assert.deepEqual(arrivalOrder(toA), ['scene.escalated', 'review.reminder', ['round.ended', 'scene.decided']]);
    const [escalation, reminder, decision, ending] = ['scene.escalated', 'review.reminder', 'scene.decided', 'round.ended'].map(
      (type) => toA.find((d) => d.body.type === type)!.body as { occurredAt: string; data: Record<string, unknown> },
    );
    const reminderLead = Date.parse(reminder.data.dueAt as string) - toA[1].receivedAt;
    assert.ok(reminderLead > 1_000 && reminderLead <= 8_500, `the reminder came ${reminderLead} ms before the timeout`);
    assert.equal(Date.parse(reminder.data.dueAt as string) - Date.parse(escalation.occurredAt), 12_000);
    assert.deepEqual(escalation.data, {
      sceneId: a,
      projectId: 7,
      reason: 'auto_regeneration_failed',
      bestScore: 62,
      reviewUrl: `${faults.stack.config.publicUrl}/ui/#/scenes/${a}`,
    });
    assert.deepEqual(decision.data, { sceneId: a, projectId: 7, action: 'approve', reviewer: 'review-timeout' });
    assert.deepEqual(ending.data, {
      sceneId: a,
      projectId: 7,
      outcome: 'approved',
      finalScore: 62,
      costUsd: roundUsd(timedOutResult.attempts.reduce((sum, attempt) => sum + (attempt.costUsd ?? 0), 0)),
    });

    // B's reminder was due 8 s after its escalation: wait past it, and it must not have come.
    await sleep(Math.max(0, escalatedAt + 8_000 + 3_000 - Date.now()));
    assert.deepEqual(arrivalOrder(deliveriesTo('/all', b)), ['scene.escalated', ['round.ended', 'scene.decided']]);
    assert.deepEqual((deliveriesTo('/all', b).find((d) => d.body.type === 'scene.decided')!.body as { data: unknown }).data, {
      sceneId: b,
      projectId: 7,
      action: 'reject',
      reviewer: 'reviewer',
    });
    const { body: sceneB } = await api<{ notifications: NotificationDelivery[] }>('GET', `/api/scenes/${b}`);
    const dropped = sceneB.notifications.filter((n) => n.type === 'review.reminder');
    assert.deepEqual(
      dropped.map((n) => [n.status, n.attempts]),
      [['dropped', 0]],
      'the reminder is recorded as dropped, never sent',
    );

    // Every request: CONTRACT's headers, a valid signature over the raw body, its id in the body.
    const all = [...deliveriesTo('/all', a), ...deliveriesTo('/all', b)];
    for (const delivery of all) {
      assert.equal(delivery.contentType, 'application/json');
      assert.ok(signatureIsValid(delivery, secret), `signature of ${delivery.deliveryId}`);
      assert.equal(delivery.body.id, delivery.deliveryId);
      assert.deepEqual(Object.keys(delivery.body), ['id', 'type', 'occurredAt', 'data']);
    }
    assert.equal(new Set(all.map((d) => d.deliveryId)).size, all.length, 'one delivery id per event and receiver');
    assert.equal(receiver.received.filter((r) => r.signature !== '' && !signatureIsValid(r, secret)).length, 0);
    assert.ok(!receiver.received.some((r) => signatureIsValid(r, 'another secret of some length')));

    // The Slack receiver: escalations only, as { text } with the scene, the reason and a link.
    const slackTexts = receiver.received.filter((r) => r.path === '/slack').map((r) => r.body.text as string);
    for (const sceneId of [a, b]) {
      const text = slackTexts.find((t) => t.startsWith(`Scene ${sceneId} `));
      assert.equal(
        text,
        `Scene ${sceneId} (project 7) needs review: auto regeneration failed, best score 62. <${faults.stack.config.publicUrl}/ui/#/scenes/${sceneId}|Review it>`,
      );
    }
    assert.ok(receiver.received.filter((r) => r.path === '/slack').every((r) => signatureIsValid(r, secret)));
    assert.equal(receiver.received.filter((r) => r.path === '/other').length, 0, 'the receiver of project 99 got nothing');

    // What the page reads: every delivery of A delivered at the first attempt.
    const { body: sceneA } = await api<{ notifications: NotificationDelivery[] }>('GET', `/api/scenes/${a}`);
    assert.deepEqual(
      sceneA.notifications.map((n) => [n.type, n.receiver, n.status, n.attempts, n.lastAnswerStatus]),
      [
        ['scene.escalated', receiver.url, 'delivered', 1, 200],
        ['scene.escalated', receiver.url, 'delivered', 1, 200],
        ['review.reminder', receiver.url, 'delivered', 1, 200],
        ['scene.decided', receiver.url, 'delivered', 1, 200],
        ['round.ended', receiver.url, 'delivered', 1, 200],
      ],
    );
  });

  it('a receiver answering 500 twice, then 200, gets the event once more per retry, under the same delivery id; the round does not wait', async () => {
    let target = -1;
    receiver.answerWith((delivery, earlier) =>
      delivery.path === '/all' && (delivery.body.data as { sceneId: number }).sceneId === target && earlier < 2 ? 500 : 200,
    );
    const input = sceneInput({ visualDirection: `A bowl of soup, webhook retries ${Date.now()}`, duration: 0, currentProvider: 'flux', contentType: 'food' });
    target = input.scene.id;
    rules.push({ match: input.scene.visualDirection.split(', ')[1], scores: [81] });
    faults.simulator.setScenarios(rules);
    const handle = await faults.start(input);
    const result = await handle.result();
    assert.equal(result.outcome, 'passed');
    // The round ended while its event was still being refused.
    const { body: atEnd } = await api<{ notifications: NotificationDelivery[] }>('GET', `/api/scenes/${target}`);
    assert.equal(atEnd.notifications[0]?.status, 'pending', 'the round ended before its event was delivered');

    await waitUntilAsync(async () => deliveriesTo('/all', target).length >= 3, 60_000, 'the third request');
    await sleep(2_000);
    const sent = deliveriesTo('/all', target);
    assert.equal(sent.length, 3, 'two refusals, one acceptance, nothing after');
    assert.deepEqual(typesOf(sent), ['round.ended', 'round.ended', 'round.ended']);
    assert.equal(new Set(sent.map((d) => d.deliveryId)).size, 1, 'the same delivery id every time');
    assert.equal(new Set(sent.map((d) => d.rawBody)).size, 1, 'the same body every time');
    assert.ok(sent.every((d) => signatureIsValid(d, secret)));
    assert.ok(sent[1].receivedAt - sent[0].receivedAt >= 900 && sent[2].receivedAt - sent[1].receivedAt >= 1_800, 'backed off 1 s, then 2 s');

    const { body: scene } = await api<{ notifications: NotificationDelivery[] }>('GET', `/api/scenes/${target}`);
    assert.deepEqual(
      scene.notifications.map((n) => [n.type, n.status, n.attempts, n.lastAnswerStatus, n.lastAnswer]),
      [['round.ended', 'delivered', 3, 200, 'HTTP 200: ok']],
    );
    receiver.answerWith(() => 200);
  });
});
