import { Context, log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Db } from '../src/db/database';
import { beginDeliveryAttempt, giveUpDelivery, pendingDeliveries, recordDeliveryAnswer } from '../src/db/notification-outbox';
import { NOTIFICATION_NOT_DELIVERED, type NotificationActivities } from '../src/domain/notification-activities';
import { startDeliveries } from '../src/notifications/dispatch';
import { sendDelivery } from '../src/notifications/send';
import type { NotificationSettings } from '../src/notifications/settings';
import { heartbeatWhile } from './heartbeat-while';

/** Where the receiver went: a delivery made before a receiver was taken out of the settings. */
const RECEIVER_GONE = 'The receiver is no longer in NOTIFY_WEBHOOK_URLS';

/** Sends outgoing webhooks: one request per activity attempt, the delivery workflow retrying. */
export function createNotificationActivities(db: Db, notify: NotificationSettings | undefined): NotificationActivities {
  const { kysely } = db;
  return {
    async deliverNotification({ deliveryId }) {
      const begun = await beginDeliveryAttempt(kysely, deliveryId);
      if ('skipped' in begun) {
        log.info('Notification not sent', { deliveryId, status: begun.skipped });
        return { status: begun.skipped };
      }
      const target = notify?.targets.find((t) => t.key === begun.targetKey);
      if (notify === undefined || target === undefined) {
        await giveUpDelivery(kysely, deliveryId, RECEIVER_GONE);
        log.warn('Notification given up: its receiver is no longer configured', { deliveryId, event: begun.event });
        return { status: 'failed' };
      }
      const answer = await heartbeatWhile(
        () => sendDelivery({ target, secret: notify.secret, deliveryId, body: begun.body, nowMs: Date.now() }),
        1_000,
      );
      await recordDeliveryAnswer(kysely, deliveryId, answer);
      // The answer as recorded: a status and at most a short excerpt of its body.
      const fields = { deliveryId, event: begun.event, receiver: target.label, attempt: begun.attempt, answer: answer.answer };
      if (answer.delivered) {
        log.info('Notification delivered', fields);
        return { status: 'delivered' };
      }
      log.warn('Notification not delivered; it will be sent again', fields);
      throw ApplicationFailure.create({
        type: NOTIFICATION_NOT_DELIVERED,
        message: `${target.label} did not take delivery ${deliveryId}: ${answer.status !== undefined ? `HTTP ${answer.status}` : 'no answer'}`,
      });
    },
    async giveUpNotification({ deliveryId }) {
      await giveUpDelivery(kysely, deliveryId);
      log.warn('Notification given up: no receiver took it in time', { deliveryId });
    },
  };
}

/**
 * Starts the deliveries of events a database activity has just recorded, as that activity: a
 * retry of it starts whatever is still pending, so a crash between the write and the start
 * loses nothing.
 */
export function eventStarter(db: Db, notify: NotificationSettings | undefined): (eventKeys: readonly string[]) => Promise<void> {
  return async (eventKeys) => {
    if (notify === undefined || eventKeys.length === 0) return;
    const deliveries = await pendingDeliveries(db.kysely, eventKeys);
    if (deliveries.length === 0) return;
    const context = Context.current();
    await startDeliveries(context.client, context.info.taskQueue, deliveries, notify.giveUpAfterMs);
  };
}
