import type { Selectable } from 'kysely';
import type { ProviderName } from '../domain/provider';
import type { ProjectView, ReviewEntryView, SceneView, StoredAttempt } from '../domain/http-api';
import type { ProjectsTable, RegenerationAttemptsTable, ReviewQueueTable, ScenesTable } from './schema';

/** Rows as the HTTP API serves them: camelCase, ISO timestamps, absent rather than null. */

export function toProjectView(row: Selectable<ProjectsTable>): ProjectView {
  return compact({
    id: row.id,
    name: row.name ?? undefined,
    brandProfile: row.brand_profile ?? undefined,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  });
}

export function toSceneView(row: Selectable<ScenesTable>, attempts: StoredAttempt[]): SceneView {
  return compact({
    id: row.id,
    projectId: row.project_id,
    sceneIndex: row.scene_index,
    sceneType: row.scene_type,
    contentType: row.content_type,
    narration: row.narration,
    visualDirection: row.visual_direction,
    duration: row.duration,
    aspectRatio: row.aspect_ratio ?? undefined,
    provider: row.provider as ProviderName,
    assetUrl: row.asset_url ?? undefined,
    asset: row.asset ?? undefined,
    analysis: row.analysis ?? undefined,
    qualityScore: row.quality_score ?? undefined,
    initialCostUsd: row.initial_cost_usd ?? undefined,
    needsUserReview: row.needs_user_review,
    status: row.status,
    latestWorkflowId: row.latest_workflow_id ?? undefined,
    latestRunId: row.latest_run_id || undefined,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    regenerationAttempts: attempts,
  });
}

export function toStoredAttempt(row: Selectable<RegenerationAttemptsTable>): StoredAttempt {
  return compact({
    id: row.id,
    workflowId: row.workflow_id,
    runId: row.run_id || undefined,
    attemptNumber: row.attempt_number,
    round: row.round,
    timestamp: iso(row.attempted_at),
    provider: row.provider as ProviderName,
    prompt: row.prompt,
    result: row.result,
    scoreBefore: row.score_before,
    scoreAfter: row.score_after,
    analysisResult: row.analysis ?? undefined,
    assetUrl: row.asset_url ?? undefined,
    failure: row.failure ?? undefined,
    costUsd: row.cost_usd ?? undefined,
    passingScore: row.passing_score ?? undefined,
    providerTaskId: row.provider_task_id ?? undefined,
    skippedProviders: row.skipped_providers ?? undefined,
    judgments: row.judgments ?? undefined,
    failedStep: row.failed_step ?? undefined,
    providerChoice: row.provider_choice ?? undefined,
    // CONTRACT: absent = "generate".
    kind: row.kind === 'repair' ? row.kind : undefined,
    repair: row.repair ?? undefined,
    candidates: row.candidates ?? undefined,
    candidatesWhy: row.candidates_why ?? undefined,
  });
}

export function toReviewEntryView(row: Selectable<ReviewQueueTable>): ReviewEntryView {
  return compact({
    id: row.id,
    sceneId: row.scene_id,
    projectId: row.project_id,
    sceneIndex: row.scene_index,
    workflowId: row.workflow_id,
    runId: row.run_id || undefined,
    round: row.round,
    reason: row.reason,
    reasonDetail: row.reason_detail ?? undefined,
    bestScore: row.best_score,
    bestAttemptNumber: row.best_attempt_number ?? undefined,
    bestPick: row.best_pick ?? undefined,
    attempts: row.attempts,
    status: row.status,
    decision: row.decision ?? undefined,
    decidedBy: row.decided_by ?? undefined,
    decidedAt: row.decided_at ? iso(row.decided_at) : undefined,
    closeReason: row.close_reason ?? undefined,
    createdAt: iso(row.created_at),
  });
}

function iso(value: Date | string): string {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

/** Drops keys whose value is undefined, so a view compares and serializes as its JSON. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}
