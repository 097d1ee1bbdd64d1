import type { AssetRef, RepairRequest, Scene, SceneIssue } from '../api/types';
import { aspectRatioOf } from '../model/round-view';
import { MediaBox } from './media-box';

interface RepairViewProps {
  repair: RepairRequest;
  after: { url?: string; asset?: AssetRef };
  scene: Scene;
  label: string;
}

/**
 * A repair: the asset it edited and what came of it, side by side, each with the box of
 * every defect the repair named drawn on it, and the instruction the provider was given.
 */
export function RepairView({ repair, after, scene, label }: RepairViewProps) {
  const ratio = aspectRatioOf(after.asset, scene);
  return (
    <figure className="repair" aria-label={`${label}: repair, before and after`}>
      <div className="repair-pair">
        <RepairSide title="Before" url={repair.sourceAssetUrl} ratio={ratio} defects={repair.defects} label={`${label}: before the repair`} />
        <RepairSide title="After" url={after.url} asset={after.asset} ratio={ratio} defects={repair.defects} label={`${label}: after the repair`} />
      </div>
      <figcaption className="repair-instruction">
        <strong>Asked:</strong> {repair.instruction}
      </figcaption>
    </figure>
  );
}

function RepairSide({ title, url, asset, ratio, defects, label }: { title: string; url?: string; asset?: AssetRef; ratio: number; defects: SceneIssue[]; label: string }) {
  return (
    <div className="repair-side" data-side={title.toLowerCase()}>
      <span className="repair-side-title">{title}</span>
      <div className="repair-media">
        <MediaBox url={url} asset={asset} aspectRatio={ratio} label={label} compact />
        {defects.map((defect, index) =>
          defect.region ? (
            <span
              key={index}
              className="defect-box"
              title={defect.description}
              style={{
                left: `${defect.region.x * 100}%`,
                top: `${defect.region.y * 100}%`,
                width: `${defect.region.w * 100}%`,
                height: `${defect.region.h * 100}%`,
              }}
            />
          ) : null,
        )}
      </div>
    </div>
  );
}
