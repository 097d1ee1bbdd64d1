import { parseJudgeSpec, REALISTIC_JUDGE, type JudgeSettings } from '../../src/sim/judge/judge-settings';

/** What `npm run bench -- quality [flags]` runs. */
export interface QualityArgs {
  /** The first seed set's number; the sets are seed, seed + 1, … (`--seed N`). */
  seed: number;
  /** How many seed sets every figure is measured over, printed as mean ± sd (`--seeds K`). */
  seeds: number;
  /** Scenes in the storyboard (`--scenes N`). */
  scenes: number;
  /** The simulated judge (`--noise persistent=8,call=3,rho=0.5,pairwise=0.8,position=0.05`). */
  noise: JudgeSettings;
  /** One summary object on the last line (`--json`). */
  json: boolean;
}

export const QUALITY_DEFAULTS: Readonly<QualityArgs> = { seed: 1, seeds: 8, scenes: 300, noise: REALISTIC_JUDGE, json: false };

export const QUALITY_USAGE =
  'usage: npm run bench -- quality [--seed N] [--seeds K] [--scenes N] [--noise persistent=8,call=3,rho=0.5,pairwise=0.8,position=0.05] [--json]';

export class QualityArgsError extends Error {
  override readonly name = 'QualityArgsError';
}

/**
 * Reads the quality bench's flags (`--name value` or `--name=value`). `--noise` names only what
 * differs: the names it leaves out keep the realistic judge's values (a leading `exact` starts
 * from the exact judge instead). Anything unknown or out of range is refused with the usage.
 */
export function parseQualityArgs(argv: readonly string[]): QualityArgs {
  const args: QualityArgs = { ...QUALITY_DEFAULTS };
  for (let index = 0; index < argv.length; index++) {
    const [flag, inline] = splitFlag(argv[index]);
    if (flag === '--json') {
      if (inline !== undefined) throw new QualityArgsError(`--json takes no value. ${QUALITY_USAGE}`);
      args.json = true;
      continue;
    }
    if (!['--seed', '--seeds', '--scenes', '--noise'].includes(flag)) throw new QualityArgsError(`unknown argument "${argv[index]}". ${QUALITY_USAGE}`);
    const value = inline ?? argv[++index];
    if (value === undefined || value.startsWith('--')) throw new QualityArgsError(`${flag} needs a value. ${QUALITY_USAGE}`);
    if (flag === '--noise') args.noise = noiseOf(value);
    else if (flag === '--seed') args.seed = wholeNumber(flag, value, 0);
    else if (flag === '--seeds') args.seeds = wholeNumber(flag, value, 1);
    else args.scenes = wholeNumber(flag, value, 1);
  }
  return args;
}

function splitFlag(arg: string): [string, string | undefined] {
  const equals = arg.indexOf('=');
  return equals < 0 ? [arg, undefined] : [arg.slice(0, equals), arg.slice(equals + 1)];
}

function wholeNumber(flag: string, value: string, min: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min) throw new QualityArgsError(`${flag} must be a whole number ≥ ${min}, got "${value}"`);
  return n;
}

function noiseOf(spec: string): JudgeSettings {
  const first = spec.split(',')[0].trim();
  try {
    return parseJudgeSpec(first === 'exact' || first === 'realistic' ? spec : `realistic,${spec}`);
  } catch (error) {
    throw new QualityArgsError(`--noise: ${(error as Error).message}`);
  }
}

/** The judge as `--noise` writes it, so a printed run can be repeated. */
export function noiseSpec(noise: JudgeSettings): string {
  return `persistent=${noise.persistentSigma},call=${noise.callSigma},rho=${noise.viewCorrelation},pairwise=${noise.pairwiseAccuracy},position=${noise.firstPositionBias}`;
}
