import assert from 'node:assert/strict';
import { splitBenchArgs } from '../../bench/support/bench-args';
import { noiseSpec, parseQualityArgs, QUALITY_DEFAULTS, QualityArgsError } from '../../bench/support/quality-args';
import { EXACT_JUDGE, REALISTIC_JUDGE } from '../../src/sim/judge/judge-settings';

describe('bench: the quality benchmark reads its flags', () => {
  it('defaults to 8 seed sets from seed 1, 300 scenes, the realistic judge, text output', () => {
    assert.deepEqual(parseQualityArgs([]), { seed: 1, seeds: 8, scenes: 300, noise: REALISTIC_JUDGE, json: false });
    assert.equal(noiseSpec(QUALITY_DEFAULTS.noise), 'persistent=8,call=3,rho=0.5,pairwise=0.8,position=0.05');
  });

  it('reads each flag, as --name value or --name=value', () => {
    const args = parseQualityArgs(['--seed', '5', '--seeds=4', '--scenes', '70', '--json', '--noise', 'persistent=8,call=3,rho=0.5,pairwise=0.8,position=0.05']);
    assert.deepEqual(args, { seed: 5, seeds: 4, scenes: 70, noise: REALISTIC_JUDGE, json: true });
    assert.deepEqual(parseQualityArgs(['--noise=pairwise=1,position=0']).noise, { ...REALISTIC_JUDGE, pairwiseAccuracy: 1, firstPositionBias: 0 });
  });

  it('keeps the realistic judge for what --noise leaves out; a leading exact starts from the exact judge', () => {
    assert.deepEqual(parseQualityArgs(['--noise', 'call=0']).noise, { ...REALISTIC_JUDGE, callSigma: 0 });
    assert.deepEqual(parseQualityArgs(['--noise', 'exact,rho=0.9']).noise, { ...EXACT_JUDGE, viewCorrelation: 0.9 });
    assert.deepEqual(parseQualityArgs(['--noise', 'realistic']).noise, REALISTIC_JUDGE);
  });

  it('refuses what it cannot read, naming the flag', () => {
    const cases: [string[], RegExp][] = [
      [['--seeds', '0'], /--seeds must be a whole number ≥ 1, got "0"/],
      [['--seeds', '2.5'], /--seeds must be a whole number/],
      [['--seed', '-1'], /--seed must be a whole number ≥ 0, got "-1"/],
      [['--seed', 'x'], /--seed must be a whole number ≥ 0, got "x"/],
      [['--seeds'], /--seeds needs a value/],
      [['--seeds', '--json'], /--seeds needs a value/],
      [['--noise', 'pairwise=0.3'], /--noise: judge settings: pairwiseAccuracy must be a number from 0.5 to 1/],
      [['--noise', 'loud=3'], /--noise: judge settings: "loud=3" is not name=value/],
      [['--json=yes'], /--json takes no value/],
      [['--sedes', '4'], /unknown argument "--sedes"/],
      [['4'], /unknown argument "4"/],
    ];
    for (const [argv, message] of cases) assert.throws(() => parseQualityArgs(argv), (error: unknown) => error instanceof QualityArgsError && message.test(error.message), argv.join(' '));
  });
});

describe('bench: npm run bench passes a benchmark its flags', () => {
  it('takes names up to the first --flag and passes the rest on unread', () => {
    assert.deepEqual(splitBenchArgs(['quality', '--seeds', '4']), { names: ['quality'], flags: ['--seeds', '4'] });
    assert.deepEqual(splitBenchArgs(['quality', 'cache']), { names: ['quality', 'cache'], flags: [] });
    assert.deepEqual(splitBenchArgs([]), { names: [], flags: [] });
    assert.deepEqual(splitBenchArgs(['--json']), { names: [], flags: ['--json'] });
  });
});
