import assert from 'node:assert/strict';
import type { ReviewEntryView, SceneView, StoredAttempt } from '../../src/domain/http-api';
import type { RegenerationAttempt, RegenerationState, UserDecision } from '../../src/domain/regeneration';
import type { BestPick, ReviewEntry } from '../../src/ui/page/api/types';
import { describeBestPick } from '../../src/ui/page/model/best-pick-text';
import { candidateBadges } from '../../src/ui/page/model/candidate-badges';
import { escalationTag } from '../../src/ui/page/model/escalation-text';
import { summarizeEntry } from '../../src/ui/page/model/queue-entry-summary';
import { parseRoute, routeHref } from '../../src/ui/page/hooks/use-hash-route';
import { describeDecision } from '../../src/ui/page/model/decision-text';
import { formatCost, formatWaited, scoreBand } from '../../src/ui/page/model/format';
import { diffPrompts } from '../../src/ui/page/model/prompt-diff';
import { withoutAvoidList } from '../../src/ui/page/model/prompt-text';
import { aspectRatioOf, buildRoundView } from '../../src/ui/page/model/round-view';

const AVOID = '. Avoid: garbled text, fake UI, distorted features, cold clinical lighting, blue/gray tones';

describe('review page: prompt changes', () => {
  it('marks only the phrases an attempt added', () => {
    const previous = `A red bicycle${AVOID}`;
    const current = `A red bicycle. warm golden natural lighting, soft shadows${AVOID}`;
    const segments = diffPrompts(previous, current);
    const added = segments.filter((s) => s.change === 'added').map((s) => s.text);
    assert.equal(added.length, 1);
    // Either full stop may pair with the old one; what counts is that only the phrase is new.
    assert.equal(added[0].replace(/^[.\s]+|[.\s]+$/g, ''), 'warm golden natural lighting, soft shadows');
    assert.equal(segments.filter((s) => s.change === 'removed').length, 0);
  });

  it('rebuilds both prompts exactly from its pieces', () => {
    const cases = [
      ['A misty valley at sunrise', 'A misty valley at dawn, sharp focus'],
      ['', 'Everything is new'],
      ['Everything goes', ''],
      ['same words', 'same words'],
      ['Ünïcode café — “quotes”', 'Ünïcode bistro — “quotes”!'],
    ];
    for (const [previous, current] of cases) {
      const segments = diffPrompts(previous, current);
      const join = (kind: 'added' | 'removed') => segments.filter((s) => s.change !== kind).map((s) => s.text).join('');
      assert.equal(join('removed'), current, `current of ${JSON.stringify([previous, current])}`);
      assert.equal(join('added'), previous, `previous of ${JSON.stringify([previous, current])}`);
    }
    assert.deepEqual(diffPrompts('same words', 'same words'), [{ text: 'same words', change: 'same' }]);
  });

  it('gives up word matching on enormous prompts instead of stalling the page', () => {
    const long = (word: string) => Array.from({ length: 1500 }, (_, i) => `${word}${i}`).join(' ');
    const started = Date.now();
    const segments = diffPrompts(long('a'), long('b'));
    assert.ok(Date.now() - started < 1000);
    assert.deepEqual(segments.map((s) => s.change), ['removed', 'added']);
  });

  it('offers the best prompt for editing without the avoid list the workflow appends', () => {
    assert.equal(withoutAvoidList(`A bowl of ramen. balanced composition${AVOID}`), 'A bowl of ramen. balanced composition');
    assert.equal(withoutAvoidList('A bowl of ramen'), 'A bowl of ramen');
  });
});

