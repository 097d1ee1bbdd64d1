import { Runtime, type RuntimeOptions } from '@temporalio/worker';
import type { Logger } from 'pino';
import { temporalLoggerFor } from './logger';

export interface TemporalRuntimeOptions {
  logger: Logger;
  /** Loopback port for Temporal's Prometheus exporter; absent: no Temporal metrics. */
  metricsPort?: number;
  /** Signals on which every worker of this process drains and stops. */
  shutdownSignals?: NodeJS.Signals[];
}

export interface InstalledRuntime {
  /** Where Temporal's exporter answers, when it started; metrics-server.ts serves it on. */
  temporalMetricsUrl?: string;
}

/**
 * Installs the process's Temporal Runtime (once, before any connection): its logs, including
 * those of the native core, go to our pino logger as JSON, and its worker metrics (task slots,
 * poll and schedule-to-start latencies, activity failures) to a Prometheus exporter on loopback.
 * A taken metrics port costs the Temporal metrics, not the worker: it logs why and runs without.
 */
export function installTemporalRuntime(options: TemporalRuntimeOptions): InstalledRuntime {
  const base: RuntimeOptions = {
    logger: temporalLoggerFor(options.logger),
    shutdownSignals: options.shutdownSignals,
    telemetryOptions: {
      // Without `forward`, core logs go to the console in their own text format.
      logging: { forward: {}, filter: { core: 'WARN', other: 'ERROR' } },
    },
  };
  if (options.metricsPort === undefined) {
    Runtime.install(base);
    return {};
  }
  const bindAddress = `127.0.0.1:${options.metricsPort}`;
  try {
    Runtime.install({
      ...base,
      telemetryOptions: { ...base.telemetryOptions, metrics: { prometheus: { bindAddress, countersTotalSuffix: true } } },
    });
    return { temporalMetricsUrl: `http://${bindAddress}/metrics` };
  } catch (error) {
    options.logger.error(
      { err: error, bindAddress },
      'Temporal metrics exporter could not start (set TEMPORAL_METRICS_PORT to a free port); running without Temporal metrics',
    );
    Runtime.install(base);
    return {};
  }
}
