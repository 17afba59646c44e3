#!/usr/bin/env node
import { commands } from './commands.js';
import { trackActiveHandles } from './debug-handles.js';

const usage = `flowlens — network flow collector and observability platform

Usage: flowlens <command> [options]

Commands:
${Object.entries(commands)
  .map(([name, cmd]) => `  ${name.padEnd(10)} ${cmd.summary}`)
  .join('\n')}

Run 'flowlens <command> --help' for a command's options.
`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version') {
    const { version } = await import('./version.js');
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  const cmd = commands[name];
  if (cmd === undefined) {
    process.stderr.write(`flowlens: unknown command '${name}'\n\n${usage}`);
    return 2;
  }
  return (await cmd.load()).run(rest);
}

const reportHandles = process.env.FLOWLENS_DEBUG_HANDLES === '1' ? trackActiveHandles() : undefined;

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    reportHandles?.();
  },
  (err: unknown) => {
    process.stderr.write(`flowlens: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
