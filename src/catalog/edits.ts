import type { ProviderName } from '../domain/provider';
import type { SceneKind } from '../domain/scene';

/**
 * The edit endpoints a repair may use: an instruction edit of an image, or a
 * video-to-video pass over a clip. One row per provider and kind, with its limits and price and
 * where they come from. A provider without a row for a kind cannot repair that kind of asset.
 */
export interface EditEndpoint {
  provider: ProviderName;
  kind: SceneKind;
  /** fal's endpoint id, or Runway's endpoint path under /v1. */
  endpoint: string;
  /** The model field Runway's body names; fal's model is its endpoint. */
  model?: string;
  /** The instruction, in UTF-16 code units. */
  promptMax: number;
  /** The largest source sent inline as a base64 data URI; a larger one is sent by its URL. */
  dataUriMaxBytes: number;
  /** The longest source clip the endpoint takes, in seconds. */
  maxSourceSeconds?: number;
  perItemUsd?: number;
  perSecondUsd?: number;
  source: string;
}

const FIVE_MB = 5 * 1024 * 1024;

export const EDIT_ENDPOINTS: readonly EditEndpoint[] = [
  {
    provider: 'falai',
    kind: 'image',
    // FluxKontextInput in @fal-ai/client 1.10.1 src/types/endpoints.d.ts: prompt and image_url required.
    endpoint: 'fal-ai/flux-pro/kontext',
    promptMax: 2000,
    // fal takes data URIs for file inputs (https://docs.fal.ai/model-apis/model-endpoints#files);
    // no limit is published, so Runway's is used for both.
    dataUriMaxBytes: FIVE_MB,
    // $0.04 per image (https://fal.ai/models/fal-ai/flux-pro/kontext); unconfirmed here: check the bill.
    perItemUsd: 0.04,
    source: 'https://fal.ai/models/fal-ai/flux-pro/kontext/api',
  },
  {
    provider: 'runway',
    kind: 'image',
    // gen4_image with the asset as its reference image: referenceImages up to three, each a URL or
    // a data URI up to 5 MB (@runwayml/sdk 4.20.1 resources/text-to-image.d.ts Gen4Image).
    endpoint: 'text_to_image',
    model: 'gen4_image',
    promptMax: 1000,
    dataUriMaxBytes: FIVE_MB,
    // gen4_image at 720p: 5 credits of $0.01 (https://docs.dev.runwayml.com/guides/pricing/).
    perItemUsd: 0.05,
    source: 'https://docs.dev.runwayml.com/api/#tag/Start-generating/paths/~1v1~1text_to_image/post',
  },
  {
    provider: 'runway',
    kind: 'video',
    // Aleph 2.0: videoUri (URL or data URI up to 5 MB), promptText optional, up to 1000 characters
    // (@runwayml/sdk 4.20.1 resources/video-to-video.d.ts Variant0); source clips up to 30 s
    // (https://runware.ai/docs/models/runway-aleph-2-0, Comfy Router's runway/aleph2 schema).
    endpoint: 'video_to_video',
    model: 'aleph2',
    promptMax: 1000,
    dataUriMaxBytes: FIVE_MB,
    maxSourceSeconds: 30,
    // Aleph was 15 credits per second of output (https://docs.dev.runwayml.com/guides/pricing/);
    // Aleph 2.0's own figure is unconfirmed: check the bill.
    perSecondUsd: 0.15,
    source: 'https://docs.dev.runwayml.com/api/#tag/Start-generating/paths/~1v1~1video_to_video/post',
  },
];

/** The edit endpoint a provider offers for a kind of asset; undefined when it cannot edit it. */
export function editEndpoint(provider: ProviderName, kind: SceneKind): EditEndpoint | undefined {
  return EDIT_ENDPOINTS.find((row) => row.provider === provider && row.kind === kind);
}

/** What one edit of an asset of this kind and length costs at this provider. */
export function editCostUsd(endpoint: EditEndpoint, durationSeconds: number): number {
  if (endpoint.kind === 'video') return (endpoint.perSecondUsd ?? 0) * Math.ceil(durationSeconds);
  return endpoint.perItemUsd ?? 0;
}