describe('review page: what the scene view compares', () => {
  it('a rejected scene, left without an asset, shows no score for it', () => {
    const attempts = [attempt(1, 1, 'failed', 45)];
    const rejected = { ...scene({ status: 'rejected', attempts }), assetUrl: undefined, asset: undefined, qualityScore: 62 };
    const view = buildRoundView(rejected, undefined, undefined);
    assert.equal(view.candidates[0].assetUrl, undefined);
    assert.equal(view.candidates[0].score, undefined);
  });

  it('round 1 awaiting review: the scene as it was, then each attempt, the named best marked', () => {
    const attempts = [attempt(1, 1, 'improved', 55), attempt(1, 2, 'failed', 50), attempt(1, 3, 'failed', 60)];
    const view = buildRoundView(scene({ status: 'awaiting_review', attempts }), entry({ round: 1, bestAttemptNumber: 1, attempts }), undefined);
    assert.equal(view.round, 1);
    assert.equal(view.runOpen, true);
    assert.deepEqual(view.candidates.map((c) => [c.key, c.attemptNumber, c.isBest]), [
      ['start', 0, false],
      ['attempt-1-1', 1, true],
      ['attempt-1-2', 2, false],
      ['attempt-1-3', 3, false],
    ]);
    assert.equal(view.candidates[0].assetUrl, 'http://web.test/assets/original.png');
    assert.equal(view.candidates[0].score, 40);
    // Attempt 1 is compared with the visual direction, later ones with the attempt before them.
    assert.equal(view.candidates[1].previousPrompt, 'A red bicycle');
    assert.equal(view.candidates[2].previousPrompt, attempts[0].prompt);
    assert.equal(view.bestPrompt, attempts[0].prompt);
  });

  it('with no improvement the starting asset is the best, and an attempt without an asset cannot be approved', () => {
    const attempts = [attempt(1, 1, 'failed', 41), { ...attempt(1, 2, 'failed', 0), assetUrl: undefined, analysisResult: undefined, failure: { type: 'provider_refused', message: 'refused' } }];
    const view = buildRoundView(scene({ status: 'awaiting_review', attempts }), entry({ round: 1, attempts }), undefined);
    assert.equal(view.bestAttemptNumber, undefined);
    assert.equal(view.candidates[0].isBest, true);
    assert.equal(view.bestPrompt, 'A red bicycle');
    assert.deepEqual(view.candidates.map((c) => c.approvable), [true, true, false]);
    assert.equal(view.candidates[2].score, undefined);
  });

  it('a second round starts from the best of the first, which "approve 0" would keep', () => {
    const attempts = [attempt(1, 1, 'failed', 45), attempt(1, 2, 'improved', 52), attempt(1, 3, 'failed', 50), attempt(2, 1, 'failed', 55)];
    const state = regenerationState({ round: 2, status: 'regenerating', attempt: 2, attempts });
    const view = buildRoundView(scene({ status: 'regenerating', attempts }), undefined, state);
    assert.equal(view.round, 2);
    assert.deepEqual(view.candidates.map((c) => c.key), ['start', 'attempt-2-1']);
    assert.equal(view.candidates[0].assetUrl, attempts[1].assetUrl);
    assert.equal(view.candidates[0].origin, 'best of round 1 (attempt 2)');
    // Without an improved prompt from the judge, the round's first attempt starts from the visual direction.
    assert.equal(view.candidates[1].previousPrompt, 'A red bicycle');
    assert.deepEqual(view.earlierRounds.map((r) => [r.round, r.attempts.length, r.attempts.find((a) => a.isBest)?.attemptNumber]), [[1, 3, 2]]);
  });

  it('attempt 1 is compared with the judge\'s improved prompt it started from, not the visual direction', () => {
    const improved = 'A red bicycle leaning on a sunny brick wall';
    const first = { ...attempt(1, 1, 'improved', 55), prompt: `${improved}. warm golden natural lighting${AVOID}` };
    const start = { ...scene({ status: 'awaiting_review', attempts: [first] }) };
    start.analysis = { ...start.analysis!, improvedPrompt: `${improved}.` };
    const view = buildRoundView(start, entry({ round: 1, attempts: [first] }), undefined);
    assert.equal(view.candidates[1].previousPrompt, `${improved}.`);
    assert.equal(view.candidates[1].comparedWith, 'the judge’s improved prompt it was built on');

    // Round 2 starts from round 1's best (attempt 1), built on that attempt's improved prompt;
    // once the scene record moved on (approved), the base is still found among the run's analyses.
    const carriedPrompt = 'A red bicycle in a quiet street at golden hour';
    const best = { ...first, analysisResult: { ...first.analysisResult!, improvedPrompt: carriedPrompt } };
    const second = { ...attempt(2, 1, 'improved', 72), prompt: `${carriedPrompt}. balanced composition${AVOID}` };
    const approved = scene({ status: 'approved', attempts: [best, second], assetUrl: second.assetUrl });
    const closed = buildRoundView(approved, undefined, undefined);
    assert.equal(closed.candidates.find((c) => c.key === 'attempt-2-1')?.previousPrompt, carriedPrompt);

    // A reviewer's own prompt matches no base: it is compared with the prompt tried before it.
    const personal = { ...attempt(2, 1, 'improved', 72), prompt: `Two bicycles on a beach${AVOID}` };
    const reviewed = buildRoundView(scene({ status: 'approved', attempts: [best, personal], assetUrl: personal.assetUrl }), undefined, undefined);
    assert.equal(reviewed.candidates.find((c) => c.key === 'attempt-2-1')?.previousPrompt, best.prompt);
    assert.equal(reviewed.candidates.find((c) => c.key === 'attempt-2-1')?.comparedWith, 'the previous prompt');
  });

  it('once the run is over, the first column is the scene as it is now and the kept attempt is marked', () => {
    const attempts = [attempt(1, 1, 'improved', 55), attempt(1, 2, 'failed', 50)];
    const approved = scene({ status: 'approved', attempts, assetUrl: attempts[1].assetUrl });
    const view = buildRoundView(approved, entry({ round: 1, status: 'decided', bestAttemptNumber: 1, attempts }), undefined);
    assert.equal(view.runOpen, false);
    assert.equal(view.candidates[0].label, 'Scene now');
    assert.deepEqual(view.candidates.map((c) => c.isKept), [false, false, true]);
  });

  it('reserves each media box in its asset shape, falling back to the scene aspect ratio', () => {
    const s = scene({ status: 'analyzed', attempts: [] });
    assert.equal(aspectRatioOf({ url: 'u', key: 'k', sha256: 's', sizeBytes: 1, mediaType: 'image/png', width: 1080, height: 1920 }, s), 1080 / 1920);
    assert.equal(aspectRatioOf(undefined, { ...s, asset: undefined, aspectRatio: '4:3' }), 4 / 3);
    assert.equal(aspectRatioOf(undefined, { ...s, asset: undefined }), 16 / 9);
  });
});

