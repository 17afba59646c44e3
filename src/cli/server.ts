// Placeholder until the command lands (same session).
export async function run(_args: string[]): Promise<number> {
  process.stderr.write('not implemented yet\n');
  return 1;
}
