import { useState } from 'react';
import type { AssetRef } from '../api/types';
import { isVideo } from '../model/round-view';

interface MediaBoxProps {
  url: string | undefined;
  asset: AssetRef | undefined;
  /** Width over height, known before the media load, so nothing below moves when they do. */
  aspectRatio: number;
  label: string;
  /** Without a URL: why there is nothing to show. */
  emptyText?: string;
  compact?: boolean;
}

/** An image or a playable clip in a box of the asset's own shape. */
export function MediaBox({ url, asset, aspectRatio, label, emptyText = 'No asset', compact = false }: MediaBoxProps) {
  const [failed, setFailed] = useState(false);
  const style = { aspectRatio: String(aspectRatio) };
  if (!url) {
    return (
      <div className="media-box media-empty" style={style}>
        <span>{emptyText}</span>
      </div>
    );
  }
  if (failed) {
    return (
      <div className="media-box media-empty" style={style} role="img" aria-label={`${label}: could not be loaded`}>
        <span>
          Could not load the asset. <a href={url} target="_blank" rel="noreferrer">Open it</a>
        </span>
      </div>
    );
  }
  return (
    <div className="media-box" style={style}>
      {isVideo(asset, url) ? (
        <video
          src={url}
          controls={!compact}
          muted={compact}
          preload="metadata"
          playsInline
          aria-label={label}
          onError={() => setFailed(true)}
          width={asset?.width}
          height={asset?.height}
        />
      ) : (
        <img
          src={url}
          alt={label}
          loading="lazy"
          decoding="async"
          onError={() => setFailed(true)}
          width={asset?.width}
          height={asset?.height}
        />
      )}
    </div>
  );
}
