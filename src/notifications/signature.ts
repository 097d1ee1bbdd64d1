import { createHmac } from 'node:crypto';

/**
 * CONTRACT.md's `x-scene-signature`: `sha256=` and the hex HMAC-SHA256, under
 * NOTIFY_WEBHOOK_SECRET, of the timestamp, a dot and the raw body. The timestamp is signed with
 * the body so a receiver can refuse an old delivery replayed by someone who recorded it.
 */
export function signDelivery(secret: string, timestampSeconds: number, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestampSeconds}.${rawBody}`).digest('hex')}`;
}
