/**
 * The outgoing webhooks of CONTRACT.md "Outgoing webhooks": what people and pipelines act on,
 * each sent as `{ id, type, occurredAt, data }`.
 */
import type { DecisionAction, RegenerationOutcome } from './regeneration';

export const NOTIFICATION_EVENTS = [
  'scene.escalated',
  'scene.decided',
  'round.ended',
  'review.reminder',
  'audit.requested',
] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

export function isNotificationEvent(value: string): value is NotificationEvent {
  return (NOTIFICATION_EVENTS as readonly string[]).includes(value);
}

export interface SceneEscalatedData {
  sceneId: number;
  projectId: number;
  /** An escalation reason (CONTRACT.md). */
  reason: string;
  bestScore: number;
  /** The scene on the review page. */
  reviewUrl: string;
}

export interface SceneDecidedData {
  sceneId: number;
  projectId: number;
  action: DecisionAction;
  /** The attempt an approval took; absent: the round's best (or not an approval). */
  attemptNumber?: number;
  /** A person, or `review-timeout` when the policy decided. */
  reviewer: string;
}

export interface RoundEndedData {
  sceneId: number;
  projectId: number;
  outcome: RegenerationOutcome;
  finalScore: number;
  /** Every attempt of the workflow's rounds, judgments included, in US dollars. */
  costUsd: number;
}

export interface ReviewReminderData {
  sceneId: number;
  projectId: number;
  /** When the review times out (the round's reviewTimeout runs out). */
  dueAt: string;
  reviewUrl: string;
}

export interface AuditRequestedData {
  sceneId: number;
  projectId: number;
  reviewUrl: string;
}

/** Each event's data, by its type. */
export interface NotificationDataByEvent {
  'scene.escalated': SceneEscalatedData;
  'scene.decided': SceneDecidedData;
  'round.ended': RoundEndedData;
  'review.reminder': ReviewReminderData;
  'audit.requested': AuditRequestedData;
}

interface BodyOf<E extends NotificationEvent> {
  /** The delivery id: the same in every retry of one delivery (x-scene-delivery). */
  id: string;
  type: E;
  /** ISO 8601. */
  occurredAt: string;
  data: NotificationDataByEvent[E];
}

export type SceneEscalatedBody = BodyOf<'scene.escalated'>;
export type SceneDecidedBody = BodyOf<'scene.decided'>;
export type RoundEndedBody = BodyOf<'round.ended'>;
export type ReviewReminderBody = BodyOf<'review.reminder'>;
export type AuditRequestedBody = BodyOf<'audit.requested'>;

/** What a receiver gets as the JSON body of a delivery. */
export type NotificationBody = SceneEscalatedBody | SceneDecidedBody | RoundEndedBody | ReviewReminderBody | AuditRequestedBody;

/**
 * `pending` until a receiver answers 2xx (`delivered`), the retries give up (`failed`), or a
 * reminder is no longer wanted because its review ended first (`dropped`).
 */
export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed', 'dropped'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** The headers of CONTRACT.md that every delivery carries. */
export const DELIVERY_HEADERS = {
  delivery: 'x-scene-delivery',
  timestamp: 'x-scene-timestamp',
  signature: 'x-scene-signature',
} as const;

/** One event's delivery to one receiver, as recorded (GET /api/scenes/:id `notifications`). */
export interface NotificationDelivery {
  /** The delivery id (x-scene-delivery). */
  id: string;
  type: NotificationEvent;
  /** The receiver's scheme, host and port; its full URL is never shown or stored. */
  receiver: string;
  status: DeliveryStatus;
  /** Requests sent so far. */
  attempts: number;
  /** The receiver's last HTTP status; absent before any answer or when none came. */
  lastAnswerStatus?: number;
  /** A short excerpt of the last answer, or why none came. */
  lastAnswer?: string;
  /** When it was to go out (a reminder's time, or when its event happened). */
  sendAt: string;
  lastAttemptAt?: string;
  /** When it was delivered, given up or dropped. */
  endedAt?: string;
}
