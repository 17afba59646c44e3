import net from 'node:net';
import type { Probe, TcpResult, TcpSpec } from '../contract.js';
import { RunDeadline } from './deadline.js';
import { errorCode, probeErrors } from './errors.js';
import { resolveTarget } from './resolve.js';

/** Milliseconds from starting the connect to the socket being connected; settles, never rejects. */
export function timeConnect(
  address: string,
  port: number,
  deadline: RunDeadline,
): Promise<{ readonly ms: number; readonly error: string }> {
  return new Promise((resolve) => {
    const start = performance.now();
    const socket = net.connect({ host: address, port, noDelay: true });
    let done = false;
    const finish = (error: string) => {
      if (done) return;
      done = true;
      deadline.signal.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve({ ms: error === '' ? performance.now() - start : Number.NaN, error });
    };
    const onAbort = () => finish(deadline.code);
    socket.once('connect', () => finish(''));
    socket.on('error', (err) => finish(errorCode(err)));
    if (deadline.signal.aborted) onAbort();
    else deadline.signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** TCP connect: latency to the connected state (the SYN/SYN-ACK round trip plus the kernel's work). */
export const tcpProbe: Probe<TcpSpec, TcpResult> = {
  async run(spec, signal) {
    const time = Date.now();
    const base = { testId: spec.id, type: 'tcp' as const, target: spec.target, time };
    if (!Number.isInteger(spec.port) || spec.port < 1 || spec.port > 65_535)
      return { ...base, address: '', ok: false, error: probeErrors.badSpec, latencyMs: Number.NaN };
    const deadline = new RunDeadline(spec.timeoutMs, signal);
    try {
      const resolved = await resolveTarget(spec.target, spec.family, deadline);
      if ('error' in resolved)
        return { ...base, address: '', ok: false, error: resolved.error, latencyMs: Number.NaN };
      const { ms, error } = await timeConnect(resolved.address, spec.port, deadline);
      return { ...base, address: resolved.address, ok: error === '', error, latencyMs: ms };
    } finally {
      deadline.dispose();
    }
  },
};
