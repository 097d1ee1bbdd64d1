import { createHash } from 'node:crypto';
import { msToNumber, type Duration } from '@temporalio/common';
import type {
  NotificationBody,
  NotificationDataByEvent,
  NotificationEvent,
} from '../domain/notifications';
import type { RegenerationOutcome, UserDecision } from '../domain/regeneration';

/**
 * One event, before it is addressed to its receivers. Built where the fact it reports is written,
 * so an event exists exactly when its fact does.
 */
export interface NotificationDraft<E extends NotificationEvent = NotificationEvent> {
  type: E;
  /** Names this one event: a retried write makes the same key, and so finds its deliveries made. */
  eventKey: string;
  sceneId: number;
  projectId: number;
  /** ISO 8601: when the fact happened, or a reminder's time. */
  occurredAt: string;
  /** ISO 8601: when to send it; a reminder waits for its time. */
  sendAt: string;
  /** The review-queue entry a reminder is about: it is dropped once the entry is closed. */
  reviewEntryId?: number;
  data: NotificationDataByEvent[E];
}

/** The scene on the review page (src/ui/page/hooks/use-hash-route.ts). */
export function reviewUrl(publicUrl: string, sceneId: number): string {
  return `${publicUrl.replace(/\/+$/, '')}/ui/#/scenes/${sceneId}`;
}

/**
 * A passed scene sampled for people (escalation reason `audit`, CONTRACT.md) asks for an audit;
 * every other reason is an escalation. A string, since the audit feature adds its reason later.
 */
export function escalationEventType(reason: string): 'scene.escalated' | 'audit.requested' {
  return reason === 'audit' ? 'audit.requested' : 'scene.escalated';
}

export interface EscalationFacts {
  entryId: number;
  sceneId: number;
  projectId: number;
  reason: string;
  bestScore: number;
  escalatedAt: string;
  /** The round's reviewTimeout ("72h"); absent: it waits for a person indefinitely (no reminders). */
  reviewTimeout?: string;
  /** NOTIFY_REMINDERS: how long before the timeout each reminder goes out. */
  reminderOffsetsMs: readonly number[];
  publicUrl: string;
}

/**
 * The entry's escalation (or audit request), and a `review.reminder` for each offset that falls
 * after the escalation and before the review times out.
 */
export function escalationEvents(facts: EscalationFacts): NotificationDraft[] {
  const { entryId, sceneId, projectId, escalatedAt } = facts;
  const link = reviewUrl(facts.publicUrl, sceneId);
  const type = escalationEventType(facts.reason);
  const first: NotificationDraft =
    type === 'audit.requested'
      ? draft('audit.requested', `entry-${entryId}`, { sceneId, projectId, occurredAt: escalatedAt }, { sceneId, projectId, reviewUrl: link })
      : draft('scene.escalated', `entry-${entryId}`, { sceneId, projectId, occurredAt: escalatedAt }, {
          sceneId,
          projectId,
          reason: facts.reason,
          bestScore: facts.bestScore,
          reviewUrl: link,
        });
  // An audit blocks nothing, so there is no deadline to be reminded of.
  if (facts.reviewTimeout === undefined || type === 'audit.requested') return [first];
  const timeoutMs = msToNumber(facts.reviewTimeout as Duration);
  const escalatedMs = Date.parse(escalatedAt);
  const dueAt = new Date(escalatedMs + timeoutMs).toISOString();
  // A reminder that would fall before the escalation itself (24 h before a 2 h timeout) is none.
  const reminders = [...new Set(facts.reminderOffsetsMs)]
    .filter((offset) => offset < timeoutMs)
    .map((offset) => {
      const at = new Date(escalatedMs + timeoutMs - offset).toISOString();
      return draft(
        'review.reminder',
        `entry-${entryId}/before-${offset}ms`,
        { sceneId, projectId, occurredAt: at, sendAt: at, reviewEntryId: entryId },
        { sceneId, projectId, dueAt, reviewUrl: link },
      );
    });
  return [first, ...reminders];
}

export interface DecisionFacts {
  entryId: number;
  sceneId: number;
  projectId: number;
  decision: UserDecision;
  decidedAt: string;
}

/** The key decisionEvent gives the entry's decision. */
export function decisionEventKey(entryId: number): string {
  return `scene.decided/entry-${entryId}`;
}

export function decisionEvent({ entryId, sceneId, projectId, decision, decidedAt }: DecisionFacts): NotificationDraft<'scene.decided'> {
  return draft(
    'scene.decided',
    `entry-${entryId}`,
    { sceneId, projectId, occurredAt: decidedAt },
    {
      sceneId,
      projectId,
      action: decision.action,
      ...(decision.action === 'approve' && decision.attemptNumber !== undefined ? { attemptNumber: decision.attemptNumber } : {}),
      reviewer: decision.reviewer,
    },
  );
}

export interface RoundEndFacts {
  workflowId: string;
  runId: string;
  sceneId: number;
  projectId: number;
  outcome: RegenerationOutcome;
  finalScore: number;
  costUsd: number;
  endedAt: string;
}

/** One per run that ends: a reset makes a new run, whose end is a new event. */
export function roundEndedEvent(facts: RoundEndFacts): NotificationDraft<'round.ended'> {
  const { sceneId, projectId } = facts;
  return draft(
    'round.ended',
    `${facts.workflowId}/${facts.runId}`,
    { sceneId, projectId, occurredAt: facts.endedAt },
    { sceneId, projectId, outcome: facts.outcome, finalScore: facts.finalScore, costUsd: facts.costUsd },
  );
}

function draft<E extends NotificationEvent>(
  type: E,
  key: string,
  at: { sceneId: number; projectId: number; occurredAt: string; sendAt?: string; reviewEntryId?: number },
  data: NotificationDataByEvent[E],
): NotificationDraft<E> {
  return {
    type,
    eventKey: `${type}/${key}`,
    sceneId: at.sceneId,
    projectId: at.projectId,
    occurredAt: at.occurredAt,
    sendAt: at.sendAt ?? at.occurredAt,
    ...(at.reviewEntryId !== undefined ? { reviewEntryId: at.reviewEntryId } : {}),
    data,
  };
}

/**
 * The delivery of one event to one receiver, the same however often the write that makes it is
 * retried: `notify-<event>-<hash>`, also the id of the workflow that delivers it.
 */
export function deliveryId(eventKey: string, targetKey: string): string {
  const [type] = eventKey.split('/');
  const hash = createHash('sha256').update(`${eventKey}\n${targetKey}`).digest('hex').slice(0, 24);
  return `notify-${type}-${hash}`;
}

/** CONTRACT's body, written once and stored, so every retry sends the same bytes. */
export function deliveryBody(event: NotificationDraft, id: string): string {
  const body = { id, type: event.type, occurredAt: event.occurredAt, data: event.data } as NotificationBody;
  return JSON.stringify(body);
}
