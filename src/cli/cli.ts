import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { Client } from '@temporalio/client';
import { checkSceneAssetInput, checkStoryboard, normalProviderName } from '../domain/input-checks';
import { isProviderName, PROVIDER_NAMES } from '../domain/provider';
import type { Checked } from '../domain/shape-check';
import { cancel, CommandError, decide, showRegenerationState } from './operator-commands';
import { startSceneAsset, startStoryboard } from '../temporal/scene-pipeline';

const USAGE = `Usage: client <command>

  start-scene <scene.json>             start the pipeline step for one scene (a SceneAssetInput)
  start-storyboard <storyboard.json>   start one pipeline step per scene of { project, policy?, scenes }
  state <sceneId>                      print where the scene's latest regeneration round stands
  decide <sceneId> approve [--attempt N [--candidate C]] --reviewer NAME [--note TEXT]
  decide <sceneId> reject --reviewer NAME [--note TEXT]
  decide <sceneId> regenerate [--prompt TEXT] [--provider NAME] --reviewer NAME [--note TEXT]
  cancel <sceneId>                     cancel the scene's running round (it closes its queue entry
                                       and gives the scene back its status from before the round)

Connects as Temporal's environment configuration says (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE,
TEMPORAL_API_KEY, TEMPORAL_TLS_*, or a temporal.toml profile: TEMPORAL_PROFILE), on
TEMPORAL_TASK_QUEUE.`;

export interface CliDeps {
  /** Called only by commands that need Temporal, so usage errors never wait on a connection. */
  client: () => Promise<Client>;
  taskQueue: string;
  print: (text: string) => void;
  /** Where refusals go, apart from results a script may parse. */
  printError: (text: string) => void;
}

/** Runs one command; resolves to the process exit code. */
export async function runCli(argv: readonly string[], deps: CliDeps): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'start-scene': {
        const [file] = positionals(rest, 1, 'start-scene <scene.json>');
        const input = await readJsonFile(file, checkSceneAssetInput);
        printJson(deps, await startSceneAsset(await deps.client(), deps.taskQueue, input));
        return 0;
      }
      case 'start-storyboard': {
        const [file] = positionals(rest, 1, 'start-storyboard <storyboard.json>');
        const storyboard = await readJsonFile(file, checkStoryboard);
        printJson(deps, await startStoryboard(await deps.client(), deps.taskQueue, storyboard));
        return 0;
      }
      case 'state': {
        const [id] = positionals(rest, 1, 'state <sceneId>');
        const sceneId = sceneIdArgument(id);
        printJson(deps, await showRegenerationState(await deps.client(), sceneId));
        return 0;
      }
      case 'decide': {
        const { sceneId, decision } = decisionArguments(rest);
        printJson(deps, await decide(await deps.client(), sceneId, decision));
        return 0;
      }
      case 'cancel': {
        const [id] = positionals(rest, 1, 'cancel <sceneId>');
        const sceneId = sceneIdArgument(id);
        printJson(deps, await cancel(await deps.client(), sceneId));
        return 0;
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        if (command === undefined) {
          deps.printError(USAGE);
          return 2;
        }
        deps.print(USAGE);
        return 0;
      default:
        throw new CommandError(`Unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof CommandError || isArgumentError(error)) {
      deps.printError(`error: ${(error as Error).message}`);
      return 2;
    }
    throw error;
  }
}

function decisionArguments(args: string[]): { sceneId: number; decision: Record<string, unknown> } {
  const { values, positionals: given } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      attempt: { type: 'string' },
      candidate: { type: 'string' },
      prompt: { type: 'string' },
      provider: { type: 'string' },
      note: { type: 'string' },
      reviewer: { type: 'string' },
    },
  });
  if (given.length !== 2) throw new CommandError('Usage: decide <sceneId> approve|reject|regenerate --reviewer NAME');
  const [id, action] = given;
  if (!['approve', 'reject', 'regenerate'].includes(action)) {
    throw new CommandError(`Unknown decision "${action}": approve, reject or regenerate`);
  }
  if (!values.reviewer) throw new CommandError('--reviewer NAME is required: every decision records who made it');
  const onlyFor = (option: string, allowed: string): void => {
    if (values[option as keyof typeof values] !== undefined && action !== allowed) {
      throw new CommandError(`--${option} only goes with ${allowed}`);
    }
  };
  onlyFor('attempt', 'approve');
  onlyFor('candidate', 'approve');
  onlyFor('prompt', 'regenerate');
  onlyFor('provider', 'regenerate');
  const decision: Record<string, unknown> = { action, reviewer: values.reviewer };
  if (values.note !== undefined) decision.note = values.note;
  if (values.attempt !== undefined) {
    if (!/^\d{1,3}$/.test(values.attempt)) throw new CommandError('--attempt must be an attempt number (0 = the asset from before the round)');
    decision.attemptNumber = Number(values.attempt);
  }
  if (values.candidate !== undefined) {
    // The decision's own check says what else a candidate needs (its attempt, at most 4).
    if (!/^\d{1,2}$/.test(values.candidate)) throw new CommandError('--candidate must be a candidate number (1 = the first of the attempt)');
    decision.candidate = Number(values.candidate);
  }
  if (values.prompt !== undefined) decision.customPrompt = values.prompt;
  if (values.provider !== undefined) {
    const provider = normalProviderName(values.provider);
    if (!isProviderName(provider)) {
      throw new CommandError(`--provider must be one of ${PROVIDER_NAMES.join(', ')}`);
    }
    decision.provider = provider;
  }
  return { sceneId: sceneIdArgument(id), decision };
}

function positionals(args: string[], count: number, usage: string): string[] {
  const { positionals: given } = parseArgs({ args, allowPositionals: true, options: {} });
  if (given.length !== count) throw new CommandError(`Usage: ${usage}`);
  return given;
}

function sceneIdArgument(text: string): number {
  const id = Number(text);
  if (!/^[1-9]\d{0,9}$/.test(text) || id > 2_147_483_647) throw new CommandError(`"${text}" is not a scene id`);
  return id;
}

async function readJsonFile<T>(file: string, check: (raw: unknown) => Checked<T>): Promise<T> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CommandError(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CommandError(`${file} is not JSON: ${(error as Error).message}`);
  }
  const checked = check(json);
  if (!checked.ok) throw new CommandError(`${file} does not fit: ${checked.problems.join('; ')}`);
  return checked.value;
}

function printJson(deps: CliDeps, value: unknown): void {
  deps.print(JSON.stringify(value, null, 2));
}

/** parseArgs reports unknown options and missing values with these codes. */
function isArgumentError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}
