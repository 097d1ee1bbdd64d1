import { PROVIDER_NAMES, type ProviderName } from '../domain/provider';
import type { RuleUsage } from './scenario-book';

export interface ProviderCalls {
  /** Generation requests that passed auth and validation, faulted ones included. */
  submissions: number;
  /** Task status reads (PiAPI and Runway task GETs, fal status and result GETs). */
  polls: number;
  /** Output file downloads, expired ones included. */
  downloads: number;
  cancels: number;
  /** Webhook callbacks sent when a task created with one ended (PiAPI, fal). */
  callbacks: number;
  /** Of those, the ones that got no 2xx answer. */
  callbackFailures: number;
  /** Submissions answered with a scripted fault. */
  faults: number;
  /** Most tasks of this provider running at once: what a provider's concurrency cap would see. */
  peakInFlight: number;
}

export interface SimCalls {
  providers: Record<ProviderName, ProviderCalls>;
  /** Messages API requests that passed auth and validation, faulted ones included. */
  analyses: number;
  analysisFaults: number;
  /** Messages API requests forcing record_preference (a pairwise judgment); not in `analyses`. */
  pairwise: number;
  rules: Record<string, RuleUsage>;
}

export class CallCounts {
  private providers = emptyProviders();
  private analyses = 0;
  private analysisFaults = 0;
  private pairwise = 0;

  count(provider: ProviderName, what: Exclude<keyof ProviderCalls, 'peakInFlight'>): void {
    this.providers[provider][what] += 1;
  }

  /** Called at each new task: the number running can only reach a new peak then. */
  noteInFlight(provider: ProviderName, running: number): void {
    const calls = this.providers[provider];
    calls.peakInFlight = Math.max(calls.peakInFlight, running);
  }

  countAnalysis(faulted: boolean): void {
    this.analyses += 1;
    if (faulted) this.analysisFaults += 1;
  }

  countPairwise(): void {
    this.pairwise += 1;
  }

  reset(): void {
    this.pairwise = 0;
    this.providers = emptyProviders();
    this.analyses = 0;
    this.analysisFaults = 0;
  }

  snapshot(rules: Record<string, RuleUsage>): SimCalls {
    const providers = Object.fromEntries(
      Object.entries(this.providers).map(([name, calls]) => [name, { ...calls }]),
    ) as Record<ProviderName, ProviderCalls>;
    return { providers, analyses: this.analyses, analysisFaults: this.analysisFaults, pairwise: this.pairwise, rules };
  }
}

function emptyProviders(): Record<ProviderName, ProviderCalls> {
  return Object.fromEntries(
    PROVIDER_NAMES.map((name) => [name, {
      submissions: 0,
      polls: 0,
      downloads: 0,
      cancels: 0,
      callbacks: 0,
      callbackFailures: 0,
      faults: 0,
      peakInFlight: 0,
    }]),
  ) as Record<ProviderName, ProviderCalls>;
}
