/**
 * What a provider refuses, kept as data: one row per model (or endpoint) with the document it
 * comes from. The same rows shape the adapters' requests (sizes clamped, durations snapped,
 * prompts cut) and make the simulator refuse what the real API refuses, so a limit has one home.
 * These modules import nothing but each other: the workflow bundle may use them.
 */

/** Why a request breaks a rule: the field (dotted path in the body) and the API's kind of message. */
export interface RuleViolation {
  field: string;
  message: string;
}

/** Prompt lengths are counted in UTF-16 code units, as JavaScript strings are (Runway documents this unit). */
export function promptLength(prompt: string): number {
  return prompt.length;
}

/** The closest allowed number at or above `wanted` (the longest one when none is long enough). */
export function snapUp(wanted: number, allowed: readonly number[]): number {
  const sorted = [...allowed].sort((a, b) => a - b);
  return sorted.find((value) => value >= wanted) ?? sorted[sorted.length - 1];
}
