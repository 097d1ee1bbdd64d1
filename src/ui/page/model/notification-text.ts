import type { NotificationDelivery, NotificationEvent } from '../api/types';

const EVENT_LABELS: Record<NotificationEvent, string> = {
  'scene.escalated': 'Escalated to review',
  'scene.decided': 'Decision',
  'round.ended': 'Round ended',
  'review.reminder': 'Review reminder',
  'audit.requested': 'Audit requested',
};

export function eventLabel(type: NotificationEvent): string {
  return EVENT_LABELS[type];
}

/** Tone of the status badge, in the page's score colours. */
export type DeliveryTone = 'pass' | 'near' | 'poor' | 'none';

/** Whether the receiver has it, in words a reviewer reads at a glance, and its tone. */
export function deliveryStatusText(delivery: NotificationDelivery, nowMs: number): { text: string; tone: DeliveryTone } {
  switch (delivery.status) {
    case 'delivered':
      return { text: delivery.attempts > 1 ? `Delivered (try ${delivery.attempts})` : 'Delivered', tone: 'pass' };
    case 'failed':
      return { text: `Gave up after ${delivery.attempts} ${delivery.attempts === 1 ? 'try' : 'tries'}`, tone: 'poor' };
    case 'dropped':
      return { text: 'Not sent: the review ended first', tone: 'none' };
    case 'pending':
      if (delivery.attempts > 0) return { text: `Retrying (${delivery.attempts} ${delivery.attempts === 1 ? 'try' : 'tries'} so far)`, tone: 'near' };
      return { text: Date.parse(delivery.sendAt) > nowMs ? 'Scheduled' : 'Sending', tone: 'none' };
  }
}
