import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as a receiver saw it. */
export interface ReceivedDelivery {
  path: string;
  deliveryId: string;
  timestamp: string;
  signature: string;
  contentType: string;
  rawBody: string;
  body: Record<string, unknown>;
  receivedAt: number;
}

/** What the receiver answers: a status, or nothing at all until release() (a receiver that hangs). */
export type Answer = number | 'hang';

export interface WebhookReceiver {
  /** Base URL on loopback, without a trailing slash. */
  url: string;
  received: ReceivedDelivery[];
  /** The answer to a request; by default 200. Called once per request, in arrival order. */
  answerWith(answer: (delivery: ReceivedDelivery, earlierOfSameId: number) => Answer): void;
  /** Answers every hung request with this status. */
  release(status?: number): void;
  stop(): Promise<void>;
}

/**
 * A real HTTP receiver on loopback, as a team's endpoint would be: it records every request with
 * its raw body and headers, and answers as the test scripts it.
 */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedDelivery[] = [];
  const hung: ServerResponse[] = [];
  let answer: (delivery: ReceivedDelivery, earlier: number) => Answer = () => 200;
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const header = (name: string): string => String(request.headers[name] ?? '');
      const delivery: ReceivedDelivery = {
        path: request.url ?? '',
        deliveryId: header('x-scene-delivery'),
        timestamp: header('x-scene-timestamp'),
        signature: header('x-scene-signature'),
        contentType: header('content-type'),
        rawBody,
        body: JSON.parse(rawBody) as Record<string, unknown>,
        receivedAt: Date.now(),
      };
      const earlier = received.filter((r) => r.deliveryId === delivery.deliveryId).length;
      received.push(delivery);
      const status = answer(delivery, earlier);
      if (status === 'hang') {
        hung.push(response);
        return;
      }
      response.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : `refused ${'x'.repeat(1000)}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    answerWith(next) {
      answer = next;
    },
    release(status = 200) {
      for (const response of hung.splice(0)) if (!response.destroyed) response.writeHead(status).end();
    },
    async stop() {
      for (const response of hung.splice(0)) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A receiver's check, written from CONTRACT.md alone (the README shows the same lines): the
 * HMAC-SHA256 of "<timestamp>.<raw body>" under the shared secret, compared in constant time,
 * and a timestamp no older than five minutes.
 */
export function signatureIsValid(delivery: ReceivedDelivery, secret: string, nowMs = Date.now()): boolean {
  const expected = `sha256=${createHmac('sha256', secret).update(`${delivery.timestamp}.${delivery.rawBody}`).digest('hex')}`;
  const fresh = Math.abs(nowMs / 1000 - Number(delivery.timestamp)) < 300;
  return fresh && expected.length === delivery.signature.length && timingSafeEqual(Buffer.from(expected), Buffer.from(delivery.signature));
}
