import { type ChildProcess, spawn } from 'node:child_process';
import { cli } from './server-process.js';

/**
 * A real `flowlens synth` agent process against `url`, exporting every second, no health socket;
 * `stop()` sends SIGTERM (it delivers what it collected) and resolves with its exit code.
 */
export function startSynthAgent(
  url: string,
  token: string,
  name: string,
): { child: ChildProcess; stderr: () => string; stop: () => Promise<number | null> } {
  const child = spawn(
    process.execPath,
    [
      cli,
      'synth',
      '--server',
      url,
      '--token',
      token,
      '--name',
      name,
      '--export-interval-s',
      '1',
      '--poll-interval-s',
      '1',
      '--status-interval-s',
      '1',
      '--health-port',
      '0',
      '--log-format',
      'json',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return {
    child,
    stderr: () => stderr,
    stop: () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
