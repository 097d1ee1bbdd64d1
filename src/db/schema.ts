import type { ColumnType, Generated } from 'kysely';
import type { ProviderOutcome } from '../domain/round-steps';
import type { SceneKind, SceneStatus } from '../domain/scene';
import type { AssetRef } from '../domain/asset';
import type { BestPick } from '../domain/best-pick';
import type { BrandProfile } from '../domain/brand';
import type { DeliveryStatus, NotificationEvent } from '../domain/notifications';
import type { SceneAnalysisResult } from '../domain/analysis';
import type {
  AttemptCandidate,
  AttemptFailure,
  AttemptKind,
  AttemptJudgment,
  AttemptStep,
  CandidatesWhy,
  ProviderChoiceFigures,
  RegenerationAttempt,
  RepairRequest,
  ReviewEntryStatus,
  SkippedProvider,
  UserDecision,
} from '../domain/regeneration';

/**
 * JSON columns are written as JSON text: `pg` would send a JS array as a PostgreSQL array
 * literal, not JSON, so every jsonb value goes through `toJson` and the types enforce it.
 */
export type JsonColumn<T> = ColumnType<T, string, string>;
export type NullableJsonColumn<T> = ColumnType<T | null, string | null | undefined, string | null>;
export type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
export type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export function toJson(value: unknown): string {
  return JSON.stringify(value);
}

export { SCENE_STATUSES, type SceneStatus } from '../domain/scene';

/**
 * `decided` by a person or the review-timeout policy; `expired` when the review timed out with
 * nothing to do; `cancelled` with its round; `superseded` when its run was terminated or reset.
 */
export { REVIEW_ENTRY_STATUSES, type ReviewEntryStatus } from '../domain/regeneration';

