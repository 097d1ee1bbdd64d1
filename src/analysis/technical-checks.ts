import sharp from 'sharp';
import type { SceneAnalysisResult } from '../domain/analysis';
import type { MediaFacts } from './media-facts';
import type { ModelImage } from './resize-for-model';

/**
 * The checks that need no model: a failed one is a defect Claude would only confirm, at a price.
 * Thresholds are generous on purpose; a false alarm costs a whole regeneration attempt.
 */

export type TechnicalCheck = 'decode' | 'kind' | 'resolution' | 'aspect' | 'duration' | 'black' | 'blank' | 'frozen';

export interface TechnicalFinding {
  check: TechnicalCheck;
  /** critical: nothing of the scene is usable; high: the asset is real but does not fit. */
  severity: 'high' | 'critical';
  description: string;
}

export interface TechnicalExpectation {
  kind: 'image' | 'video';
  /** "16:9", "1280:720", "9/16", "4x3" or "1.78"; absent or unreadable skips the aspect check. */
  aspectRatio?: string;
  /** Seconds of video the scene needs; 0 for a still. */
  durationSeconds: number;
}

export const TECHNICAL_LIMITS = {
  /** 640×360 is the smallest frame a provider delivers on purpose; below it is a thumbnail. */
  minShortEdgePx: 360,
  /** Providers round sizes to multiples of 8 or 16 (1360×752 for 16:9 is 1.7 % off). */
  aspectTolerance: 0.05,
  /** Providers deliver 5 or 10 s for any request; a clip under half the scene leaves a gap. */
  minDurationShare: 0.5,
  /** Fades are fine; a fifth of the clip in black is not. */
  maxBlackShare: 0.2,
  /** A still looped for half the clip is a slideshow, not a video. */
  maxFrozenShare: 0.5,
  /** Sampled frames that are one flat color; half of them blank fails a clip. */
  maxBlankFrameShare: 0.5,
} as const;

/** Shape checks from the probe alone: kind, resolution, aspect ratio, duration. */
export function checkShape(media: MediaFacts, expected: TechnicalExpectation): TechnicalFinding[] {
  if (media.kind !== expected.kind) {
    const got = media.kind === 'video' ? 'a video clip' : 'a still image';
    const wanted = expected.kind === 'video' ? 'a video clip' : 'a still image';
    return [{ check: 'kind', severity: 'critical', description: `The scene needs ${wanted} but the asset is ${got}` }];
  }
  const findings: TechnicalFinding[] = [];
  const shortEdge = Math.min(media.width, media.height);
  if (shortEdge < TECHNICAL_LIMITS.minShortEdgePx) {
    findings.push({
      check: 'resolution',
      severity: 'high',
      description: `Resolution ${media.width}×${media.height} is too low (short edge under ${TECHNICAL_LIMITS.minShortEdgePx} px)`,
    });
  }
  const wantedRatio = expected.aspectRatio === undefined ? undefined : parseAspectRatio(expected.aspectRatio);
  if (wantedRatio !== undefined) {
    const actualRatio = media.width / media.height;
    if (Math.abs(actualRatio / wantedRatio - 1) > TECHNICAL_LIMITS.aspectTolerance) {
      findings.push({
        check: 'aspect',
        severity: 'high',
        description: `Aspect ratio ${media.width}×${media.height} (${actualRatio.toFixed(2)}) does not match the scene's ${expected.aspectRatio} (${wantedRatio.toFixed(2)})`,
      });
    }
  }
  if (expected.kind === 'video' && expected.durationSeconds > 0 && media.durationSeconds !== undefined) {
    if (media.durationSeconds < expected.durationSeconds * TECHNICAL_LIMITS.minDurationShare) {
      findings.push({
        check: 'duration',
        severity: 'high',
        description: `The clip lasts ${media.durationSeconds.toFixed(1)} s; the scene needs ${expected.durationSeconds} s`,
      });
    }
  }
  return findings;
}

/** Width over height from the notations people write; undefined when it is not one of them. */
export function parseAspectRatio(text: string): number | undefined {
  const pair = /^\s*(\d+(?:\.\d+)?)\s*[:/x×]\s*(\d+(?:\.\d+)?)\s*$/i.exec(text);
  if (pair) {
    const width = Number(pair[1]);
    const height = Number(pair[2]);
    return width > 0 && height > 0 ? width / height : undefined;
  }
  const single = Number(text.trim());
  return text.trim() !== '' && Number.isFinite(single) && single > 0 ? single : undefined;
}

export type PixelVerdict = 'ok' | 'black' | 'blank';

// On 0-255 channels: the mean brightness of a black frame, and the spread of a flat one.
const BLACK_MEAN_BELOW = 12;
const BLACK_SPREAD_BELOW = 12;
const FLAT_SPREAD_BELOW = 3;

/** Whether a picture is black (dark and flat) or blank (one flat color), from its statistics. */
export async function judgePixels(image: ModelImage): Promise<PixelVerdict> {
  const stats = await sharp(image.data).stats();
  const [red, green, blue] = stats.channels.length >= 3 ? stats.channels : [stats.channels[0], stats.channels[0], stats.channels[0]];
  const luma = 0.2126 * red.mean + 0.7152 * green.mean + 0.0722 * blue.mean;
  const spread = Math.max(red.stdev, green.stdev, blue.stdev);
  if (luma < BLACK_MEAN_BELOW && spread < BLACK_SPREAD_BELOW) return 'black';
  if (spread < FLAT_SPREAD_BELOW) return 'blank';
  return 'ok';
}

export function imagePixelFindings(verdict: PixelVerdict): TechnicalFinding[] {
  if (verdict === 'black') return [{ check: 'black', severity: 'critical', description: 'The image is black' }];
  if (verdict === 'blank') return [{ check: 'blank', severity: 'critical', description: 'The image is blank: one flat color' }];
  return [];
}

/** Blank sampled frames; black ones are left to the whole-clip black detector. */
export function framePixelFindings(verdicts: PixelVerdict[]): TechnicalFinding[] {
  const flat = verdicts.filter((verdict) => verdict !== 'ok').length;
  if (verdicts.length === 0 || flat / verdicts.length < TECHNICAL_LIMITS.maxBlankFrameShare) return [];
  return [
    {
      check: 'blank',
      severity: 'critical',
      description: `${flat} of ${verdicts.length} sampled frames are blank (one flat color)`,
    },
  ];
}

const TECHNICAL_FAILURE_SCORES = { critical: 5, high: 20 } as const;

/** The analysis an asset gets when the checks fail it: low score, technical issues, no model call. */
export function technicalFailureAnalysis(findings: TechnicalFinding[]): SceneAnalysisResult {
  if (findings.length === 0) throw new Error('technicalFailureAnalysis needs at least one finding');
  const critical = findings.some((finding) => finding.severity === 'critical');
  const score = critical ? TECHNICAL_FAILURE_SCORES.critical : TECHNICAL_FAILURE_SCORES.high;
  return {
    overallScore: score,
    recommendation: critical ? 'critical_fail' : 'regenerate',
    issues: findings.map((finding) => ({ category: 'technical', severity: finding.severity, description: finding.description })),
    categoryScores: { technical: score },
  };
}
