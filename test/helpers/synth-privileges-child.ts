/**
 * Run by test/synth-privileges.test.ts in a child process (a privilege drop cannot be undone):
 * opens the ICMP engine, then, per the mode, drops to a user (`drop USER`) or not (`keep`: run
 * by the test under setpriv with or without CAP_NET_RAW); then tries to open one more raw socket
 * and pings 127.0.0.1 and ::1 through the engine's sockets. Prints a JSON report.
 */
import { IcmpEngine } from '../../src/synth/icmp/engine.js';
import { openNativeIcmpSocket } from '../../src/synth/icmp/native-socket.js';
import { dropPrivileges } from '../../src/synth/icmp/privileges.js';
import { createPingProbe } from '../../src/synth/ping.js';

const [mode, user] = process.argv.slice(2);
const engine = IcmpEngine.open();
const report: Record<string, unknown> = {
  euidAtOpen: process.geteuid!(),
  opened: { v4: engine.available(4), v6: engine.available(6) },
  openError: engine.unavailableReason(4),
};
try {
  if (mode === 'drop') report.droppedTo = dropPrivileges(user!);
} catch (err) {
  report.dropError = (err as Error).message;
}
report.euid = process.geteuid!();
report.egid = process.getegid!();
report.groups = process.getgroups!();
try {
  openNativeIcmpSocket(
    4,
    () => {},
    () => {},
  ).close();
  report.newSocket = 'opened';
} catch (err) {
  report.newSocket = (err as Error).message;
}
const ping = createPingProbe(engine);
const spec = {
  id: 'p',
  type: 'ping',
  intervalS: 0,
  timeoutMs: 1000,
  count: 3,
  packetIntervalMs: 10,
  size: 56,
} as const;
const signal = new AbortController().signal;
const [v4, v6] = [
  await ping.run({ ...spec, target: '127.0.0.1' }, signal),
  await ping.run({ ...spec, target: '::1' }, signal),
];
report.ping = {
  v4: { received: v4.received, error: v4.error },
  v6: { received: v6.received, error: v6.error },
};
engine.close();
process.stdout.write(`${JSON.stringify(report)}\n`);
