import type { Scene } from '../api/types';
import { isImageProvider } from '../../../domain/provider';
import { regenerationWorkflowId } from '../../../domain/workflow-ids';
import { projectLabel } from '../model/project-label';
import { ScoreBadge } from './score-badge';
import { TemporalLink } from './temporal-link';

const STATUS_TEXT: Record<Scene['status'], string> = {
  new: 'new',
  analyzed: 'analysed',
  regenerating: 'regenerating',
  awaiting_review: 'awaiting review',
  passed: 'passed',
  approved: 'approved',
  rejected: 'rejected',
  review_timed_out: 'review timed out',
};

/** Who the scene is: its place in the project, what it should show and where it stands. */
export function SceneSummary({ scene }: { scene: Scene }) {
  const kind = scene.duration > 0 && !isImageProvider(scene.provider) ? `${scene.duration} s video` : 'still image';
  return (
    <section className="scene-summary" aria-labelledby="scene-title">
      <div className="scene-title-row">
        <h1 id="scene-title">
          {projectLabel(scene.projectId, scene.projectName)} · Scene {scene.sceneIndex}
        </h1>
        <span className={`status-pill status-${scene.status}`}>{STATUS_TEXT[scene.status]}</span>
        {/* A score belongs to an asset: a scene left without one (rejected) shows none. */}
        <ScoreBadge score={scene.assetUrl ? scene.qualityScore : undefined} label="Scene score" />
      </div>
      <dl className="scene-facts">
        <div>
          <dt>Narration</dt>
          <dd className="narration">{scene.narration || <span className="muted">none</span>}</dd>
        </div>
        <div>
          <dt>Visual direction</dt>
          <dd>{scene.visualDirection}</dd>
        </div>
        <div className="inline-facts">
          <span>
            <span className="muted">Scene id</span> {scene.id}
          </span>
          <span>
            <span className="muted">Project id</span> {scene.projectId}
          </span>
          <span>
            <span className="muted">Content</span> {scene.contentType}
          </span>
          <span>
            <span className="muted">Kind</span> {kind}
          </span>
          <span>
            <span className="muted">Provider</span> {scene.provider}
          </span>
          {scene.aspectRatio && (
            <span>
              <span className="muted">Aspect</span> {scene.aspectRatio}
            </span>
          )}
          <TemporalLink workflowId={scene.latestWorkflowId ?? regenerationWorkflowId(scene.id)} />
        </div>
      </dl>
    </section>
  );
}
