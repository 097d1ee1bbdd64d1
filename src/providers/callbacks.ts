import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ProviderName } from '../domain/provider';

/**
 * Provider callbacks ("webhooks") end a wait for a generation early: the provider calls
 * `${PUBLIC_URL}/webhooks/generation/<provider>?workflowId=<id>&token=<token>` when its task ends,
 * and the web server signals that workflow to look at the task at once. Polling goes on
 * regardless, so a callback that never comes costs nothing but the early finish.
 *
 * The token is HMAC-SHA256(WEBHOOK_SECRET, provider + workflow id): unguessable, bound to one
 * workflow and one provider, checkable without storing anything. fal also signs its calls
 * (X-Fal-Webhook-Signature, ED25519 keys from a JWKS, per docs.fal.ai/model-endpoints/webhooks),
 * but how exactly is unconfirmed (research/providers.md, fal "Webhooks"), and a check we cannot
 * confirm would either refuse real calls or accept forged ones; our own token needs no trust in it.
 */

export const CALLBACK_PATH = '/webhooks/generation';

/** Which wire format a provider's callback speaks. */
export type CallbackDialect = 'piapi' | 'fal';

/**
 * Providers that call back: PiAPI (config.webhook_config, piapi.ai/docs/unified-webhook) for the
 * models behind it, and fal (?fal_webhook=, docs.fal.ai/model-endpoints/webhooks). Runway's API
 * documents none; its own SDK polls (runwayml/sdk-node src/lib/polling.ts): it is polled only.
 */
const DIALECTS: Readonly<Record<ProviderName, CallbackDialect | undefined>> = {
  kling: 'piapi',
  luma: 'piapi',
  hailuo: 'piapi',
  flux: 'piapi',
  falai: 'fal',
  runway: undefined,
};

export function callbackDialect(provider: ProviderName): CallbackDialect | undefined {
  return DIALECTS[provider];
}

export function callbackToken(secret: string, provider: ProviderName, workflowId: string): string {
  // The separator keeps ("kling", "x...") and ("klingx", "...") apart; neither part contains it.
  return createHmac('sha256', secret).update(`${provider}\n${workflowId}`).digest('base64url');
}

/** Where the provider should call back for a task submitted by this workflow. */
export function callbackUrl(publicUrl: string, secret: string, provider: ProviderName, workflowId: string): string {
  const url = new URL(`${publicUrl.replace(/\/+$/, '')}${CALLBACK_PATH}/${provider}`);
  url.searchParams.set('workflowId', workflowId);
  url.searchParams.set('token', callbackToken(secret, provider, workflowId));
  return url.toString();
}

/** Constant-time: how much of a token matched must not show in how long the answer took. */
export function sameToken(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The URL with any callback token blanked, for logs: a token in a log would let its reader call back. */
export function redactCallbackToken(url: string): string {
  return url.replace(/([?&]token=)[^&#]*/g, '$1[redacted]');
}
