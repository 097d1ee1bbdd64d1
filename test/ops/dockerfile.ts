import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './compose-file';

export interface DockerInstruction {
  keyword: string;
  args: string;
}

/** The Dockerfile's instructions, comments dropped and `\` continuations joined, as Docker reads them. */
export function readDockerfile(file = path.join(ROOT, 'Dockerfile')): DockerInstruction[] {
  const logical: string[] = [];
  let pending = '';
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#') || (line === '' && pending === '')) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    logical.push(pending + line);
    pending = '';
  }
  if (pending !== '') logical.push(pending);
  return logical
    .filter((line) => line !== '')
    .map((line) => {
      const [keyword, ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}

/** The instructions of the last stage: what the image that runs is made of. */
export function finalStage(instructions: DockerInstruction[]): DockerInstruction[] {
  const lastFrom = instructions.map((instruction) => instruction.keyword).lastIndexOf('FROM');
  return instructions.slice(lastFrom);
}

/** `CMD ["npm", "run", "worker"]` (exec form) → its words. */
export function execForm(args: string): string[] {
  return JSON.parse(args) as string[];
}
