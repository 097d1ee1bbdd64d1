import type { ProviderName } from '../domain/provider';
import type { ProviderChoiceFigures, ProviderOption } from '../domain/regeneration';
import { roundTo } from '../domain/numbers';
import { passChance, predictScore, type ScoreModel } from './score-model';
import { normalDraw } from './seeded-draw';

export interface ExpectedValueArgs {
  model: ScoreModel;
  attemptNumber: number;
  maxAttempts: number;
  contentType: string;
  currentScore: number;
  bar: number;
  /** policy.reviewCostUsd: what a pass saves, a person's review. */
  valueOfPassUsd: number;
  /** Providers that can make the scene and are configured, in fallback order (ties go to the earlier). */
  candidates: readonly ProviderName[];
  /** The expected price of one attempt with the provider (generation and its judgment). */
  priceUsd: (provider: ProviderName) => number;
  /** The provider this attempt must take (attempt 1: the round's), when the rules fix it. */
  fixed?: ProviderName;
  /** The provider of the attempt before, which attempts 2 and later do not repeat while another can make the scene. */
  previous?: ProviderName;
  /** Seeds the exploration's draws: the same key, the same choice (workflow id, round, attempt). */
  drawKey: string;
  /** Editing the current asset instead (src/rules/repair-value.ts), weighed as one more option. */
  repair?: RepairOption;
}

/** A repair of the current asset: its editor, its chance of passing and its price. */
export interface RepairOption {
  provider: ProviderName;
  passChance: number;
  priceUsd: number;
  /** Judged repairs its chance was learned from. */
  evidence: number;
}

export interface ExpectedValueChoice {
  /** The provider to use; absent when no remaining attempt is worth its price. */
  provider?: ProviderName;
  /** The attempt repairs the current asset with `provider` rather than generating. */
  repair?: true;
  figures: ProviderChoiceFigures;
}

/**
 * SPEC.md "Cost and provider health", learned choice: the attempt takes the provider with the
 * highest expected value, the value of a pass times the chance of one, minus the price, plus
 * what the attempts after it are worth if it fails (each choosing as well as it can, or stopping
 * when nothing is worth its price). Exploration is Thompson sampling: each provider's chance is
 * drawn from what the model is unsure of, with a seeded draw, so a provider with little evidence
 * still gets its turn when it might be the best. Whether any attempt is worth trying at all is
 * decided on the expected chances, not the draws: a round escalates `not_worth_trying` only when
 * on what is known no remaining attempt pays for itself.
 */
export function chooseByExpectedValue(args: ExpectedValueArgs): ExpectedValueChoice {
  const { model, attemptNumber, maxAttempts, candidates, valueOfPassUsd } = args;
  const chanceAt = (provider: ProviderName, n: number) => {
    const prediction = predictScore(model, { provider, contentType: args.contentType, attemptNumber: n, currentScore: args.currentScore });
    return { prediction, chance: passChance(prediction, args.bar) };
  };
  const expected = (provider: ProviderName, n: number) => chanceAt(provider, n).chance;
  const drawn = (provider: ProviderName, n: number) => {
    const { prediction } = chanceAt(provider, n);
    const mean = prediction.mean + prediction.meanSd * normalDraw(`${args.drawKey}:${provider}`);
    return passChance(prediction, args.bar, mean, prediction.noiseSd);
  };
  const lookahead = { candidates, maxAttempts, valueOfPassUsd, priceUsd: args.priceUsd, attemptAfter: attemptNumber + 1 };
  const expectedLook = { ...lookahead, chance: expected, memo: new Map<string, number>() };
  const drawnLook = { ...lookahead, chance: drawn, memo: new Map<string, number>() };
  const allowed = args.fixed !== undefined ? [args.fixed] : allowedAfter(candidates, args.previous);

  const options: ProviderOption[] = allowed.map((provider) => {
    const priceUsd = args.priceUsd(provider);
    const passChanceNow = expected(provider, attemptNumber);
    const drawnChance = drawn(provider, attemptNumber);
    return {
      provider,
      passChance: roundTo(passChanceNow, 1_000),
      drawnPassChance: roundTo(drawnChance, 1_000),
      priceUsd,
      valueUsd: roundTo(attemptValue(provider, attemptNumber, passChanceNow, expectedLook), 1_000),
      drawnValueUsd: roundTo(attemptValue(provider, attemptNumber, drawnChance, drawnLook), 1_000),
    };
  });
  if (args.repair !== undefined) options.push(repairValue(args.repair, args.previous ?? args.fixed ?? args.repair.provider, expectedLook, drawnLook));
  const worth = options.some((o) => o.valueUsd > 0);
  const pick = options.reduce<ProviderOption | undefined>((best, o) => (best === undefined || o.drawnValueUsd > best.drawnValueUsd ? o : best), undefined);
  const figures: ProviderChoiceFigures = { by: 'expected_value', valueOfPassUsd, attemptsLeft: maxAttempts - attemptNumber + 1, evidence: model.judged, options };
  if (!worth || pick === undefined) return { figures };
  return { provider: pick.provider, ...(pick.repair ? { repair: true as const } : {}), figures };
}