describe('review page: words, routes and lists', () => {
  it('round-trips routes through the URL hash and ignores junk', () => {
    for (const route of [
      { view: 'queue', status: 'pending', projectId: undefined },
      { view: 'queue', status: 'decided', projectId: 7 },
      { view: 'scene', sceneId: 42 },
      { view: 'insights' },
      { view: 'insights', projectId: 12 },
    ] as const) {
      assert.deepEqual(parseRoute(routeHref(route)), route);
    }
    assert.deepEqual(parseRoute('#/queue?status=bogus&project=-1'), { view: 'queue', status: 'pending', projectId: undefined });
    assert.deepEqual(parseRoute('#/scenes/0'), { view: 'queue', status: 'pending', projectId: undefined });
  });

  it('says how long an entry waited and what things cost in readable units', () => {
    assert.equal(formatWaited(12_000), '12 s');
    assert.equal(formatWaited(5 * 60_000), '5 min');
    assert.equal(formatWaited((3 * 60 + 5) * 60_000), '3 h 5 min');
    assert.equal(formatWaited(50 * 3600_000), '2 d 2 h');
    assert.equal(formatCost(0.5123), '$0.51');
    assert.equal(formatCost(0.0015), '$0.0015');
    assert.deepEqual([69, 70, 49, 50].map((s) => scoreBand(s)), ['near', 'pass', 'poor', 'near']);
  });

  it('describes each decision the way the queue shows it', () => {
    assert.equal(describeDecision({ action: 'approve' }, 2), 'Approved the best (attempt 2)');
    assert.equal(describeDecision({ action: 'approve', attemptNumber: 0 }), 'Approved the starting asset');
    assert.equal(describeDecision({ action: 'approve', attemptNumber: 3, reviewer: 'ana' }), 'Approved attempt 3');
    assert.equal(describeDecision({ action: 'reject', note: 'no' }), 'Rejected');
    assert.equal(describeDecision({ action: 'regenerate', provider: 'luma', customPrompt: 'x' }), 'Asked for another round (with luma, a new prompt)');
  });
});

