import assert from 'node:assert/strict';
import { checkRegenerateSceneInput } from '../../src/domain/input-checks';
import { expectedAttemptUsd, judgmentEstimateUsd, mayStartAttempt, type BudgetState } from '../../src/rules/budget';
import { sceneInput } from '../helpers/scenes';

describe('rules: the budget before an attempt', () => {
  const base: BudgetState = { roundSpentUsd: 0, projectSpentUsd: 0, expectedUsd: 0.5 };
  const cases: [string, Partial<BudgetState>, 'start' | 'round' | 'project'][] = [
    ['no budget at all', {}, 'start'],
    ['a round budget with room', { maxCostUsd: 2, roundSpentUsd: 1 }, 'start'],
    ['a round budget reached exactly', { maxCostUsd: 1.5, roundSpentUsd: 1 }, 'start'],
    ['a round budget a cent short', { maxCostUsd: 1.49, roundSpentUsd: 1 }, 'round'],
    ['a round budget smaller than one attempt', { maxCostUsd: 0.4 }, 'round'],
    ['float sums do not miss a budget by a rounding error', { maxCostUsd: 0.6, roundSpentUsd: 0.1, expectedUsd: 0.5 }, 'start'],
    ['a project budget with room', { projectBudgetUsd: 10, projectSpentUsd: 9 }, 'start'],
    ['a project budget spent', { projectBudgetUsd: 10, projectSpentUsd: 9.6 }, 'project'],
    ['the round is checked before the project', { maxCostUsd: 0.1, projectBudgetUsd: 0.1 }, 'round'],
    ['a round within budget still stops at the project', { maxCostUsd: 5, projectBudgetUsd: 3, projectSpentUsd: 2.8 }, 'project'],
    ['what attempts under way hold counts beside what was spent', { projectBudgetUsd: 10, projectSpentUsd: 9, projectHeldUsd: 0.6 }, 'project'],
    ['holds that leave room', { projectBudgetUsd: 10, projectSpentUsd: 9, projectHeldUsd: 0.5 }, 'start'],
  ];
  for (const [name, state, expected] of cases) {
    it(`${name}: ${expected === 'start' ? 'the attempt starts' : `stopped by the ${expected}`}`, () => {
      const verdict = mayStartAttempt({ ...base, ...state });
      assert.equal(verdict.start ? 'start' : verdict.exceeded, expected);
    });
  }

  it('a stop says what was spent, of what, and what the next attempt may cost', () => {
    const verdict = mayStartAttempt({ ...base, maxCostUsd: 1, roundSpentUsd: 0.75 });
    assert.equal(verdict.start, false);
    assert.equal(!verdict.start && verdict.message, 'the round spent $0.75 of its $1.00; the next attempt may cost $0.50');
    const held = mayStartAttempt({ ...base, projectBudgetUsd: 2, projectSpentUsd: 1, projectHeldUsd: 0.62 });
    assert.equal(!held.start && held.message, 'the project spent $1.00 (and attempts under way hold $0.62) of its $2.00; the next attempt may cost $0.50');
  });

  it('a judgment is priced at the dearest model: 8,000 tokens in, 800 out at $5 / $25 per million', () => {
    assert.equal(judgmentEstimateUsd(), 0.06);
  });

  const prices: [string, Parameters<typeof expectedAttemptUsd>[0], number][] = [
    ['kling 5 s, one judgment', { provider: 'kling', kind: 'video', durationSeconds: 5, judgments: 1 }, 0.26],
    ['kling 5 s, three judgments', { provider: 'kling', kind: 'video', durationSeconds: 5, judgments: 3 }, 0.38],
    ['kling 6 s, billed as its 10 s clip', { provider: 'kling', kind: 'video', durationSeconds: 6, judgments: 1 }, 0.46],
    ['runway 4.5 s, billed as 5 s', { provider: 'runway', kind: 'video', durationSeconds: 4.5, judgments: 1 }, 0.66],
    ['runway 5 s video', { provider: 'runway', kind: 'video', durationSeconds: 5, judgments: 3 }, 0.78],
    ['runway image', { provider: 'runway', kind: 'image', durationSeconds: 0, judgments: 3 }, 0.23],
    ['hailuo, priced per clip ($0.23 for v2.3 768p 6 s)', { provider: 'hailuo', kind: 'video', durationSeconds: 5, judgments: 3 }, 0.41],
    ['kling 5 s, three judgments and a pairwise comparison', { provider: 'kling', kind: 'video', durationSeconds: 5, judgments: 3, comparisons: 1 }, 0.62],
    ['no comparison counts nothing', { provider: 'kling', kind: 'video', durationSeconds: 5, judgments: 3, comparisons: 0 }, 0.38],
    ['fal image', { provider: 'falai', kind: 'image', durationSeconds: 0, judgments: 1 }, 0.063],
  ];
  for (const [name, attempt, usd] of prices) {
    it(`expected price, ${name}: $${usd}`, () => assert.equal(expectedAttemptUsd(attempt), usd));
  }
});

describe('input checks: budgets', () => {
  const problems = (input: unknown) => {
    const checked = checkRegenerateSceneInput(input);
    return checked.ok ? [] : checked.problems;
  };
  it('takes a positive policy.maxCostUsd and project.budgetUsd', () => {
    assert.deepEqual(problems(sceneInput({}, { policy: { maxCostUsd: 1.5 }, project: { id: 7, budgetUsd: 100 } })), []);
  });
  for (const value of [0, -1, 'ten']) {
    it(`refuses policy.maxCostUsd ${JSON.stringify(value)} and project.budgetUsd ${JSON.stringify(value)}`, () => {
      const found = problems(sceneInput({}, { policy: { maxCostUsd: value as number }, project: { id: 7, budgetUsd: value as number } }));
      assert.equal(found.length, 2, found.join('; '));
      assert.match(found.join('; '), /policy\.maxCostUsd/);
      assert.match(found.join('; '), /project\.budgetUsd/);
    });
  }
});
