import type { ProviderName } from '../domain/provider';
import type { ClaudeFault, ProviderFault, ScenarioRule } from './scenario-rules';

interface RuleCounters {
  generations: number;
  analyses: number;
  /** Analyses that were answered with a verdict: the index into `scores`. */
  verdicts: number;
  submissionsByProvider: Map<ProviderName, number>;
}

export interface RuleUsage {
  generations: number;
  analyses: number;
}

/**
 * The active scenario rules and how far each one has been played. The first rule (in array
 * order) whose `match` is a case-insensitive substring of the text wins; later rules are not
 * consulted for that request.
 */
export class ScenarioBook {
  private rules: ScenarioRule[] = [];
  private counters: RuleCounters[] = [];

  replace(rules: ScenarioRule[]): void {
    this.rules = rules.map((rule) => ({ ...rule }));
    this.counters = rules.map(() => freshCounters());
  }

  clear(): void {
    this.replace([]);
  }

  list(): ScenarioRule[] {
    return this.rules.map((rule) => ({ ...rule }));
  }

  /** The first matching rule, without counting anything. */
  ruleFor(text: string): ScenarioRule | undefined {
    const index = this.find(text);
    return index === undefined ? undefined : this.rules[index];
  }

  ruleAt(index: number): ScenarioRule | undefined {
    return this.rules[index];
  }

  find(text: string): number | undefined {
    const haystack = text.toLowerCase();
    const index = this.rules.findIndex((rule) => haystack.includes(rule.match.toLowerCase()));
    return index === -1 ? undefined : index;
  }

  /** Counts one submission to `provider` and returns the fault planned for it, if any. */
  takeGenerationFault(text: string, provider: ProviderName): { fault?: ProviderFault; latencyMs?: number } {
    const index = this.find(text);
    if (index === undefined) return {};
    const rule = this.rules[index];
    const counters = this.counters[index];
    counters.generations += 1;
    const nth = counters.submissionsByProvider.get(provider) ?? 0;
    counters.submissionsByProvider.set(provider, nth + 1);
    return { fault: rule.faults?.[provider]?.[nth], latencyMs: rule.latencyMs };
  }

  /** Counts one analysis request and returns the fault planned for it, if any. */
  takeAnalysisFault(text: string): { ruleIndex?: number; fault?: ClaudeFault } {
    const index = this.find(text);
    if (index === undefined) return {};
    const counters = this.counters[index];
    const nth = counters.analyses;
    counters.analyses += 1;
    return { ruleIndex: index, fault: this.rules[index].faults?.claude?.[nth] };
  }

  /**
   * The scripted score and issues for the next verdict of a rule. Only answered verdicts move
   * along `scores`, so a faulted request followed by its retry still gets scores[0].
   */
  takeScriptedVerdict(ruleIndex: number): { score?: number; issues?: ScenarioRule['issues'] } {
    const rule = this.rules[ruleIndex];
    const counters = this.counters[ruleIndex];
    if (rule === undefined || counters === undefined) return {};
    const nth = counters.verdicts;
    counters.verdicts += 1;
    const scores = rule.scores;
    const score = scores === undefined ? undefined : scores[Math.min(nth, scores.length - 1)];
    return { score, issues: rule.issues };
  }

  usage(): Record<string, RuleUsage> {
    const usage: Record<string, RuleUsage> = {};
    this.rules.forEach((rule, index) => {
      const previous = usage[rule.match] ?? { generations: 0, analyses: 0 };
      usage[rule.match] = {
        generations: previous.generations + this.counters[index].generations,
        analyses: previous.analyses + this.counters[index].analyses,
      };
    });
    return usage;
  }
}

function freshCounters(): RuleCounters {
  return { generations: 0, analyses: 0, verdicts: 0, submissionsByProvider: new Map() };
}