function attempt(round: number, attemptNumber: number, result: RegenerationAttempt['result'], scoreAfter: number): StoredAttempt {
  return {
    id: round * 10 + attemptNumber,
    workflowId: 'regenerate-scene-5',
    runId: 'run-1',
    round,
    attemptNumber,
    timestamp: '2026-01-01T10:00:00.000Z',
    provider: 'falai',
    prompt: `A red bicycle, round ${round} attempt ${attemptNumber}${AVOID}`,
    result,
    scoreBefore: 40,
    scoreAfter,
    analysisResult: { overallScore: scoreAfter, recommendation: 'regenerate', issues: [] },
    assetUrl: `http://web.test/assets/r${round}a${attemptNumber}.png`,
  };
}

function scene(options: { status: SceneView['status']; attempts: StoredAttempt[]; assetUrl?: string }): SceneView {
  return {
    id: 5,
    projectId: 3,
    sceneIndex: 1,
    sceneType: 'b-roll',
    contentType: 'object',
    narration: 'A ride through town.',
    visualDirection: 'A red bicycle',
    duration: 0,
    provider: 'falai',
    assetUrl: options.assetUrl ?? 'http://web.test/assets/original.png',
    asset: { url: 'http://web.test/assets/original.png', key: 'k', sha256: 's', sizeBytes: 10, mediaType: 'image/png', width: 1280, height: 720 },
    analysis: { overallScore: 40, recommendation: 'regenerate', issues: [] },
    qualityScore: 40,
    needsUserReview: options.status === 'awaiting_review',
    status: options.status,
    latestWorkflowId: 'regenerate-scene-5',
    latestRunId: 'run-1',
    createdAt: '2026-01-01T09:00:00.000Z',
    updatedAt: '2026-01-01T10:00:00.000Z',
    regenerationAttempts: options.attempts,
  };
}

function entry(options: {
  round: number;
  attempts: RegenerationAttempt[];
  bestAttemptNumber?: number;
  status?: ReviewEntryView['status'];
  bestPick?: BestPick;
  decision?: UserDecision;
}): ReviewEntry {
  return {
    bestPick: options.bestPick,
    decision: options.decision,
    decidedBy: options.decision?.reviewer,
    id: 9,
    sceneId: 5,
    projectId: 3,
    sceneIndex: 1,
    workflowId: 'regenerate-scene-5',
    runId: 'run-1',
    round: options.round,
    reason: 'auto_regeneration_failed',
    bestScore: 55,
    bestAttemptNumber: options.bestAttemptNumber,
    attempts: options.attempts,
    status: options.status ?? 'pending',
    createdAt: '2026-01-01T10:05:00.000Z',
  };
}

function regenerationState(options: Pick<RegenerationState, 'round' | 'status' | 'attempt' | 'attempts'>): RegenerationState {
  return { sceneId: 5, maxAttempts: 3, currentScore: 52, ...options };
}

describe('review page: why a round waits', () => {
  it('says in words why the round escalated, and shows a reason it does not know as stored', async () => {
    const { describeEscalationReason } = await import('../../src/ui/page/model/escalation-text');
    assert.equal(describeEscalationReason('auto_regeneration_failed'), 'automatic regeneration did not reach the bar');
    assert.match(describeEscalationReason('budget_exhausted'), /^the budget ran out/);
    assert.match(describeEscalationReason('providers_unavailable'), /every one that can make the scene was resting/);
    assert.match(describeEscalationReason('not_worth_trying'), /^no attempt left was worth its price: .*the chance of a pass, times the review it would save, was less than what an attempt costs$/);
    assert.equal(describeEscalationReason('something_new'), 'something_new');
  });

  it('tags a queue card with the reason only when it is not the usual one', () => {
    assert.equal(escalationTag('auto_regeneration_failed'), undefined);
    assert.equal(escalationTag('budget_exhausted'), 'budget ran out');
    assert.equal(escalationTag('providers_unavailable'), 'providers unavailable');
    assert.equal(escalationTag('not_worth_trying'), 'not worth trying');
    assert.equal(escalationTag('something_new'), 'something_new');
  });
});

