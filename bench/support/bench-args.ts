/**
 * `npm run bench -- name … --flag …`: the benchmarks' names come first; everything from the first
 * argument that starts with `--` on is the named benchmarks' own flags, passed on unread.
 */
export function splitBenchArgs(argv: readonly string[]): { names: string[]; flags: string[] } {
  const firstFlag = argv.findIndex((arg) => arg.startsWith('--'));
  return firstFlag < 0 ? { names: [...argv], flags: [] } : { names: argv.slice(0, firstFlag), flags: argv.slice(firstFlag) };
}
