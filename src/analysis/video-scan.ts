import { ffmpegPath } from '../media/ffmpeg';
import { lastLine, localInput, runProcess } from './run-process';
import { TECHNICAL_LIMITS, type TechnicalFinding } from './technical-checks';

/** Seconds of black and of frozen picture across the whole clip, from one decoding pass. */
export interface VideoScan {
  blackSeconds: number;
  frozenSeconds: number;
  /** Why decoding stopped, when it did not reach the end. */
  decodeError?: string;
}

// blackdetect: a frame is black when 98 % of its pixels are under 10 % brightness; runs under a
// quarter second are cuts, not defects. freezedetect: frames within -60 dB of each other for half
// a second are the same picture; slow pans and drifting light stay well above that.
const DETECTORS = 'blackdetect=d=0.25:pix_th=0.10,freezedetect=n=-60dB:d=0.5';

export async function scanVideo(path: string, durationSeconds: number): Promise<VideoScan> {
  const output = await runProcess(
    ffmpegPath(),
    ['-hide_banner', '-nostats', '-v', 'info', ...localInput(path), '-map', '0:v:0', '-vf', DETECTORS, '-an', '-f', 'null', '-'],
    { timeoutMs: 120_000, maxStdoutBytes: 1024 },
  );
  const scan = parseDetectorLog(output.stderr, durationSeconds);
  if (output.exitCode !== 0) return { ...scan, decodeError: lastLine(output.stderr) };
  return scan;
}

/** Reads blackdetect's and freezedetect's log lines; a freeze still open at the end runs to the end. */
export function parseDetectorLog(stderr: string, durationSeconds: number): VideoScan {
  let blackSeconds = 0;
  for (const match of stderr.matchAll(/black_start:\s*([\d.]+)\s+black_end:\s*([\d.]+)/g)) {
    blackSeconds += Math.max(0, Number(match[2]) - Number(match[1]));
  }
  let frozenSeconds = 0;
  let openFreeze: number | undefined;
  for (const match of stderr.matchAll(/lavfi\.freezedetect\.freeze_(start|end):\s*([\d.]+)/g)) {
    const time = Number(match[2]);
    if (match[1] === 'start') {
      openFreeze = time;
    } else if (openFreeze !== undefined) {
      frozenSeconds += Math.max(0, time - openFreeze);
      openFreeze = undefined;
    }
  }
  if (openFreeze !== undefined) frozenSeconds += Math.max(0, durationSeconds - openFreeze);
  return { blackSeconds, frozenSeconds };
}

export function videoScanFindings(scan: VideoScan, durationSeconds: number): TechnicalFinding[] {
  if (scan.decodeError !== undefined) {
    return [{ check: 'decode', severity: 'critical', description: `The clip does not decode to the end: ${scan.decodeError}` }];
  }
  const findings: TechnicalFinding[] = [];
  const share = (seconds: number) => Math.min(1, seconds / durationSeconds);
  if (share(scan.blackSeconds) >= TECHNICAL_LIMITS.maxBlackShare) {
    findings.push({
      check: 'black',
      severity: 'critical',
      description: `${percent(share(scan.blackSeconds))} of the clip is black (${scan.blackSeconds.toFixed(1)} of ${durationSeconds.toFixed(1)} s)`,
    });
  }
  if (share(scan.frozenSeconds) >= TECHNICAL_LIMITS.maxFrozenShare) {
    findings.push({
      check: 'frozen',
      severity: 'critical',
      description: `The picture is frozen for ${percent(share(scan.frozenSeconds))} of the clip (${scan.frozenSeconds.toFixed(1)} of ${durationSeconds.toFixed(1)} s)`,
    });
  }
  return findings;
}

function percent(share: number): string {
  return `${Math.round(share * 100)} %`;
}