describe('review page: why the best is best', () => {
  it('puts each reason of the best pick in words', () => {
    assert.equal(describeBestPick({ attemptNumber: 2, score: 69, reason: 'highest_score', runnerUp: { attemptNumber: 1, score: 61 } }), 'Best: highest score (69, next 61)');
    assert.equal(describeBestPick({ attemptNumber: 1, score: 69, reason: 'highest_score' }), 'Best: highest score (69)');
    assert.equal(
      describeBestPick({ attemptNumber: 2, score: 66, reason: 'pairwise', runnerUp: { attemptNumber: 3, score: 69 } }),
      'Best: Claude preferred it to attempt 3 in both orders (66 vs 69)',
    );
    assert.equal(
      describeBestPick({ score: 64, reason: 'pairwise', runnerUp: { attemptNumber: undefined, score: 64 } }),
      'Best: Claude preferred it to the starting asset in both orders (64 vs 64)',
    );
    assert.equal(
      describeBestPick({ attemptNumber: 3, score: 69, reason: 'pairwise_split', runnerUp: { attemptNumber: 2, score: 66 } }),
      'Best: scores 3 points apart (69 vs 66) and the two orders disagreed; the higher score stands',
    );
    assert.equal(
      describeBestPick({ attemptNumber: 3, score: 66, reason: 'pairwise_split', runnerUp: { attemptNumber: 2, score: 66 } }),
      'Best: scores equal (66 vs 66) and the two orders disagreed; the higher score stands',
    );
    assert.equal(describeBestPick({ score: 45, reason: 'only_candidate' }), 'Best: the only judged asset');
  });

  it('marks the asset the best pick names, with its reason, even where the old rule would pick another', () => {
    // The old rule takes the last attempt that did not fail (attempt 1); the pick names attempt 3.
    const attempts = [attempt(1, 1, 'improved', 55), attempt(1, 2, 'failed', 50), attempt(1, 3, 'failed', 60)];
    const pick: BestPick = { attemptNumber: 3, score: 60, reason: 'pairwise', runnerUp: { attemptNumber: 1, score: 55 } };
    const view = buildRoundView(scene({ status: 'awaiting_review', attempts }), entry({ round: 1, bestAttemptNumber: 3, attempts, bestPick: pick }), undefined);
    assert.deepEqual(view.candidates.map((c) => c.isBest), [false, false, false, true]);
    assert.equal(view.bestWhy, 'Best: Claude preferred it to attempt 1 in both orders (60 vs 55)');
    assert.equal(view.candidates[3].bestWhy, view.bestWhy);
    assert.equal(view.candidates[1].bestWhy, undefined);
    assert.deepEqual(view.candidates[3].badges.map((b) => [b.kind, b.text, b.title]), [
      ['best', 'Best', view.bestWhy],
      ['failed', 'failed', 'Below the bar, and it did not beat the score it had to beat by the minimum gain.'],
    ]);
    assert.equal(view.bestPrompt, attempts[2].prompt);
  });

  it('a running round takes the pick from the live state; the starting asset can be the best', () => {
    const attempts = [attempt(1, 1, 'failed', 38)];
    const state: RegenerationState & { bestPick: BestPick } = {
      ...regenerationState({ round: 1, status: 'regenerating', attempt: 2, attempts }),
      bestPick: { score: 40, reason: 'highest_score', runnerUp: { attemptNumber: 1, score: 38 } },
    };
    const view = buildRoundView(scene({ status: 'regenerating', attempts }), undefined, state);
    assert.equal(view.candidates[0].isBest, true);
    assert.equal(view.candidates[0].bestWhy, 'Best: highest score (40, next 38)');
    assert.equal(view.candidates[1].isBest, false);
  });

  it('without a best pick (older rounds) the entry\'s best attempt number stands, with no reason shown', () => {
    const attempts = [attempt(1, 1, 'improved', 55), attempt(1, 2, 'failed', 60)];
    const view = buildRoundView(scene({ status: 'awaiting_review', attempts }), entry({ round: 1, bestAttemptNumber: 1, attempts }), undefined);
    assert.deepEqual(view.candidates.map((c) => c.isBest), [false, true, false]);
    assert.equal(view.bestWhy, undefined);
    assert.equal(view.candidates[1].badges[0].title, 'The best asset of this round.');
  });
});

