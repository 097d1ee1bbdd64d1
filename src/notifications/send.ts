import { DELIVERY_HEADERS, type NotificationBody } from '../domain/notifications';
import { signDelivery } from './signature';
import { slackMessage } from './slack-text';
import type { WebhookTarget } from './targets';

/**
 * How long a receiver has to answer. Webhook senders keep this short (GitHub waits 10 s) so a
 * slow receiver costs a retry, not a worker slot for minutes.
 */
export const ANSWER_TIMEOUT_MS = 10_000;

/** The most of a receiver's answer kept and logged: enough to tell an error page from a JSON error. */
export const ANSWER_EXCERPT_CHARS = 200;

/** What one send came to, as recorded on the delivery. */
export interface DeliveryAnswer {
  delivered: boolean;
  /** The HTTP status; absent when no answer came (refused, timed out). */
  status?: number;
  /** A short excerpt of the answer, or why none came. */
  answer: string;
}

export interface SendRequest {
  target: WebhookTarget;
  secret: string;
  deliveryId: string;
  /** The stored body (CONTRACT's JSON), sent as is or turned into Slack's shape. */
  body: string;
  /** Unix milliseconds of this send: the signed timestamp is fresh on every retry. */
  nowMs: number;
}

/**
 * One POST of a delivery. Every answer is a result, not an exception: a 2xx is delivered,
 * anything else (another status, a refused connection, no answer in time) is not. Redirects
 * are not followed: the signature was made for this receiver.
 */
export async function sendDelivery(request: SendRequest): Promise<DeliveryAnswer> {
  const { target } = request;
  const raw = target.format === 'slack' ? JSON.stringify(slackMessage(JSON.parse(request.body) as NotificationBody)) : request.body;
  const timestamp = Math.floor(request.nowMs / 1000);
  let response: Response;
  try {
    response = await fetch(target.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'scene-regeneration-webhooks',
        [DELIVERY_HEADERS.delivery]: request.deliveryId,
        [DELIVERY_HEADERS.timestamp]: String(timestamp),
        [DELIVERY_HEADERS.signature]: signDelivery(request.secret, timestamp, raw),
      },
      body: raw,
      redirect: 'manual',
      signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS),
    });
  } catch (error) {
    return { delivered: false, answer: `No answer: ${reasonOf(error)}` };
  }
  const excerpt = await readExcerpt(response);
  return {
    delivered: response.status >= 200 && response.status < 300,
    status: response.status,
    answer: excerpt === '' ? `HTTP ${response.status}` : `HTTP ${response.status}: ${excerpt}`,
  };
}

/** The start of the answer's body, one line; the rest is never read, so never logged or kept. */
async function readExcerpt(response: Response): Promise<string> {
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (text.length < ANSWER_EXCERPT_CHARS) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    // An answer cut off mid-body still has its status.
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > ANSWER_EXCERPT_CHARS ? `${oneLine.slice(0, ANSWER_EXCERPT_CHARS)}…` : oneLine;
}

function reasonOf(error: unknown): string {
  if (error instanceof DOMException && error.name === 'TimeoutError') return `none within ${ANSWER_TIMEOUT_MS / 1000} s`;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}
