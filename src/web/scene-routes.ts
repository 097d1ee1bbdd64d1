import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { CancelRequested, RoundStarted, SceneView } from '../domain/http-api';
import { canSee, checkProjectInScope } from './reviewer-auth';
import { getProject, getScene, listScenes } from '../db/queries';
import { sceneDeliveries } from '../db/notification-outbox';
import {
  cancelRound,
  queryRegenerationState,
  RoundAlreadyRunningError,
  RoundNotRunningError,
  startRegenerationRound,
} from '../temporal/regeneration-round';
import { regenerationWorkflowId } from '../domain/workflow-ids';
import { badRequest, conflict, notFound } from './http-error';
import { decidedScene, manualRegenerationInput } from './regeneration-request';
import { providerProblem } from '../rules/decision';
import { parseRequest, RegenerateBodySchema, SceneListQuerySchema, SceneParamsSchema } from './request-schemas';
import { translateTemporalFailure } from './temporal-failures';
import type { WebDeps } from './web-deps';
import { ROUTE_SCHEMAS } from './openapi/route-schemas';

export function registerSceneRoutes(api: FastifyInstance, deps: WebDeps): void {
  /** The scene, when it exists and the caller's token reaches its project; 404 otherwise. */
  async function visibleScene(request: FastifyRequest, id: number): Promise<SceneView> {
    const scene = await getScene(deps.db, id);
    if (scene === undefined || !canSee({ projects: request.projectScope }, scene.projectId)) throw notFound(`Scene ${id} not found`);
    return scene;
  }

  /**
   * Starts a round and answers at once: the round takes minutes, and the scene record is
   * updated by the round's own activities when it ends.
   */
  api.post('/scenes/:id/regenerate', { schema: ROUTE_SCHEMAS.regenerate }, async (request, reply) => {
    const { id } = parseRequest(SceneParamsSchema, request.params, 'params');
    // No body at all means no overrides; a JSON `null` is a body of the wrong shape.
    const body = parseRequest(RegenerateBodySchema, request.body === undefined ? {} : request.body, 'body');
    const scene = await visibleScene(request, id);
    const { analysis } = scene;
    if (analysis === undefined) throw badRequest('Scene has not been analyzed yet');
    const problem = body.provider === undefined ? undefined : providerProblem(body.provider, decidedScene(scene));
    if (problem !== undefined) throw badRequest(`Scene ${id}: ${problem}`);
    const project = await getProject(deps.db, scene.projectId);
    const input = manualRegenerationInput({ ...scene, analysis }, project, body, request.reviewer);
    try {
      const started = await startRegenerationRound(deps.temporal, deps.taskQueue, input);
      request.log.info({ sceneId: id, ...started, reviewer: request.reviewer }, 'manual regeneration started');
      const answer: RoundStarted = started;
      return await reply.code(202).send(answer);
    } catch (error) {
      if (error instanceof RoundAlreadyRunningError) throw conflict(error.message);
      throw translateTemporalFailure(error);
    }
  });

  /**
   * Asks the round to cancel and answers at once: the round records what it spent, closes its
   * queue entry and gives the scene back its status before it ends (outcome `cancelled`).
   */
  api.post('/scenes/:id/regeneration/cancel', { schema: ROUTE_SCHEMAS.cancel }, async (request, reply) => {
    const { id } = parseRequest(SceneParamsSchema, request.params, 'params');
    await visibleScene(request, id);
    try {
      const cancelled = await cancelRound(deps.temporal, id);
      request.log.info({ sceneId: id, ...cancelled, reviewer: request.reviewer }, 'round cancellation requested');
      const answer: CancelRequested = { ...cancelled, requestedBy: request.reviewer };
      return await reply.code(202).send(answer);
    } catch (error) {
      if (error instanceof RoundNotRunningError) throw conflict(`Scene ${id} has no regeneration round running`);
      throw translateTemporalFailure(error);
    }
  });

  /** A page of scenes, by id; pass the answer's nextCursor as cursor for the next page. */
  api.get('/scenes', { schema: ROUTE_SCHEMAS.scenes }, async (request) => {
    const query = parseRequest(SceneListQuerySchema, request.query, 'query');
    checkProjectInScope(request.projectScope, query.projectId);
    return listScenes(deps.db, { ...query, projectIds: request.projectScope });
  });

  api.get('/scenes/:id', { schema: ROUTE_SCHEMAS.scene }, async (request): Promise<SceneView> => {
    const { id } = parseRequest(SceneParamsSchema, request.params, 'params');
    const scene = await visibleScene(request, id);
    const [project, notifications] = await Promise.all([getProject(deps.db, scene.projectId), sceneDeliveries(deps.db.kysely, id)]);
    return { ...scene, ...(project?.name ? { projectName: project.name } : {}), notifications };
  });

  /** Asks the round itself: its state is exact even between the database writes. */
  api.get('/scenes/:id/regeneration', { schema: ROUTE_SCHEMAS.regenerationState }, async (request) => {
    const { id } = parseRequest(SceneParamsSchema, request.params, 'params');
    if (request.projectScope !== undefined) await visibleScene(request, id);
    let state;
    try {
      state = await queryRegenerationState(deps.temporal, id);
    } catch (error) {
      throw translateTemporalFailure(error);
    }
    if (state === undefined) throw notFound(`Scene ${id} has no regeneration round (${regenerationWorkflowId(id)})`);
    return state;
  });
}
