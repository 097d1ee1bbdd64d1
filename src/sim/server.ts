/**
 * The provider and Claude simulator (CONTRACT.md "The simulator"): one loopback server that
 * speaks each API's own paths, headers and JSON, so the official clients run unchanged.
 *
 *   PiAPI      POST /api/v1/task · GET|DELETE /api/v1/task/:id            (X-API-Key)
 *   Runway     POST /v1/{text_to_video,image_to_video,text_to_image} · GET|DELETE /v1/tasks/:id
 *                                                      (Authorization: Bearer, X-Runway-Version)
 *   fal.ai     POST /fal/queue/:owner/:app[/*] · GET …/requests/:id[/status] · PUT …/cancel
 *                                                      (Authorization: Key; the client's
 *                                                      https://queue.fal.run/ rewritten to here)
 *   Anthropic  POST /v1/messages                        (x-api-key, anthropic-version)
 *   outputs    GET /_sim/files/:name                    (real PNG and H.264 MP4)
 *   callbacks  a task created with a webhook (PiAPI config.webhook_config, fal ?fal_webhook=)
 *              is POSTed to it when it ends, in that provider's shape
 *   controls   POST /_sim/scenarios · GET /_sim/calls · POST /_sim/reset · GET /_sim/health
 *              · GET|POST /_sim/settings (the judge's errors, the seed, the provider profile,
 *              the reviewers' bars)
 *   reviewer   POST /_sim/review: would a person approve this asset? (routes/review.ts)
 *
 * Scripted faults hit the n-th matching submission; http429/http500/timeout answer the submit
 * request itself, refuse and expired_url shape the task (PiAPI: failed with a moderation
 * message; Runway: FAILED with SAFETY.INPUT.TEXT; fal: COMPLETED, then 422 on the result);
 * moderation_down fails the task as the provider's own fault (Runway: INPUT_PREPROCESSING.INTERNAL;
 * the others: their ordinary failed task).
 */
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { CallCounts, type SimCalls } from './call-counts';
import { GeneratedFiles } from './generated-files';
import { SimCallbacks } from './callbacks';
import { RequestHolds } from './hold';
import { JudgeMemory } from './judge/judge-memory';
import { PromptCache } from './judge/prompt-cache';
import { MediaCache } from './media/media-cache';
import { ScenarioBook } from './scenario-book';
import { parseScenarioRules, type ScenarioRule } from './scenario-rules';
import { applySettings, DEFAULT_SIM_SETTINGS, type SimSettings, type SimSettingsPatch } from './sim-settings';
import type { SimContext } from './sim-context';
import { TaskStore } from './task-store';
import { registerAnthropicRoutes } from './routes/anthropic';
import { registerControlRoutes } from './routes/control';
import { registerErrorBodies } from './routes/error-bodies';
import { registerFalRoutes } from './routes/fal';
import { registerFileRoutes } from './routes/files';
import { registerPiapiRoutes } from './routes/piapi';
import { registerReviewRoutes } from './routes/review';
import { registerRunwayRoutes } from './routes/runway';

export type { ScenarioRule } from './scenario-rules';
export type { SimCalls, ProviderCalls } from './call-counts';
export type { SimSettings, SimSettingsPatch } from './sim-settings';

export interface SimulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Defaults to 127.0.0.1: the simulator is for this machine only. */
  host?: string;
  scenarios?: ScenarioRule[];
  /** Time from submission to a finished task; 0 (the default) finishes on the first poll. */
  latencyMs?: number;
  /** How long a "timeout" fault holds its request before answering 504; default 30 s. */
  timeoutFaultMs?: number;
  /** Where rendered media is cached; default a directory under the system's temp dir. */
  dataDir?: string;
  /** Log each request (pino, to stdout). Off by default to keep test output clean. */
  logRequests?: boolean;
  /** The judge's distance from people, the seed, the provider profile, the reviewers' bars (src/sim/sim-settings.ts); default: an exact judge. */
  settings?: SimSettingsPatch;
}

export interface Simulator {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:7070. */
  url: string;
  port: number;
  stop(): Promise<void>;
  /** Replaces the rules (validated; throws on bad rules) and restarts their counters. */
  setScenarios(rules: ScenarioRule[]): void;
  /** Clears the rules, the call counts, the prompt cache and the judge's memory; restores the settings it started with. */
  reset(): void;
  calls(): SimCalls;
  /** Changes some settings (validated; throws on bad values, changing nothing) and answers all of them. */
  setSettings(patch: SimSettingsPatch): SimSettings;
  settings(): SimSettings;
}

/** Request bodies up to Anthropic's own 32 MB limit: several video frames as base64. */
const BODY_LIMIT_BYTES = 32 * 1024 * 1024;

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const host = options.host ?? '127.0.0.1';
  const media = new MediaCache(options.dataDir ?? path.join(os.tmpdir(), 'scene-regeneration-sim'));
  const holds = new RequestHolds();
  let baseUrl = '';
  const counts = new CallCounts();
  const startSettings = applySettings({ ...DEFAULT_SIM_SETTINGS }, options.settings ?? {});
  const tasks = new TaskStore(media);
  const callbacks = new SimCallbacks(tasks, counts, () => app.log);
  const context: SimContext = {
    book: new ScenarioBook(),
    counts,
    tasks,
    media,
    holds,
    callbacks,
    promptCache: new PromptCache(),
    judgeMemory: new JudgeMemory(),
    generated: new GeneratedFiles(),
    settings: startSettings,
    latencyMs: nonNegative(options.latencyMs ?? 0, 'latencyMs'),
    timeoutFaultMs: nonNegative(options.timeoutFaultMs ?? 30_000, 'timeoutFaultMs'),
    baseUrl: () => baseUrl,
  };
  context.book.replace(parseScenarioRules(options.scenarios ?? []));

  const reset = () => {
    context.book.clear();
    context.counts.reset();
    context.promptCache.clear();
    context.judgeMemory.clear();
    context.settings = startSettings;
  };

  const app = Fastify({
    logger: options.logRequests ? { level: 'info' } : false,
    bodyLimit: BODY_LIMIT_BYTES,
    forceCloseConnections: true,
  });
  // Clients send Content-Type: application/json on bodiless PUT/DELETE calls (fal's cancel does).
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      const error = new Error('Request body is not valid JSON') as Error & { statusCode: number };
      error.statusCode = 400;
      done(error, undefined);
    }
  });
  registerErrorBodies(app);
  registerPiapiRoutes(app, context);
  registerRunwayRoutes(app, context);
  registerFalRoutes(app, context);
  registerAnthropicRoutes(app, context);
  registerFileRoutes(app, context);
  registerControlRoutes(app, context, reset);
  registerReviewRoutes(app, context);

  await app.listen({ port: options.port ?? 0, host });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('simulator did not get a TCP port');
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  baseUrl = `http://${urlHost}:${address.port}`;

  let stopping: Promise<void> | undefined;
  return {
    url: baseUrl,
    port: address.port,
    stop: () => {
      stopping ??= (async () => {
        holds.releaseAll();
        callbacks.stop();
        media.stop();
        await app.close();
      })();
      return stopping;
    },
    setScenarios: (rules) => context.book.replace(parseScenarioRules(rules)),
    reset,
    calls: () => context.counts.snapshot(context.book.usage()),
    setSettings: (patch) => (context.settings = applySettings(context.settings, patch)),
    settings: () => context.settings,
  };
}

function nonNegative(value: number, name: string): number {
  if (!Number.isFinite(value) || value < 0) throw new Error(`startSimulator: ${name} must be a number >= 0, got ${value}`);
  return value;
}
