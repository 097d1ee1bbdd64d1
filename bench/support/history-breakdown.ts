import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

const EventType = temporal.api.enums.v1.EventType;

export interface HistoryBreakdown {
  /** First event to last, ms. */
  totalMs: number;
  activities: number;
  /** Time activities spent running (started → completed), summed. */
  activityRunMs: number;
  /** Scheduled → started for activities, summed: the worker picking the task up. */
  activityQueueMs: number;
  workflowTasks: number;
  workflowTaskQueueMs: number;
  workflowTaskRunMs: number;
}

/**
 * Where a workflow's wall time went, read from its history's event times: what the activities
 * themselves took versus what Temporal's dispatch and the workflow tasks added in between.
 */
export async function historyBreakdown(handle: WorkflowHandle): Promise<HistoryBreakdown> {
  const history = await handle.fetchHistory();
  const events = history.events ?? [];
  const time = (event: temporal.api.history.v1.IHistoryEvent) => {
    const t = event.eventTime!;
    return Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6);
  };
  const scheduled = new Map<number, number>();
  const started = new Map<number, number>();
  const out: HistoryBreakdown = {
    totalMs: events.length > 1 ? time(events[events.length - 1]) - time(events[0]) : 0,
    activities: 0,
    activityRunMs: 0,
    activityQueueMs: 0,
    workflowTasks: 0,
    workflowTaskQueueMs: 0,
    workflowTaskRunMs: 0,
  };
  for (const event of events) {
    const id = Number(event.eventId);
    switch (event.eventType) {
      case EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
      case EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED:
        scheduled.set(id, time(event));
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED: {
        const from = Number(event.activityTaskStartedEventAttributes!.scheduledEventId);
        started.set(id, time(event));
        out.activityQueueMs += time(event) - (scheduled.get(from) ?? time(event));
        break;
      }
      case EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
      case EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED: {
        const attributes = event.activityTaskCompletedEventAttributes ?? event.activityTaskFailedEventAttributes!;
        out.activities += 1;
        out.activityRunMs += time(event) - (started.get(Number(attributes.startedEventId)) ?? time(event));
        break;
      }
      case EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED: {
        const from = Number(event.workflowTaskStartedEventAttributes!.scheduledEventId);
        started.set(id, time(event));
        out.workflowTaskQueueMs += time(event) - (scheduled.get(from) ?? time(event));
        break;
      }
      case EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED: {
        out.workflowTasks += 1;
        const from = Number(event.workflowTaskCompletedEventAttributes!.startedEventId);
        out.workflowTaskRunMs += time(event) - (started.get(from) ?? time(event));
        break;
      }
    }
  }
  return out;
}

export function describeBreakdown(b: HistoryBreakdown): string {
  const other = b.totalMs - b.activityRunMs - b.activityQueueMs - b.workflowTaskQueueMs - b.workflowTaskRunMs;
  return (
    `history ${b.totalMs} ms: activities running ${b.activityRunMs} ms (${b.activities}), ` +
    `activity dispatch ${b.activityQueueMs} ms, workflow tasks ${b.workflowTasks}: queued ${b.workflowTaskQueueMs} ms, ` +
    `running ${b.workflowTaskRunMs} ms, other ${other} ms`
  );
}
