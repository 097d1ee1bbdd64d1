import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import type { NotificationBody } from '../../src/domain/notifications';
import {
  decisionEvent,
  decisionEventKey,
  deliveryBody,
  deliveryId,
  escalationEvents,
  escalationEventType,
  roundEndedEvent,
} from '../../src/notifications/events';
import { signDelivery } from '../../src/notifications/signature';
import { slackMessage } from '../../src/notifications/slack-text';

const ESCALATION = {
  entryId: 12,
  sceneId: 42,
  projectId: 7,
  reason: 'auto_regeneration_failed',
  bestScore: 58,
  escalatedAt: '2026-12-01T10:00:00.000Z',
  reminderOffsetsMs: [24 * 3_600_000, 3_600_000],
  publicUrl: 'https://scenes.example.com/',
};

describe('outgoing webhook events (CONTRACT.md "Outgoing webhooks")', () => {
  it('an escalation: scene.escalated with reason, best score and the page link; no reminders without a review timeout', () => {
    const events = escalationEvents(ESCALATION);
    assert.deepEqual(events, [
      {
        type: 'scene.escalated',
        eventKey: 'scene.escalated/entry-12',
        sceneId: 42,
        projectId: 7,
        occurredAt: '2026-12-01T10:00:00.000Z',
        sendAt: '2026-12-01T10:00:00.000Z',
        data: {
          sceneId: 42,
          projectId: 7,
          reason: 'auto_regeneration_failed',
          bestScore: 58,
          reviewUrl: 'https://scenes.example.com/ui/#/scenes/42',
        },
      },
    ]);
  });

  it('a review timeout of 72 h: reminders 24 h and 1 h before it, each sent at its time and tied to the entry', () => {
    const [, ...reminders] = escalationEvents({ ...ESCALATION, reviewTimeout: '72h' });
    assert.deepEqual(
      reminders.map((r) => [r.type, r.sendAt, r.occurredAt, r.reviewEntryId, r.data]),
      [
        ['review.reminder', '2026-12-03T10:00:00.000Z', '2026-12-03T10:00:00.000Z', 12, { sceneId: 42, projectId: 7, dueAt: '2026-12-04T10:00:00.000Z', reviewUrl: 'https://scenes.example.com/ui/#/scenes/42' }],
        ['review.reminder', '2026-12-04T09:00:00.000Z', '2026-12-04T09:00:00.000Z', 12, { sceneId: 42, projectId: 7, dueAt: '2026-12-04T10:00:00.000Z', reviewUrl: 'https://scenes.example.com/ui/#/scenes/42' }],
      ],
    );
    assert.notEqual(reminders[0].eventKey, reminders[1].eventKey);
  });

  it('a reminder that would fall before the escalation (24 h before a 2 h timeout) is left out', () => {
    const events = escalationEvents({ ...ESCALATION, reviewTimeout: '2h' });
    assert.deepEqual(events.map((e) => [e.type, e.sendAt]), [
      ['scene.escalated', '2026-12-01T10:00:00.000Z'],
      ['review.reminder', '2026-12-01T11:00:00.000Z'],
    ]);
  });

  it('an audit entry asks for an audit instead, with no reminders: it blocks nothing', () => {
    assert.equal(escalationEventType('audit'), 'audit.requested');
    assert.equal(escalationEventType('budget_exhausted'), 'scene.escalated');
    const events = escalationEvents({ ...ESCALATION, reason: 'audit', reviewTimeout: '72h' });
    assert.deepEqual(
      events.map((e) => [e.type, e.eventKey, e.data]),
      [['audit.requested', 'audit.requested/entry-12', { sceneId: 42, projectId: 7, reviewUrl: 'https://scenes.example.com/ui/#/scenes/42' }]],
    );
  });

  it('a decision: who and what, the attempt only when an approval named one', () => {
    const base = { entryId: 12, sceneId: 42, projectId: 7, decidedAt: '2026-12-01T11:00:00.000Z' };
    const named = decisionEvent({ ...base, decision: { action: 'approve', attemptNumber: 2, reviewer: 'ana' } });
    assert.equal(named.eventKey, decisionEventKey(12));
    assert.deepEqual(named.data, { sceneId: 42, projectId: 7, action: 'approve', attemptNumber: 2, reviewer: 'ana' });
    const rejected = decisionEvent({ ...base, decision: { action: 'reject', reviewer: 'review-timeout', note: 'x' } });
    assert.deepEqual(rejected.data, { sceneId: 42, projectId: 7, action: 'reject', reviewer: 'review-timeout' });
  });

  it('a round’s end: outcome, final score and cost, keyed by its run', () => {
    const ended = roundEndedEvent({
      workflowId: 'regenerate-scene-42',
      runId: 'run-1',
      sceneId: 42,
      projectId: 7,
      outcome: 'passed',
      finalScore: 81,
      costUsd: 0.43,
      endedAt: '2026-12-01T10:05:00.000Z',
    });
    assert.equal(ended.eventKey, 'round.ended/regenerate-scene-42/run-1');
    assert.deepEqual(ended.data, { sceneId: 42, projectId: 7, outcome: 'passed', finalScore: 81, costUsd: 0.43 });
  });

  it('a delivery id is stable for one event and receiver, and differs for another of either', () => {
    const id = deliveryId('scene.escalated/entry-12', 'receiver-a');
    assert.match(id, /^notify-scene\.escalated-[0-9a-f]{24}$/);
    assert.equal(deliveryId('scene.escalated/entry-12', 'receiver-a'), id);
    assert.notEqual(deliveryId('scene.escalated/entry-12', 'receiver-b'), id);
    assert.notEqual(deliveryId('scene.escalated/entry-13', 'receiver-a'), id);
  });

  it('the body is CONTRACT’s { id, type, occurredAt, data }', () => {
    const [event] = escalationEvents(ESCALATION);
    const body = JSON.parse(deliveryBody(event, 'notify-x')) as NotificationBody;
    assert.deepEqual(Object.keys(body), ['id', 'type', 'occurredAt', 'data']);
    assert.equal(body.id, 'notify-x');
    assert.equal(body.type, 'scene.escalated');
  });

  it('signs "<timestamp>.<raw body>" with HMAC-SHA256 as sha256=<hex>', () => {
    const raw = '{"id":"notify-x"}';
    const expected = createHmac('sha256', 'k'.repeat(20)).update(`1700000000.${raw}`).digest('hex');
    assert.equal(signDelivery('k'.repeat(20), 1_700_000_000, raw), `sha256=${expected}`);
    assert.notEqual(signDelivery('k'.repeat(20), 1_700_000_001, raw), `sha256=${expected}`, 'the timestamp is signed');
  });

  it('Slack’s shape: one line with the scene, the reason and a link', () => {
    const [event] = escalationEvents({ ...ESCALATION, reason: 'budget_exhausted' });
    const body = JSON.parse(deliveryBody(event, 'notify-x')) as NotificationBody;
    assert.deepEqual(slackMessage(body), {
      text: 'Scene 42 (project 7) needs review: budget exhausted, best score 58. <https://scenes.example.com/ui/#/scenes/42|Review it>',
    });
  });
});
