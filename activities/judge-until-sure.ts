import { activityInfo, heartbeat, log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { AnalysisUsage, JudgeRequest, JudgeResult, Judgment } from '../src/domain/judging';
import type { JudgingHistory } from '../src/domain/judge-view';
import { roundUsd } from '../src/catalog/cost';
import { combinedJudgment, judgingSettings, shouldJudgeAgain } from '../src/rules/judging';
import { heartbeatWhile } from './heartbeat-while';

/**
 * SPEC.md "Judging and choosing": the asset is judged, and judged again (each time from another
 * view: `judgeOnce` is told the judgment's number) while the evidence straddles the bar, up to the
 * policy's cap; `history` (the content type's recorded judgments) is what the judgments are
 * combined with (src/rules/judging.ts), and without enough of it the band and the median decide. The judgments made so far are heartbeated, so a retry of
 * the activity (a worker died) resumes where the last one got to instead of paying for them
 * again. A judgment after the first that fails (after its own corrective retry) ends the judging
 * rather than the attempt: the asset is judged, and the judgments made decide.
 */
export async function judgeUntilSure(
  request: JudgeRequest,
  judgeOnce: (request: JudgeRequest, judgmentNumber: number) => Promise<Judgment>,
  history?: JudgingHistory,
): Promise<JudgeResult> {
  const settings = judgingSettings({
    minScoreToPass: request.minScoreToPass,
    uncertaintyBand: request.uncertaintyBand,
    judgmentsNearBar: request.judgmentsNearBar,
  });
  const judgments: Judgment[] = resumed();
  return heartbeatWhile(() => judgeWhileUnsure({ request, judgments, settings, history }, judgeOnce), 5_000, () => ({ judgments }));
}

interface Judging {
  request: JudgeRequest;
  judgments: Judgment[];
  settings: ReturnType<typeof judgingSettings>;
  history?: JudgingHistory;
}

async function judgeWhileUnsure(
  { request, judgments, settings, history }: Judging,
  judgeOnce: (request: JudgeRequest, judgmentNumber: number) => Promise<Judgment>,
): Promise<JudgeResult> {
  // Tokens of a judgment that failed after its answers were paid for (unusable twice).
  let failedUsd = 0;
  while (shouldJudgeAgain(judgments, settings, history)) {
    try {
      judgments.push(await judgeOnce(request, judgments.length + 1));
    } catch (error) {
      if (!(error instanceof ApplicationFailure)) throw error;
      if (judgments.length === 0) throw error;
      failedUsd = paidFor(error);
      log.warn('A judgment near the bar failed; the judgments made decide', { judgments: judgments.length, error: error.message });
      break;
    }
    if (insideActivity()) heartbeat({ judgments } satisfies JudgeHeartbeat);
  }
  const combined = combinedJudgment(judgments, settings, history);
  const usage = totalUsage(judgments);
  return {
    analysis: combined.analysis,
    judgments: judgments.map(({ analysis, costUsd, view }) => ({ score: analysis.overallScore, costUsd, ...(view ? { view } : {}) })),
    costUsd: roundUsd(judgments.reduce((sum, j) => sum + j.costUsd, failedUsd)),
    ...(usage ? { usage } : {}),
    modelSkipped: judgments.some((j) => j.modelSkipped),
  };
}

/** What a failed judgment had paid for, from its failure's details (src/analysis/judge-failures.ts). */
function paidFor(error: ApplicationFailure): number {
  const details = error.details?.[0] as { costUsd?: unknown } | undefined;
  return typeof details?.costUsd === 'number' ? details.costUsd : 0;
}

function totalUsage(judgments: readonly Judgment[]): AnalysisUsage | undefined {
  const used = judgments.flatMap((j) => (j.usage ? [j.usage] : []));
  if (used.length === 0) return undefined;
  const sum = (key: keyof AnalysisUsage) => used.reduce((total, u) => total + u[key], 0);
  return {
    inputTokens: sum('inputTokens'),
    outputTokens: sum('outputTokens'),
    cacheCreationInputTokens: sum('cacheCreationInputTokens'),
    cacheReadInputTokens: sum('cacheReadInputTokens'),
    imagesSent: sum('imagesSent'),
  };
}

interface JudgeHeartbeat {
  judgments: Judgment[];
}

function resumed(): Judgment[] {
  if (!insideActivity()) return [];
  const details = activityInfo().heartbeatDetails as Partial<JudgeHeartbeat> | undefined;
  return Array.isArray(details?.judgments) ? details.judgments : [];
}

function insideActivity(): boolean {
  try {
    activityInfo();
    return true;
  } catch {
    return false;
  }
}
