import type { WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

type History = Awaited<ReturnType<WorkflowHandle['fetchHistory']>>;
type HistoryEvent = NonNullable<History['events']>[number];

/** Every event of the handle's run, read from the server (not from a worker's cache). */
export async function historyEvents(handle: WorkflowHandle): Promise<HistoryEvent[]> {
  const history = await handle.fetchHistory();
  return history.events ?? [];
}

const { WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND } = temporal.api.enums.v1.WorkflowTaskFailedCause;

/**
 * Workflow tasks that failed: a bug or non-determinism in workflow code. A fault in the world
 * must end as a retried activity or a failed attempt, never as one of these.
 *
 * UnhandledCommand is left out: the server answers that way when a signal arrives while the
 * workflow is completing, so the workflow sees the signal before it ends. It is the server's
 * ordering protocol, not a fault in the workflow code.
 */
export function workflowTaskFailures(events: readonly HistoryEvent[]): string[] {
  return events
    .filter((event) => event.workflowTaskFailedEventAttributes)
    .filter((event) => event.workflowTaskFailedEventAttributes!.cause !== WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND)
    .map((event) => {
      const attributes = event.workflowTaskFailedEventAttributes!;
      return `${String(attributes.cause)}: ${attributes.failure?.message ?? ''}`;
    });
}

/** How many times the workflow scheduled an activity of this type (retries are not new schedules). */
export function scheduledCount(events: readonly HistoryEvent[], activityType: string): number {
  return events.filter((event) => event.activityTaskScheduledEventAttributes?.activityType?.name === activityType).length;
}

/** How many of those scheduled activities have completed (successfully). */
export function completedCount(events: readonly HistoryEvent[], activityType: string): number {
  const scheduledIds = new Set(
    events
      .filter((event) => event.activityTaskScheduledEventAttributes?.activityType?.name === activityType)
      .map((event) => String(event.eventId)),
  );
  return events.filter((event) => {
    const completed = event.activityTaskCompletedEventAttributes;
    return completed && scheduledIds.has(String(completed.scheduledEventId));
  }).length;
}

/** When each timer was started, in milliseconds since the epoch. */
export function timerStartTimes(events: readonly HistoryEvent[]): number[] {
  return events.filter((event) => event.timerStartedEventAttributes).map((event) => eventTimeMs(event));
}

export function eventTimeMs(event: HistoryEvent): number {
  const time = event.eventTime;
  if (!time) return 0;
  return Number(time.seconds ?? 0) * 1000 + Math.floor((time.nanos ?? 0) / 1e6);
}

/**
 * For each run of an activity of this type, the attempt it was started on last (history keeps
 * only the final start of a retried activity): 1 means it never needed Temporal's retry.
 */
export function startedAttempts(events: readonly HistoryEvent[], activityType: string): number[] {
  const scheduledIds = new Set(
    events
      .filter((event) => event.activityTaskScheduledEventAttributes?.activityType?.name === activityType)
      .map((event) => String(event.eventId)),
  );
  return events
    .filter((event) => {
      const started = event.activityTaskStartedEventAttributes;
      return started && scheduledIds.has(String(started.scheduledEventId));
    })
    .map((event) => event.activityTaskStartedEventAttributes!.attempt ?? 1);
}

/** The summary each scheduled activity carries (its userMetadata), as "type: summary", in order. */
export function activitySummaries(events: readonly HistoryEvent[]): string[] {
  return events
    .filter((event) => event.activityTaskScheduledEventAttributes)
    .map((event) => {
      const summary = event.userMetadata?.summary;
      const text = summary ? defaultPayloadConverter.fromPayload<string>(summary) : '';
      return `${event.activityTaskScheduledEventAttributes!.activityType?.name ?? '?'}: ${text}`;
    });
}
