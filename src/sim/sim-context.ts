import type { CallCounts } from './call-counts';
import type { GeneratedFiles } from './generated-files';
import type { SimCallbacks } from './callbacks';
import type { RequestHolds } from './hold';
import type { MediaCache } from './media/media-cache';
import type { ScenarioBook } from './scenario-book';
import type { TaskStore } from './task-store';
import type { PromptCache } from './judge/prompt-cache';
import type { JudgeMemory } from './judge/judge-memory';
import type { SimSettings } from './sim-settings';

/** Everything the route handlers share; one per running simulator. */
export interface SimContext {
  book: ScenarioBook;
  counts: CallCounts;
  tasks: TaskStore;
  media: MediaCache;
  holds: RequestHolds;
  /** Webhook calls for tasks created with one. */
  callbacks: SimCallbacks;
  promptCache: PromptCache;
  /** Noise draws and judged assets' true quality, between requests. */
  judgeMemory: JudgeMemory;
  /** Every generated file, findable by its bytes (for the simulated reviewer). */
  generated: GeneratedFiles;
  /** The judge's distance from people, the seed, the provider profile, the reviewers; changed by POST /_sim/settings. */
  settings: SimSettings;
  /** Default time from submission to a finished task, when no rule sets its own. */
  latencyMs: number;
  /** How long a "timeout" fault keeps the request open before answering 504. */
  timeoutFaultMs: number;
  /** The simulator's own base URL, known once it listens; output URLs point here. */
  baseUrl(): string;
}

export function fileUrl(context: SimContext, name: string): string {
  return `${context.baseUrl()}/_sim/files/${name}`;
}
