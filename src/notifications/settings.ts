import { msToNumber, type Duration } from '@temporalio/common';
import { parseWebhookTargets, type WebhookTarget } from './targets';

/** What the worker needs to send outgoing webhooks (src/config.ts reads it once at start). */
export interface NotificationSettings {
  targets: WebhookTarget[];
  /** NOTIFY_WEBHOOK_SECRET: signs every delivery; never stored, logged or sent to a workflow. */
  secret: string;
  /** NOTIFY_REMINDERS: how long before a review times out each reminder goes out. */
  reminderOffsetsMs: number[];
  /** NOTIFY_GIVE_UP_AFTER: how long a delivery is retried before it is recorded as failed. */
  giveUpAfterMs: number;
  /** PUBLIC_URL, for the review page links in the events. */
  publicUrl: string;
}

/** A day before and an hour before, as the issue that asked for reminders suggests. */
export const DEFAULT_REMINDERS = '24h,1h';
/** A receiver down for a day has missed what the events were for. */
export const DEFAULT_GIVE_UP_AFTER = '24h';
/** As WEBHOOK_SECRET: 16 characters are about 96 bits when random. */
export const MIN_NOTIFY_SECRET_LENGTH = 16;

export interface NotificationEnv {
  urls?: string;
  secret?: string;
  reminders?: string;
  giveUpAfter?: string;
  production: boolean;
  publicUrl: string;
}

/** Undefined when no receiver is configured; any malformed setting stops the start with one line naming it. */
export function readNotificationSettings(env: NotificationEnv): NotificationSettings | undefined {
  const targets = parseWebhookTargets(env.urls, { production: env.production });
  const reminders = env.reminders ?? DEFAULT_REMINDERS;
  const reminderOffsetsMs = reminders === 'none' ? [] : reminders.split(',').map((item) => duration('NOTIFY_REMINDERS', item));
  const giveUpAfterMs = duration('NOTIFY_GIVE_UP_AFTER', env.giveUpAfter ?? DEFAULT_GIVE_UP_AFTER);
  if (targets.length === 0) return undefined;
  if (env.secret === undefined || env.secret.length < MIN_NOTIFY_SECRET_LENGTH) {
    throw new Error(
      `Invalid environment: NOTIFY_WEBHOOK_SECRET must be set, at least ${MIN_NOTIFY_SECRET_LENGTH} characters, when NOTIFY_WEBHOOK_URLS is`,
    );
  }
  return { targets, secret: env.secret, reminderOffsetsMs, giveUpAfterMs, publicUrl: env.publicUrl };
}

/** A positive duration such as "24h", "90s" or "30 minutes", in milliseconds. */
function duration(setting: string, item: string): number {
  let ms: number | undefined;
  try {
    ms = msToNumber(item.trim() as Duration);
  } catch {
    ms = undefined;
  }
  if (ms === undefined || !Number.isFinite(ms) || ms <= 0) {
    throw new Error(`Invalid environment: ${setting} takes durations such as "24h,1h" or "90s"; "${item.trim()}" is not one`);
  }
  return ms;
}
