import { ActivityFailure, proxyActivities } from '@temporalio/workflow';
import type {
  DeliverNotificationInput,
  DeliveryResult,
  NotificationActivities,
} from '../src/domain/notification-activities';

/**
 * One outgoing webhook to one receiver (CONTRACT.md "Outgoing webhooks"), started by the activity
 * that recorded its event, with the delivery id as its workflow id. Its own workflow, so a
 * receiver that is down delays nothing in the round; a send whose worker dies is sent again by
 * the retry, under the same delivery id.
 */
export async function deliverNotificationWorkflow({ deliveryId, giveUpAfterMs }: DeliverNotificationInput): Promise<DeliveryResult> {
  const { deliverNotification } = proxyActivities<NotificationActivities>({
    // The receiver has 10 s to answer (src/notifications/send.ts); the send heartbeats every
    // second, so a worker killed mid-send is noticed in 5 s, not at the end of the 30.
    startToCloseTimeout: '30 seconds',
    heartbeatTimeout: '5 seconds',
    // NOTIFY_GIVE_UP_AFTER: the retries end here, and the delivery is recorded as failed.
    scheduleToCloseTimeout: giveUpAfterMs,
    // 1 s, 2 s, 4 s … up to every 10 minutes: a receiver back after a blip gets the event at
    // once, one down for hours is not hammered.
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 minutes' },
  });
  const { giveUpNotification } = proxyActivities<NotificationActivities>({
    startToCloseTimeout: '30 seconds',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
  });
  try {
    return await deliverNotification({ deliveryId });
  } catch (error) {
    if (!(error instanceof ActivityFailure)) throw error;
    await giveUpNotification({ deliveryId });
    return { status: 'failed' };
  }
}
