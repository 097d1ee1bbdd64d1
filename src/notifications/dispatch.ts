import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { DELIVER_NOTIFICATION_WORKFLOW, type DeliverNotificationInput } from '../domain/notification-activities';

export interface DeliveryToStart {
  id: string;
  /** When it is due; a reminder's delivery waits for it on Temporal's server (startDelay). */
  sendAt: Date;
}

/**
 * Starts one delivery workflow per delivery, its id the delivery id. Starting one that exists
 * (a retried activity, a second worker) is refused by Temporal and counts as done, and so is one
 * that already finished: REJECT_DUPLICATE keeps a delivered event from being started again.
 */
export async function startDeliveries(
  client: Client,
  taskQueue: string,
  deliveries: readonly DeliveryToStart[],
  giveUpAfterMs: number,
  nowMs = Date.now(),
): Promise<void> {
  await Promise.all(
    deliveries.map(async ({ id, sendAt }) => {
      const delayMs = sendAt.getTime() - nowMs;
      const input: DeliverNotificationInput = { deliveryId: id, giveUpAfterMs };
      try {
        await client.workflow.start(DELIVER_NOTIFICATION_WORKFLOW, {
          workflowId: id,
          taskQueue,
          args: [input],
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          ...(delayMs > 0 ? { startDelay: delayMs } : {}),
        });
      } catch (error) {
        if (error instanceof WorkflowExecutionAlreadyStartedError) return;
        throw error;
      }
    }),
  );
}
