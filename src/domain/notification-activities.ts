/**
 * The delivery workflow's activities and input (workflows/deliver-notification.ts), beside the
 * round's own (activity-types.ts): a delivery is its own small workflow, so a receiver that is
 * down holds nothing in the round.
 */
import type { DeliveryStatus } from './notifications';

/** Also the id of the workflow that delivers it. */
export const DELIVER_NOTIFICATION_WORKFLOW = 'deliverNotificationWorkflow';

export interface DeliverNotificationInput {
  /** The delivery id (src/notifications/events.ts deliveryId); the workflow id too. */
  deliveryId: string;
  /** NOTIFY_GIVE_UP_AFTER: how long the sends are retried before the delivery is given up. */
  giveUpAfterMs: number;
}

export interface DeliveryRequest {
  deliveryId: string;
}

/** How a delivery stands after a send, or why none was made. */
export type DeliveryResult = { status: DeliveryStatus | 'missing' };

/** The failure type of a send that got no 2xx: retried by the delivery workflow's policy. */
export const NOTIFICATION_NOT_DELIVERED = 'notification_not_delivered';

export interface NotificationActivities {
  /**
   * One request to the receiver, counted and its answer recorded; fails (NOTIFICATION_NOT_DELIVERED)
   * unless the receiver answered 2xx. A delivery that is no longer pending is not sent again.
   */
  deliverNotification(request: DeliveryRequest): Promise<DeliveryResult>;
  /** Records the delivery as failed once its retries are given up. */
  giveUpNotification(request: DeliveryRequest): Promise<void>;
}
