/**
 * The shapes the web server answers with. Type-only imports: the page shares the server's
 * definitions, and the bundler erases them, so no server code reaches the browser.
 */
import type { ProviderName } from '../../../domain/provider';

export type { ReviewEntryView as ReviewEntry, SceneView as Scene, StoredAttempt } from '../../../db/views';
export type { AssetRef } from '../../../domain/asset';
export type { SceneAnalysisResult, SceneIssue, IssueCategory } from '../../../domain/analysis';
export type { ProviderName } from '../../../domain/provider';
export type { RegenerationAttempt, RegenerationState, UserDecision } from '../../../domain/regeneration';

/** What GET /ui/config.json tells the page about its surroundings. */
export interface UiConfig {
  temporalUiUrl: string;
  temporalNamespace: string;
}

/** A decision as the API takes it: the reviewer is whoever the token belongs to. */
export type DecisionBody =
  | { action: 'approve'; attemptNumber?: number; note?: string }
  | { action: 'reject'; note?: string }
  | { action: 'regenerate'; customPrompt?: string; provider?: ProviderName; note?: string };

export type ReviewStatusFilter = 'pending' | 'decided' | 'all';
