import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import type { Command, Reply } from './embedded-process';

const ROOT = path.resolve(__dirname, '../../..');

/** A second process on the embedded database, driven one command at a time. */
export class EmbeddedChild {
  private readonly child: ChildProcess;
  private readonly replies: ((reply: Reply) => void)[] = [];
  private stderr = '';
  private exited = false;

  constructor() {
    this.child = spawn(process.execPath, ['-r', 'ts-node/register', 'test/db/support/embedded-process.ts'], {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    readline.createInterface({ input: this.child.stdout! }).on('line', (line) => {
      this.replies.shift()?.(JSON.parse(line) as Reply);
    });
    this.child.on('exit', (code) => {
      this.exited = true;
      for (const reply of this.replies.splice(0)) reply({ ok: false, error: `exited with ${code}: ${this.stderr}` });
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** The command's result; rejects with the child's error message. */
  async send(command: Command): Promise<unknown> {
    if (this.exited) throw new Error(`The child has exited: ${this.stderr}`);
    const reply = await new Promise<Reply>((resolve) => {
      this.replies.push(resolve);
      this.child.stdin!.write(`${JSON.stringify(command)}\n`);
    });
    if (!reply.ok) throw new Error(reply.error);
    return reply.result;
  }

  /** Ends stdin (the child closes its database) and waits for the exit; kills it after `ms`. */
  async stop(ms = 20_000): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin!.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), ms);
    await exited;
    clearTimeout(timer);
  }
}
