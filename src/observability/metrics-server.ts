import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { collectDefaultMetrics } from 'prom-client';
import { metricsRegistry } from './metrics';

export interface MetricsServerOptions {
  host: string;
  /** 0 picks a free port; the chosen one is in `url`. */
  port: number;
  /**
   * Temporal's own Prometheus exporter (Runtime telemetry, bound to loopback). Its text is served
   * after the product's, so one scrape target carries both.
   */
  temporalMetricsUrl?: string;
  logger?: Logger;
  /** How long a scrape waits for Temporal's exporter before answering without it. */
  temporalTimeoutMs?: number;
}

export interface MetricsServer {
  /** e.g. http://127.0.0.1:9464/metrics */
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * The one place that serves `/metrics`: the worker (worker.ts) and the whole-product process
 * (start-stack) both start it. The product's metrics come from prom-client's default registry,
 * with Node's process metrics; Temporal's worker metrics are fetched from its exporter per scrape.
 */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  // Process metrics (CPU, memory, event-loop lag) are registered once per process, whoever starts first.
  if (metricsRegistry.getSingleMetric('process_cpu_user_seconds_total') === undefined) {
    collectDefaultMetrics({ register: metricsRegistry });
  }
  const temporal = options.temporalMetricsUrl
    ? temporalSource(options.temporalMetricsUrl, options.temporalTimeoutMs ?? 2_000, options.logger)
    : undefined;

  const server = createServer((request, response) => {
    serve(request, response, temporal).catch((error: unknown) => {
      options.logger?.error({ err: error }, 'metrics endpoint failed to answer');
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
      response.end('metrics unavailable\n');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}/metrics`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        // A scraper's keep-alive connection would otherwise hold the process open at shutdown.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function serve(
  request: IncomingMessage,
  response: ServerResponse,
  temporal: (() => Promise<string>) | undefined,
): Promise<void> {
  const path = (request.url ?? '/').split('?')[0];
  if (path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) {
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: metrics are at /metrics\n');
    return;
  }
  const [product, temporalText] = await Promise.all([metricsRegistry.metrics(), temporal?.() ?? Promise.resolve('')]);
  const body = temporalText === '' ? product : `${product.trimEnd()}\n${temporalText}`;
  response.writeHead(200, { 'content-type': metricsRegistry.contentType });
  response.end(request.method === 'HEAD' ? undefined : body);
}

/**
 * Reads Temporal's exporter. When it does not answer, the scrape still succeeds with the product's
 * metrics and a comment saying why Temporal's are missing; the log says so once per outage, not
 * once per scrape.
 */
function temporalSource(url: string, timeoutMs: number, logger: Logger | undefined): () => Promise<string> {
  let failing = false;
  return async () => {
    try {
      const answer = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
      if (!answer.ok) throw new Error(`HTTP ${answer.status}`);
      const text = await answer.text();
      if (failing) logger?.info({ url }, 'Temporal metrics exporter answers again');
      failing = false;
      return text.endsWith('\n') || text === '' ? text : `${text}\n`;
    } catch (error) {
      if (!failing) logger?.warn({ url, err: error }, 'Temporal metrics exporter did not answer; serving product metrics only');
      failing = true;
      const reason = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ');
      return `# Temporal metrics unavailable from ${url}: ${reason}\n`;
    }
  };
}