export interface ProjectsTable {
  /** Supplied by the pipeline, which owns project identity. */
  id: number;
  name: string | null;
  brand_profile: NullableJsonColumn<BrandProfile>;
  /** The project's budget in US dollars; null: none. */
  budget_usd: ColumnType<number | null, number | null | undefined, number | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ScenesTable {
  /** Supplied by the pipeline, which owns scene identity. */
  id: number;
  project_id: number;
  scene_index: number;
  scene_type: string;
  content_type: string;
  narration: string;
  visual_direction: string;
  duration: number;
  aspect_ratio: string | null;
  /** The scene's current provider: the pipeline's choice, or the one whose asset was kept. */
  provider: string;
  asset_url: string | null;
  asset: NullableJsonColumn<AssetRef>;
  analysis: NullableJsonColumn<SceneAnalysisResult>;
  quality_score: number | null;
  needs_user_review: ColumnType<boolean, boolean | undefined, boolean>;
  status: ColumnType<SceneStatus, SceneStatus | undefined, SceneStatus>;
  /** The regeneration workflow (and run) that last touched the scene. */
  latest_workflow_id: string | null;
  latest_run_id: string | null;
  /** What a cancelled round gives back: the status the scene had when its round began. */
  status_before_round: ColumnType<SceneStatus | null, SceneStatus | null | undefined, SceneStatus | null>;
  /** The scene-asset workflow that made the first asset, and what that asset and its analysis cost. */
  asset_workflow_id: string | null;
  initial_cost_usd: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface RegenerationAttemptsTable {
  id: Generated<number>;
  workflow_id: string;
  /** '' when the caller did not know its run; part of the unique key because workflow ids repeat. */
  run_id: ColumnType<string, string | undefined, string>;
  round: number;
  attempt_number: number;
  scene_id: number;
  project_id: number;
  provider: string;
  prompt: string;
  result: RegenerationAttempt['result'];
  score_before: number;
  score_after: number;
  analysis: NullableJsonColumn<SceneAnalysisResult>;
  asset_url: string | null;
  failure: NullableJsonColumn<AttemptFailure>;
  cost_usd: number | null;
  provider_task_id: string | null;
  /** The providers the attempt passed over and why; null when none was. */
  skipped_providers: NullableJsonColumn<SkippedProvider[]>;
  /** Every judgment of the asset with its cost; null when it was not judged (or recorded before). */
  judgments: NullableJsonColumn<AttemptJudgment[]>;
  failed_step: AttemptStep | null;
  provider_choice: NullableJsonColumn<ProviderChoiceFigures>;
  /** The bar the attempt was judged against (migration 0014); null for attempts recorded before. */
  passing_score: ColumnType<number | null, number | null | undefined, number | null>;
  /** "generate" or "repair" (migration 0016); attempts recorded before are generations. */
  kind: ColumnType<AttemptKind, AttemptKind | undefined, AttemptKind>;
  /** What a repair asked for; null for generations. */
  repair: NullableJsonColumn<RepairRequest>;
  /** Every candidate of an attempt that made several (migration 0017); null for one. */
  candidates: NullableJsonColumn<AttemptCandidate[]>;
  candidates_why: ColumnType<CandidatesWhy | null, CandidatesWhy | null | undefined, CandidatesWhy | null>;
  attempted_at: Timestamp;
  recorded_at: Timestamp;
}

export interface ReviewQueueTable {
  id: Generated<number>;
  scene_id: number;
  project_id: number;
  scene_index: number;
  workflow_id: string;
  run_id: ColumnType<string, string | undefined, string>;
  round: number;
  reason: string;
  /** Why the round stopped early, with its figures (migration 0012); null for the usual reason. */
  reason_detail: ColumnType<string | null, string | null | undefined, string | null>;
  best_score: number;
  best_attempt_number: number | null;
  /** Why the best is the best (migration 0006); null for entries made before. */
  best_pick: NullableJsonColumn<BestPick>;
  attempts: JsonColumn<RegenerationAttempt[]>;
  status: ColumnType<ReviewEntryStatus, ReviewEntryStatus | undefined, ReviewEntryStatus>;
  decision: NullableJsonColumn<UserDecision>;
  decided_by: string | null;
  decided_at: NullableTimestamp;
  /** Why an entry no person decided was closed (timeout, cancellation, the run gone). */
  close_reason: ColumnType<string | null, string | null | undefined, string | null>;
  /** The closed entry this one stands in for (migration 0013-reconciled-rounds); null for an escalation's own. */
  reopens_entry_id: ColumnType<number | null, number | null | undefined, number | null>;
  created_at: Timestamp;
}

/** One place in a provider's PROVIDER_CONCURRENCY, shared by every worker (concurrency-gate.ts). */
export interface ProviderLeasesTable {
  provider: string;
  /** `task:<provider task id>`, or `pending:<uuid>` while the submission is on its way. */
  place: string;
  /** Set from the database's clock; a place past it is free. */
  expires_at: Timestamp;
}

/** The submission ledger (submission-ledger.ts): one row per idempotency key. */
export interface ProviderSubmissionsTable {
  idempotency_key: string;
  provider: string;
  /** The provider's task; null until the provider answered with one. */
  task_id: string | null;
  kind: SceneKind;
  duration_seconds: number;
  /** When the latest submission under this key was about to be sent. */
  sent_at: Timestamp;
  /** When the provider's answer (a task, or a refusal) was recorded; null while none was. */
  answered_at: NullableTimestamp;
  /** The provider's output once the task finished (migration 0009); later retries store it without asking again. */
  output_url: ColumnType<string | null, string | null | undefined, string | null>;
  /** What the provider bills for the task, once known. */
  cost_usd: ColumnType<number | null, number | null | undefined, number | null>;
  /** With a task: when its output came. Without one: when the last send ended with no answer (no longer in flight). */
  done_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** Submissions under the key refused or lost on the way: how often a provider that is down was asked. */
  failed_sends: ColumnType<number, number | undefined, number>;
}

/** One provider's circuit breaker (src/rules/provider-health.ts); no row: closed. */
export interface ProviderHealthTable {
  provider: string;
  consecutive_fails: number;
  /** When the breaker opened, by the database's clock; null while closed. */
  opened_at: NullableTimestamp;
  /** The probe let through after the cooldown, and the attempt (idempotency key) it belongs to. */
  probe_started_at: NullableTimestamp;
  probe_key: string | null;
  updated_at: Timestamp;
}

/** One attempt's report on its provider, kept so a retried report counts once. */
export interface ProviderOutcomesTable {
  attempt_key: string;
  provider: string;
  outcome: ProviderOutcome;
  recorded_at: Timestamp;
}

/** What an attempt may cost, held against its project's budget until the attempt is recorded. */
export interface BudgetReservationsTable {
  workflow_id: string;
  round: number;
  attempt_number: number;
  project_id: number;
  amount_usd: number;
  reserved_at: Timestamp;
  /** From the database's clock: past it the hold counts no more. */
  expires_at: Timestamp;
}

/** One outgoing webhook to one receiver (migration 0010, src/db/notification-outbox.ts). */
export interface NotificationDeliveriesTable {
  id: string;
  event: NotificationEvent;
  /** Names the event: every receiver's delivery of it shares the key. */
  event_key: string;
  /** The receiver (src/notifications/targets.ts): a hash of its URL, and its origin. */
  target_key: string;
  target_label: string;
  scene_id: number;
  project_id: number;
  /** The queue entry a reminder is about; null for the other events. */
  review_entry_id: number | null;
  /** The exact JSON sent (CONTRACT.md), so every retry sends the same bytes. */
  body: string;
  status: ColumnType<DeliveryStatus, DeliveryStatus | undefined, DeliveryStatus>;
  attempts: ColumnType<number, number | undefined, number>;
  /** The receiver's last HTTP status; null before any answer or when none came. */
  last_answer_status: ColumnType<number | null, number | null | undefined, number | null>;
  /** A short excerpt of the last answer, or why none came; never a whole body. */
  last_answer: ColumnType<string | null, string | null | undefined, string | null>;
  /** When it is to go out: at once, or a reminder's time. */
  send_at: Timestamp;
  created_at: Timestamp;
  last_attempt_at: NullableTimestamp;
  /** When it was delivered, given up or dropped. */
  ended_at: NullableTimestamp;
}

export interface DatabaseSchema {
  projects: ProjectsTable;
  scenes: ScenesTable;
  regeneration_attempts: RegenerationAttemptsTable;
  review_queue: ReviewQueueTable;
  provider_leases: ProviderLeasesTable;
  provider_submissions: ProviderSubmissionsTable;
  provider_health: ProviderHealthTable;
  provider_outcomes: ProviderOutcomesTable;
  budget_reservations: BudgetReservationsTable;
  notification_deliveries: NotificationDeliveriesTable;
}

export type TableName = keyof DatabaseSchema;
