import { MAX_CANDIDATES, type RegenerationPolicy } from '../domain/policy';
import type { ProviderName } from '../domain/provider';
import type { CandidatesWhy, ProviderChoiceFigures } from '../domain/regeneration';
import { roundUsd } from '../catalog/cost';
import { improvedPrompt, type PromptInput } from './prompt';

/**
 * SPEC.md "Repair and candidates": an attempt makes `policy.candidates` candidates at once and
 * keeps the best; with `policy.deadline`, the attempt the time left allows only one of makes as
 * many as the budget allows, up to MAX_CANDIDATES. Money for time: candidates run side by side,
 * so they cost several generations and take the wall-clock of one.
 */

export interface CandidateCount {
  /** 0: not even one fits the budget (the attempt is refused as any other would be). */
  count: number;
  why: CandidatesWhy;
}

/**
 * Whether the deadline leaves time for only one more attempt: less than two attempts' time is
 * left (or the deadline has passed, when the one attempt is the round's last chance to be quick).
 * `attemptMs` is the longest the attempt's generation may take (src/rules/generation-wait.ts):
 * the round cannot count on a provider being quicker than its own deadline.
 */
export function onlyOneAttemptLeft(deadline: string | undefined, nowMs: number, attemptMs: number): boolean {
  if (deadline === undefined) return false;
  return Date.parse(deadline) - nowMs < 2 * attemptMs;
}

/** How many candidates the attempt asks for before the budget is asked: the policy's, or all it may at a deadline. */
export function wantedCandidates(input: { policy: Pick<RegenerationPolicy, 'candidates' | 'deadline'>; nowMs: number; attemptMs: number }): CandidateCount {
  const { policy } = input;
  if (onlyOneAttemptLeft(policy.deadline, input.nowMs, input.attemptMs)) return { count: MAX_CANDIDATES, why: 'deadline' };
  return { count: Math.min(MAX_CANDIDATES, Math.max(1, Math.floor(policy.candidates ?? 1))), why: 'policy' };
}

/**
 * As many of the wanted candidates as `roomUsd` (what a budget has left; undefined: no budget)
 * holds, candidate 1 first, every one's expected price (`pricesUsd`, one per candidate) counted
 * before any starts. Fewer than the policy asked for is recorded as `budget`; a deadline's "as
 * many as the budget allows" stays `deadline`.
 */
export function candidatesThatFit(wanted: CandidateCount, pricesUsd: readonly number[], roomUsd: number | undefined): CandidateCount {
  const most = Math.min(wanted.count, pricesUsd.length);
  let count = 0;
  // Reaching a budget exactly is within it (src/rules/budget.ts), so cents are compared, not floats.
  while (count < most && (roomUsd === undefined || heldUsd(pricesUsd, count + 1) <= roundUsd(roomUsd))) count++;
  if (count === wanted.count) return wanted;
  return { count, why: wanted.why === 'deadline' || count === 0 ? wanted.why : 'budget' };
}

/** What the first `count` candidates hold together. */
export function heldUsd(pricesUsd: readonly number[], count: number): number {
  return roundUsd(pricesUsd.slice(0, count).reduce((sum, price) => sum + price, 0));
}

/**
 * The provider of each candidate, candidate 1 first: the attempt's own provider, then the others
 * the choice ranked next and the breakers let through, each once; when there are fewer of those
 * than candidates, the list starts again (those candidates differ by their prompt).
 */
export function candidateProviders(first: ProviderName, others: readonly ProviderName[], count: number): ProviderName[] {
  const distinct = [first, ...new Set(others.filter((p) => p !== first))];
  return Array.from({ length: count }, (_, index) => distinct[index % distinct.length]);
}

/**
 * The order the other candidates' providers are taken in: the learned choice's, by expected value
 * (the best few providers of the choice), when it chose; else the static map's fallback order.
 * Providers the choice did not weigh keep their place after those it did.
 */
export function candidateOrder(usable: readonly ProviderName[], choice: ProviderChoiceFigures | undefined): ProviderName[] {
  if (choice === undefined) return [...usable];
  const value = new Map(choice.options.map((o) => [o.provider, o.valueUsd]));
  const weighed = usable.filter((p) => value.has(p)).sort((a, b) => value.get(b)! - value.get(a)!);
  return [...weighed, ...usable.filter((p) => !value.has(p))];
}

/**
 * The prompt of each candidate (SPEC.md "Improved prompt for an attempt", same fix phrases): a
 * provider's first candidate gets the attempt's prompt; its second one is built on the other base
 * the rule knows (the judge's improved prompt where the attempt's is on the visual direction, and
 * the reverse), so two candidates of one provider ask for two takes. A person's prompt is never
 * swapped for another base: its candidates differ only by the provider's own randomness.
 * `maxLengthOf` is each provider's limit (src/catalog/prompt-limit.ts).
 */
export function candidatePrompts(input: PromptInput, providers: readonly ProviderName[], maxLengthOf: (provider: ProviderName) => number): string[] {
  const seen = new Map<ProviderName, number>();
  return providers.map((provider) => {
    const take = seen.get(provider) ?? 0;
    seen.set(provider, take + 1);
    const maxLength = maxLengthOf(provider);
    const bases = promptBases(input);
    // improvedPrompt builds on personPrompt when one is given: here it carries the chosen base.
    return improvedPrompt({ ...input, maxLength, ...(take === 0 ? {} : { personPrompt: bases[take % bases.length] }) });
  });
}

/** The bases a candidate's prompt may stand on, the attempt's own first. */
function promptBases(input: PromptInput): string[] {
  if (input.personPrompt !== undefined) return [input.personPrompt];
  const judges = input.analysis.improvedPrompt;
  const own = input.attemptNumber === 1 && judges ? judges : input.visualDirection;
  const other = own === input.visualDirection ? judges : input.visualDirection;
  return other && other !== own ? [own, other] : [own];
}
