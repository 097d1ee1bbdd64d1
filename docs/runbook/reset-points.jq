# Where a regeneration round can be reset to, read from `temporal workflow show --output json`.
#
# One line per recorded attempt: the WorkflowTaskCompleted event that follows the completion of
# the activity that recorded it (recordAttempt, or escalateToReview for a round's last attempt).
# Resetting to it keeps the attempt and everything before it; everything after it runs again,
# paid generations included. Resetting to the escalation's point puts the round back in the
# review wait.
#
# Activity inputs are in history as base64 JSON (Temporal's default converter), hence @base64d.

def attempt_of: .activityTaskScheduledEventAttributes.input.payloads[0].data | @base64d | fromjson | .attempt;
def records_attempt: .activityTaskScheduledEventAttributes.activityType.name | . == "recordAttempt" or . == "escalateToReview";

(.events
  | map(select(.eventType == "EVENT_TYPE_ACTIVITY_TASK_SCHEDULED" and records_attempt)
        | { key: .eventId, value: attempt_of }
        | select(.value != null))
  | from_entries) as $recorded
| reduce .events[] as $event ({ finished: [], lines: [] };
    ($event.activityTaskCompletedEventAttributes.scheduledEventId // "") as $scheduled
    | if $event.eventType == "EVENT_TYPE_ACTIVITY_TASK_COMPLETED" and $recorded[$scheduled] != null then
        .finished += [$recorded[$scheduled]]
      elif $event.eventType == "EVENT_TYPE_WORKFLOW_TASK_COMPLETED" then
        .lines += [.finished[]
                   | "round \(.round) attempt \(.attemptNumber) (\(.provider), \(.result), score \(.scoreAfter)): --event-id \($event.eventId)"]
        | .finished = []
      else . end)
| .lines[]
