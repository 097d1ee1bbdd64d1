/**
 * The types the API document describes (GET /api/openapi.json), by the names its components
 * take: the routes' answers and bodies (src/domain/http-api.ts) and the outgoing webhooks' bodies.
 * `npm run openapi:schemas` turns them into src/web/openapi/api-schemas.json.
 */
import type { Page, ReviewEntryView, SceneListItem } from '../../domain/http-api';

export type {
  ApiError,
  CancelRequested,
  DecisionAccepted,
  DecisionBody,
  InsightsResponse,
  RoundStarted,
  SceneView,
} from '../../domain/http-api';
export type { RegenerationState } from '../../domain/regeneration';
export type {
  AuditRequestedBody,
  ReviewReminderBody,
  RoundEndedBody,
  SceneDecidedBody,
  SceneEscalatedBody,
} from '../../domain/notifications';

export type ScenePage = Page<SceneListItem>;
export type ReviewEntryPage = Page<ReviewEntryView>;

/** Every type above: each becomes a component of the document, with what it refers to. */
export const DOCUMENTED_TYPES = [
  'ApiError',
  'CancelRequested',
  'DecisionAccepted',
  'DecisionBody',
  'InsightsResponse',
  'RegenerationState',
  'ReviewEntryPage',
  'RoundStarted',
  'ScenePage',
  'SceneView',
  'SceneEscalatedBody',
  'SceneDecidedBody',
  'RoundEndedBody',
  'ReviewReminderBody',
  'AuditRequestedBody',
] as const;
export type DocumentedType = (typeof DOCUMENTED_TYPES)[number];
