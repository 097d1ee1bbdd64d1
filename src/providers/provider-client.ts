import type { SceneKind } from '../domain/scene';

/** What every provider is asked for; the adapter maps it onto its own models and parameters. */
export interface ProviderSubmitRequest {
  prompt: string;
  kind: SceneKind;
  /** Seconds of video wanted; 0 for an image. Adapters snap it to what their model accepts. */
  durationSeconds: number;
  /** "16:9", "9:16", "1:1", ...; adapters pick the nearest shape their model offers. */
  aspectRatio: string;
  /**
   * Where to call back when the task ends (src/providers/callbacks.ts), for providers that offer
   * webhooks; the others ignore it and are polled as always.
   */
  callbackUrl?: string;
  /** Sent back by providers that echo a secret in a header (PiAPI's x-webhook-secret). */
  callbackSecret?: string;
  /**
   * A repair: `prompt` is the edit's instruction and the asset to edit is at
   * `sourceUri` (a data URI, or a URL the provider downloads). Only providers with an edit
   * endpoint for the kind (src/catalog/edits.ts) take one; the others refuse it as a bad request.
   */
  edit?: { sourceUri: string };
}

export type ProviderPollResult =
  | { state: 'pending'; /** 0..1 when the provider reports it */ progress?: number }
  | {
      state: 'done';
      outputUrl: string;
      /** What the provider says the task cost, where it says (Runway); the price table otherwise. */
      costUsd?: number;
    }
  | {
      state: 'failed';
      /** What the provider says the failed or cancelled task cost, where it says; else nothing is billed. */
      costUsd?: number;
      reason: string;
      /** true when moderation refused the input or output */
      refused: boolean;
      /** true when the provider failed in its own machinery, nothing to do with the request: another attempt may pass */
      providerFault?: boolean;
    };

/**
 * One generative API behind the shape the generation activities need. Transport and HTTP
 * errors are thrown as ApplicationFailures (classify-failure.ts); a task the provider ran and
 * failed is a `failed` poll result, because whether to retry it is the activity's decision.
 */
export interface ProviderClient {
  submit(request: ProviderSubmitRequest): Promise<{ taskId: string }>;
  poll(taskId: string): Promise<ProviderPollResult>;
  /** Throws when the provider would not stop the task: some APIs only cancel tasks that have not started. */
  cancel(taskId: string): Promise<void>;
  /** What one successful generation of this shape costs, from the configured price table. */
  costUsd(kind: SceneKind, durationSeconds: number): number;
}
