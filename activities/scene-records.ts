import type { Db } from '../src/db/database';
import type { SaveSceneAnalysisRequest, SaveSceneRequest } from '../src/domain/round-steps';
import { saveScene, saveSceneAnalysis } from '../src/db/scene-writes';
import { guard } from './round-steps';

/** The pipeline step's writes (workflows/scene-asset.ts): the scene as sent, then its first asset judged. */
export function createSceneRecordActivities(db: Db) {
  return {
    saveScene: (request: SaveSceneRequest) => guard(() => saveScene(db.kysely, request)),
    saveSceneAnalysis: (request: SaveSceneAnalysisRequest) => guard(() => saveSceneAnalysis(db.kysely, request)),
  };
}
