import type { DecisionBody, InsightsResponse, Page, ProviderName, RegenerationState, ReviewEntry, ReviewStatusFilter, Scene } from './types';

/** Entries per request: the most the API serves is 500; 200 keeps each answer quick. */
const QUEUE_PAGE_SIZE = 200;
/** A bound on one listing (10,000 entries) so a runaway cursor cannot keep a poll going forever. */
const MAX_QUEUE_PAGES = 50;

/** An answer other than 2xx, with the server's own `{ error }` message when it sent one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get unauthorized(): boolean {
    return this.status === 401;
  }
}

export interface ReviewQueueQuery {
  status: ReviewStatusFilter;
  projectId?: number;
}

export interface DecisionAccepted {
  entryId: number;
  workflowId: string;
  runId?: string;
}

export interface RoundStarted {
  workflowId: string;
  runId: string;
}

/** The HTTP API of CONTRACT.md as the page uses it; every call carries the bearer token. */
export class ApiClient {
  constructor(
    private readonly token: string,
    private readonly baseUrl = '',
  ) {}

  /** Every matching entry, newest first: the pages are followed by their nextCursor. */
  async listReviewQueue(query: ReviewQueueQuery): Promise<ReviewEntry[]> {
    const entries: ReviewEntry[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < MAX_QUEUE_PAGES; pages++) {
      const params = new URLSearchParams({ status: query.status, limit: String(QUEUE_PAGE_SIZE) });
      if (query.projectId !== undefined) params.set('projectId', String(query.projectId));
      if (cursor !== undefined) params.set('cursor', cursor);
      const page = await this.request<Page<ReviewEntry>>('GET', `/api/review-queue?${params.toString()}`);
      entries.push(...page.items);
      if (page.nextCursor === undefined) break;
      cursor = page.nextCursor;
    }
    return entries;
  }

  getScene(sceneId: number): Promise<Scene> {
    return this.request<Scene>('GET', `/api/scenes/${sceneId}`);
  }

  /** The live state of the scene's latest round; undefined when it never had one. */
  async getRegenerationState(sceneId: number): Promise<RegenerationState | undefined> {
    try {
      return await this.request<RegenerationState>('GET', `/api/scenes/${sceneId}/regeneration`);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return undefined;
      throw error;
    }
  }

  /** How providers do and how often reviewers agree with the judge; undefined from a server without insights. */
  async getInsights(projectId?: number): Promise<InsightsResponse | undefined> {
    const query = projectId === undefined ? '' : `?${new URLSearchParams({ projectId: String(projectId) }).toString()}`;
    try {
      return await this.request<InsightsResponse>('GET', `/api/insights${query}`);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return undefined;
      throw error;
    }
  }

  sendDecision(entryId: number, decision: DecisionBody): Promise<DecisionAccepted> {
    return this.request<DecisionAccepted>('POST', `/api/review-queue/${entryId}/decision`, decision);
  }

  regenerateScene(sceneId: number, body: { provider?: ProviderName; customPrompt?: string }): Promise<RoundStarted> {
    return this.request<RoundStarted>('POST', `/api/scenes/${sceneId}/regenerate`, body);
  }

  cancelRound(sceneId: number): Promise<RoundStarted> {
    return this.request<RoundStarted>('POST', `/api/scenes/${sceneId}/regeneration/cancel`);
  }

  private async request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { Authorization: `Bearer ${this.token}`, Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: 'no-store',
      });
    } catch {
      throw new ApiError(0, 'The server cannot be reached. Is the web server running?');
    }
    const text = await response.text();
    const parsed = parseJson(text);
    if (!response.ok) {
      const message =
        typeof parsed === 'object' && parsed !== null && typeof (parsed as { error?: unknown }).error === 'string'
          ? (parsed as { error: string }).error
          : `The server answered ${response.status} ${response.statusText}`;
      throw new ApiError(response.status, message);
    }
    return parsed as T;
  }
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Loads /ui/config.json; a page served without it still works with the usual local defaults. */
export async function loadUiConfig(): Promise<{ temporalUiUrl: string; temporalNamespace: string }> {
  const fallback = { temporalUiUrl: 'http://localhost:8233', temporalNamespace: 'default' };
  try {
    const response = await fetch('/ui/config.json', { cache: 'no-store' });
    if (!response.ok) return fallback;
    const config = (await response.json()) as Partial<typeof fallback>;
    return {
      temporalUiUrl: typeof config.temporalUiUrl === 'string' ? config.temporalUiUrl : fallback.temporalUiUrl,
      temporalNamespace: typeof config.temporalNamespace === 'string' ? config.temporalNamespace : fallback.temporalNamespace,
    };
  } catch {
    return fallback;
  }
}
