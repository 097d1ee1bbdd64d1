import type { ProviderChoiceFigures } from '../domain/regeneration';

const usd = (value: number) => `${value < 0 ? '−' : ''}$${Math.abs(value).toFixed(2)}`;

/**
 * Why a round stopped `not_worth_trying`, with the figures behind it, in the words the review
 * page and the escalation show: what a pass saves, and per provider its chance, price and value.
 */
export function notWorthTryingMessage(figures: ProviderChoiceFigures): string {
  const attempts = figures.attemptsLeft === 1 ? '1 attempt left' : `${figures.attemptsLeft} attempts left`;
  const options = figures.options
    .map((o) => `${o.provider} ${Math.round(o.passChance * 100)} % to pass at ${usd(o.priceUsd)}, worth ${usd(o.valueUsd)}`)
    .join('; ');
  return `no attempt left is worth its price (a pass saves a ${usd(figures.valueOfPassUsd)} review; ${attempts}; learned from ${figures.evidence} judged attempts): ${options}`;
}
