import { createContext, useContext } from 'react';
import type { ApiClient } from './api/api-client';
import type { DecisionBody, ReviewEntry, UiConfig } from './api/types';

/** A decision the API accepted (202) that the workflow has not yet carried out. */
export interface DecisionInFlight {
  entryId: number;
  sceneId: number;
  decision: DecisionBody;
  description: string;
  sentAt: number;
}

/** What every view shares: the API with the tab's token, the server's settings, the open queue. */
export interface Session {
  api: ApiClient;
  config: UiConfig;
  /** Pending entries of every project, refreshed by the app (fast while a decision is in flight). */
  pending: ReviewEntry[] | undefined;
  refreshPending(): Promise<void>;
  inFlight: ReadonlyMap<number, DecisionInFlight>;
  markInFlight(decision: DecisionInFlight): void;
  /** Turns an error into a sentence; a refused token also signs the tab out. */
  describeError(error: unknown): string;
}

export const SessionContext = createContext<Session | undefined>(undefined);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (session === undefined) throw new Error('useSession must be used inside the signed-in app');
  return session;
}
