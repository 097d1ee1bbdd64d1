import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { SaveSceneAnalysisRequest, SaveSceneRequest, SceneEnding } from '../domain/round-steps';
import type { NotificationSettings } from '../notifications/settings';
import { restoreSceneAfterCancel } from './regeneration-writes';
import { RequestRejectedError } from './errors';
import { enqueueRoundEnded } from './round-ended';
import { toJson, type DatabaseSchema } from './schema';

/*
 * What the pipeline step and the end of a round write to a scene: upserts and absolute values,
 * so writing the same request twice leaves the same row.
 */

/**
 * SPEC.md "How a round ends", the scene's row: a kept asset brings its analysis, score and
 * provider with it; a rejection leaves no generated asset and so no score or analysis either; a
 * review that timed out keeps the asset from before the round, flagged; a cancelled round gives
 * the scene back the status it had. Absolute values, so writing the same ending twice leaves the
 * same row.
 */
/** What the `round.ended` event of an ending needs beyond the ending itself (src/db/round-ended.ts). */
export interface RoundEndNotice {
  notify: NotificationSettings;
  workflowId: string;
  runId: string;
  /** The score the ending leaves the round with; absent: the scene's as written. */
  finalScore?: number;
  /** What every attempt of the workflow's rounds cost; absent: this run's recorded attempts. */
  costUsd?: number;
}

/** `notice`: the ending's `round.ended` event is added in its transaction; its keys are answered. */
export async function endScene(
  kysely: Kysely<DatabaseSchema>,
  sceneId: number,
  ending: SceneEnding,
  notice?: RoundEndNotice,
): Promise<{ eventKeys: string[] }> {
  return kysely.transaction().execute(async (trx) => {
    if (ending.outcome === 'cancelled') {
      await restoreSceneAfterCancel(trx, { sceneId });
    } else {
      const columns =
        ending.outcome === 'passed' || ending.outcome === 'approved'
          ? {
              asset_url: ending.asset.url,
              // Keep the stored details only while they still describe the kept asset.
              asset: ending.asset.ref ? sql<string>`${toJson(ending.asset.ref)}::jsonb` : keepAssetWhileUrlIs(sql`${ending.asset.url}`),
              provider: ending.asset.provider,
              analysis: toJson(ending.asset.analysis),
              quality_score: ending.asset.score,
              needs_user_review: false,
            }
          : ending.outcome === 'rejected'
            ? { asset_url: null, asset: null, analysis: null, quality_score: null, needs_user_review: false }
            : { needs_user_review: true };
      const updated = await trx
        .updateTable('scenes')
        .set({ ...columns, status: ending.outcome, status_before_round: null, updated_at: sql`now()` })
        .where('id', '=', sceneId)
        .executeTakeFirst();
      if (updated.numUpdatedRows === 0n) {
        throw new RequestRejectedError(`Scene ${sceneId} is not stored: saveScene must run before its ending`);
      }
    }
    if (notice === undefined) return { eventKeys: [] };
    const { notify, workflowId, runId, finalScore, costUsd } = notice;
    return { eventKeys: await enqueueRoundEnded(trx, notify, { workflowId, runId, sceneId, outcome: ending.outcome, finalScore, costUsd }) };
  });
}

export async function saveScene(kysely: Kysely<DatabaseSchema>, request: SaveSceneRequest): Promise<void> {
  const { scene, project, current } = request;
  if (project && project.id !== scene.projectId) {
    throw new RequestRejectedError(`Scene ${scene.id} belongs to project ${scene.projectId}, not ${project.id}`);
  }
  await kysely.transaction().execute(async (trx) => {
    await trx
      .insertInto('projects')
      .values({
        id: scene.projectId,
        name: project?.name ?? null,
        brand_profile: project?.brandProfile ? toJson(project.brandProfile) : null,
        budget_usd: project?.budgetUsd ?? null,
      })
      .onConflict((conflict) =>
        // A scene saved without its project must not erase what an earlier save stored.
        conflict.column('id').doUpdateSet((eb) => ({
          name: eb.fn.coalesce('excluded.name', 'projects.name'),
          brand_profile: eb.fn.coalesce('excluded.brand_profile', 'projects.brand_profile'),
          budget_usd: eb.fn.coalesce('excluded.budget_usd', 'projects.budget_usd'),
          updated_at: sql`now()`,
        })),
      )
      .execute();
    await trx
      .insertInto('scenes')
      .values({
        id: scene.id,
        project_id: scene.projectId,
        scene_index: scene.sceneIndex,
        scene_type: scene.sceneType,
        content_type: scene.contentType,
        narration: scene.narration,
        visual_direction: scene.visualDirection,
        duration: scene.duration,
        aspect_ratio: scene.aspectRatio ?? null,
        provider: scene.provider,
        ...(current
          ? {
              asset_url: current.assetUrl ?? null,
              analysis: toJson(current.analysis),
              quality_score: current.analysis.overallScore,
              status: 'analyzed' as const,
            }
          : {}),
      })
      .onConflict((conflict) =>
        conflict.column('id').doUpdateSet((eb) => ({
          project_id: eb.ref('excluded.project_id'),
          scene_index: eb.ref('excluded.scene_index'),
          scene_type: eb.ref('excluded.scene_type'),
          content_type: eb.ref('excluded.content_type'),
          narration: eb.ref('excluded.narration'),
          visual_direction: eb.ref('excluded.visual_direction'),
          duration: eb.ref('excluded.duration'),
          aspect_ratio: eb.fn.coalesce('excluded.aspect_ratio', 'scenes.aspect_ratio'),
          provider: eb.ref('excluded.provider'),
          ...(current
            ? {
                asset_url: eb.fn.coalesce('excluded.asset_url', 'scenes.asset_url'),
                asset: keepAssetWhileUrlIs(sql`coalesce(excluded.asset_url, scenes.asset_url)`),
                analysis: eb.ref('excluded.analysis'),
                quality_score: eb.ref('excluded.quality_score'),
              }
            : {}),
          updated_at: sql`now()`,
        })),
      )
      .execute();
  });
}

export async function saveSceneAnalysis(
  kysely: Kysely<DatabaseSchema>,
  request: SaveSceneAnalysisRequest,
): Promise<void> {
  const updated = await kysely
    .updateTable('scenes')
    .set({
      asset_url: request.asset.url,
      asset: toJson(request.asset),
      provider: request.provider,
      analysis: toJson(request.analysis),
      quality_score: request.analysis.overallScore,
      needs_user_review: false,
      status: 'analyzed',
      asset_workflow_id: request.workflowId,
      initial_cost_usd: request.costUsd,
      updated_at: sql`now()`,
    })
    .where('id', '=', request.sceneId)
    .executeTakeFirst();
  if (updated.numUpdatedRows === 0n) {
    throw new RequestRejectedError(`Scene ${request.sceneId} is not stored: saveScene must run before its analysis`);
  }
}

/** The stored asset details, while they still describe the scene's asset; null once it changed. */
function keepAssetWhileUrlIs(url: RawBuilder<unknown>): RawBuilder<string | null> {
  return sql<string | null>`case when scenes.asset->>'url' = ${url} then scenes.asset else null end`;
}