describe('review page: badges that agree with each other', () => {
  it('an approved attempt below the bar says who kept it; the judge\'s best says it was the judge\'s', () => {
    const attempts = [attempt(1, 1, 'improved', 55), attempt(1, 2, 'failed', 50)];
    const pick: BestPick = { attemptNumber: 1, score: 55, reason: 'highest_score', runnerUp: { attemptNumber: 2, score: 50 } };
    const approved = scene({ status: 'approved', attempts, assetUrl: attempts[1].assetUrl });
    const decided = entry({ round: 1, status: 'decided', bestAttemptNumber: 1, attempts, bestPick: pick, decision: { action: 'approve', attemptNumber: 2, reviewer: 'ana' } });
    const view = buildRoundView(approved, decided, undefined);
    assert.deepEqual(view.decision, { action: 'approve', by: 'ana' });
    const [start, first, second] = view.candidates;
    assert.deepEqual(start.badges, [], 'the scene as it is now is neither best nor kept: attempt 2 is');
    assert.deepEqual(first.badges.map((b) => b.text), ['Judge’s best', 'improved']);
    assert.equal(first.badges[0].title, 'The judge ranked it best; ana kept another asset.');
    assert.equal(first.bestWhy, 'Best: highest score (55, next 50)');
    assert.deepEqual(second.badges.map((b) => [b.kind, b.text]), [['kept', 'Kept by ana']], 'its note says it is below the bar, not a "failed" tag');
    assert.equal(second.keptNote, 'Approved by ana although the judge scored it below the bar.');
    assert.equal(view.candidates.filter((c) => c.badges.some((b) => b.kind === 'best')).length, 0, 'no plain "Best" once decided');
  });

  it('approving the best gives one badge that says both', () => {
    const badges = candidateBadges(
      { attemptNumber: 1, isBest: true, isKept: true, result: 'improved' },
      { runOpen: false, decision: { action: 'approve', by: 'ana' }, bestWhy: 'Best: highest score (55, next 50)' },
    );
    assert.deepEqual(badges.badges.map((b) => b.text), ['Kept by ana', 'improved']);
    assert.equal(badges.note, "Approved by ana although the judge scored it below the bar; it is also the judge’s best.");
  });

  it('the timeout policy, a rejection and a passing attempt each say what happened', () => {
    const timeout = candidateBadges({ attemptNumber: 2, isBest: true, isKept: true, result: 'failed' }, { runOpen: false, decision: { action: 'approve', by: 'review-timeout' } });
    assert.equal(timeout.badges[0].text, 'Kept on timeout');
    assert.match(timeout.note ?? '', /^Approved by the review-timeout policy although/);
    const rejected = candidateBadges({ attemptNumber: 2, isBest: true, isKept: false, result: 'failed' }, { runOpen: false, decision: { action: 'reject', by: 'ana' } });
    assert.deepEqual(rejected.badges.map((b) => [b.text, b.title]), [
      ['Judge’s best', 'The judge ranked it best; ana rejected the scene.'],
      ['failed', 'Below the bar, and it did not beat the score it had to beat by the minimum gain.'],
    ]);
    const passed = candidateBadges({ attemptNumber: 3, isBest: true, isKept: true, result: 'success' }, { runOpen: false });
    assert.deepEqual(passed.badges.map((b) => [b.kind, b.text, b.title]), [
      ['kept', 'Kept', 'The scene uses this asset: it passed the bar.'],
      ['success', 'passed', 'The judge scored it at or above the bar.'],
    ]);
    assert.equal(passed.note, undefined);
  });

  it('a rejected round shows no badge on the empty scene card even when the starting asset was the best', () => {
    const attempts = [attempt(1, 1, 'failed', 35)];
    const rejected = { ...scene({ status: 'rejected', attempts }), assetUrl: undefined, asset: undefined };
    const decided = entry({ round: 1, status: 'decided', attempts, bestPick: { score: 40, reason: 'highest_score' }, decision: { action: 'reject', reviewer: 'ana' } });
    const view = buildRoundView(rejected, decided, undefined);
    assert.deepEqual(view.candidates.map((c) => c.badges.map((b) => b.text)), [[], ['failed']]);
  });

  it('approving the starting asset marks the scene card kept', () => {
    const attempts = [attempt(1, 1, 'failed', 35)];
    const approved = scene({ status: 'approved', attempts });
    const decided = entry({ round: 1, status: 'decided', attempts, bestPick: { score: 40, reason: 'highest_score' }, decision: { action: 'approve', reviewer: 'ana' } });
    const view = buildRoundView(approved, decided, undefined);
    assert.deepEqual(view.candidates[0].badges.map((b) => b.text), ['Kept by ana']);
    assert.equal(view.candidates[0].keptNote, "Approved by ana although the judge scored it below the bar; it is also the judge’s best.");
  });
});

