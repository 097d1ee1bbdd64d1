import fs from 'node:fs';

/** Where the process that owns the embedded database serves it to the others. */
export interface EmbeddedAddress {
  pid: number;
  port: number;
}

/** Written whole or not at all: a process starting meanwhile never reads half a file. */
export function publishAddress(file: string, address: EmbeddedAddress): void {
  const partial = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(partial, `${JSON.stringify(address)}\n`);
  fs.renameSync(partial, file);
}

export function readAddress(file: string): EmbeddedAddress | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { pid, port } = parsed as Record<string, unknown>;
  if (!Number.isInteger(pid) || !Number.isInteger(port)) return undefined;
  return { pid: pid as number, port: port as number };
}

/** Removes the file if it is still this process's (a successor may already have replaced it). */
export function withdrawAddress(file: string): void {
  if (readAddress(file)?.pid === process.pid) fs.rmSync(file, { force: true });
}

export function addressUrl(address: EmbeddedAddress): string {
  return `postgres://postgres@127.0.0.1:${address.port}/postgres`;
}
