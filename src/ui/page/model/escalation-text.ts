/** Why a round waits for a person, in the page's words; a reason it does not know is shown as stored. */
export function describeEscalationReason(reason: string): string {
  switch (reason) {
    case 'auto_regeneration_failed':
      return 'automatic regeneration did not reach the bar';
    case 'budget_exhausted':
      return 'the budget ran out: another attempt would have cost more than the round or the project may spend';
    case 'providers_unavailable':
      return 'no provider could take the next attempt: every one that can make the scene was resting after failures (circuit breaker) for longer than the attempt may wait';
    case 'not_worth_trying':
      return 'no attempt left was worth its price: judging by the recorded attempts, the chance of a pass, times the review it would save, was less than what an attempt costs';
    default:
      return reason;
  }
}

/** The reason as a tag on a queue card; the usual reason (the attempts did not reach the bar) goes unsaid. */
export function escalationTag(reason: string): string | undefined {
  switch (reason) {
    case 'auto_regeneration_failed':
      return undefined;
    case 'budget_exhausted':
      return 'budget ran out';
    case 'providers_unavailable':
      return 'providers unavailable';
    case 'not_worth_trying':
      return 'not worth trying';
    default:
      return reason;
  }
}