describe('review page: what the queue card shows of an entry', () => {
  const attempts = [attempt(1, 1, 'improved', 55), { ...attempt(1, 2, 'failed', 50), provider: 'kling' as const }, attempt(1, 3, 'failed', 45)];
  const pick: BestPick = { attemptNumber: 1, score: 55, reason: 'highest_score', runnerUp: { attemptNumber: 2, score: 50 } };

  it('while it waits: the judge\'s best and why', () => {
    const summary = summarizeEntry(entry({ round: 1, bestAttemptNumber: 1, attempts, bestPick: pick }));
    assert.equal(summary.line, 'Best: attempt 1 by falai (55): highest score (55, next 50)');
    assert.deepEqual(summary.score, { label: 'Best', value: 55 });
    assert.equal(summary.shown !== 'none' && summary.shown !== 'scene' && summary.shown.attempt.attemptNumber, 1);
    // Older entries: the best attempt number alone; none means nothing beat the starting asset.
    assert.equal(summarizeEntry(entry({ round: 1, bestAttemptNumber: 1, attempts })).line, 'Best: attempt 1 by falai (55)');
    assert.equal(summarizeEntry(entry({ round: 1, attempts })).line, 'No attempt beat the starting asset');
    assert.equal(summarizeEntry(entry({ round: 1, attempts, bestPick: { score: 55, reason: 'only_candidate' } })).line, 'Best: the starting asset (55): the only judged asset');
  });

  it('once approved: the attempt kept, or the best at the time for a plain approve', () => {
    const named = summarizeEntry(entry({ round: 1, status: 'decided', bestAttemptNumber: 1, attempts, bestPick: pick, decision: { action: 'approve', attemptNumber: 2, reviewer: 'ana' } }));
    assert.equal(named.line, 'Kept: attempt 2 by kling (50)');
    assert.deepEqual(named.score, { label: 'Kept', value: 50 });
    assert.equal(typeof named.shown === 'object' && named.shown.attempt.attemptNumber, 2);
    const plain = summarizeEntry(entry({ round: 1, status: 'decided', bestAttemptNumber: 1, attempts, decision: { action: 'approve', reviewer: 'ana' } }));
    assert.equal(plain.line, 'Kept: attempt 1 by falai (55)');
    const start = summarizeEntry(entry({ round: 1, status: 'decided', attempts, decision: { action: 'approve', attemptNumber: 0, reviewer: 'ana' } }));
    assert.equal(start.line, 'Kept: the starting asset (40)');
    assert.equal(start.shown, 'scene');
  });

  it('once rejected: nothing kept, no thumbnail and no score', () => {
    const rejected = summarizeEntry(entry({ round: 1, status: 'decided', bestAttemptNumber: 1, attempts, bestPick: pick, decision: { action: 'reject', reviewer: 'ana' } }));
    assert.deepEqual(rejected, { shown: 'none', line: 'Rejected: no asset kept' });
  });

  it('another round asked for, or no decision: the judge\'s best as it was', () => {
    const again = summarizeEntry(entry({ round: 1, status: 'decided', bestAttemptNumber: 1, attempts, decision: { action: 'regenerate', reviewer: 'ana' } }));
    assert.equal(again.line, 'Best: attempt 1 by falai (55)');
    assert.equal(summarizeEntry(entry({ round: 1, status: 'expired', bestAttemptNumber: 1, attempts })).line, 'Best: attempt 1 by falai (55)');
  });
});