/**
 * A repair's worth, as a generation's: a pass, or if it fails what the attempts after it are worth
 * (they generate, not repeating the provider before the repair); less its price. No exploration
 * draw: until the repairs' record is long enough the band rule makes them (repair-value.ts).
 */
function repairValue(repair: RepairOption, previous: ProviderName, expectedLook: Lookahead, drawnLook: Lookahead): ProviderOption {
  const value = (look: Lookahead) => repair.passChance * look.valueOfPassUsd + (1 - repair.passChance) * remainingValue(look.attemptAfter, previous, look) - repair.priceUsd;
  return {
    provider: repair.provider,
    repair: true,
    passChance: roundTo(repair.passChance, 1_000),
    drawnPassChance: roundTo(repair.passChance, 1_000),
    priceUsd: repair.priceUsd,
    valueUsd: roundTo(value(expectedLook), 1_000),
    drawnValueUsd: roundTo(value(drawnLook), 1_000),
  };
}

interface Lookahead {
  candidates: readonly ProviderName[];
  /** The attempt after the one being chosen. */
  attemptAfter: number;
  maxAttempts: number;
  valueOfPassUsd: number;
  priceUsd: (provider: ProviderName) => number;
  chance: (provider: ProviderName, attemptNumber: number) => number;
  /** What the attempts from one on are worth after one provider: the same for every path there (policy.maxAttempts goes to 10). */
  memo: Map<string, number>;
}

/** An attempt's worth: a pass, or if it fails what the attempts after it are worth; less its price. */
function attemptValue(provider: ProviderName, attemptNumber: number, chance: number, look: Lookahead): number {
  return chance * look.valueOfPassUsd + (1 - chance) * remainingValue(attemptNumber + 1, provider, look) - look.priceUsd(provider);
}

/** What the attempts from `attemptNumber` on are worth, each taking the best provider or stopping (0). */
function remainingValue(attemptNumber: number, previous: ProviderName, look: Lookahead): number {
  if (attemptNumber > look.maxAttempts) return 0;
  const key = `${attemptNumber}:${previous}`;
  const known = look.memo.get(key);
  if (known !== undefined) return known;
  let best = 0;
  for (const provider of allowedAfter(look.candidates, previous)) {
    best = Math.max(best, attemptValue(provider, attemptNumber, look.chance(provider, attemptNumber), look));
  }
  look.memo.set(key, best);
  return best;
}

/** Attempts after the first do not repeat the provider before them, unless it is the only one that can make the scene. */
export function allowedAfter(candidates: readonly ProviderName[], previous: ProviderName | undefined): ProviderName[] {
  const others = candidates.filter((p) => p !== previous);
  return others.length > 0 ? others : [...candidates];
}
