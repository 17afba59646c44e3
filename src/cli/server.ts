import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createCollector } from '../ingest/collector.js';
import { DeviceStore } from '../ingest/device-store.js';
import type { LogSink } from '../ingest/error-log.js';
import { TemplateStore } from '../ingest/netflow/template-store.js';
import { CountingSink, type FlowSink, JsonLinesSink } from '../ingest/sink.js';
import { ConfigError, mergeConfig, parseConfigFile, type ServerConfig } from '../server/config.js';
import { parseServerArgs, serverUsage } from '../server/config-flags.js';

const log: LogSink = (line) => process.stderr.write(`${new Date().toISOString()} flowlens server: ${line}\n`);

/** `flowlens server`: wires config → collector → sink by hand, runs until SIGINT/SIGTERM. */
export async function run(args: string[]): Promise<number> {
  let config: ServerConfig;
  try {
    const parsed = parseServerArgs(args);
    if (parsed.help) {
      process.stdout.write(serverUsage);
      return 0;
    }
    const file =
      parsed.configFile === undefined ? {} : parseConfigFile(readText(parsed.configFile), parsed.configFile);
    config = mergeConfig(file, parsed.flags);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`flowlens server: ${err.message}\n`);
    return 2;
  }

  const data = resolve(config.data);
  mkdirSync(data, { recursive: true });
  const sink: FlowSink = config.quiet ? new CountingSink() : new JsonLinesSink(process.stdout);
  const collector = createCollector(
    {
      sink,
      log,
      templates: new TemplateStore(join(data, 'templates.json')),
      devices: new DeviceStore(join(data, 'devices.json')),
    },
    {
      listen: config.listen,
      netflowPort: config.netflowPort,
      sflowPort: config.sflowPort,
      ipfixTcpPort: config.ipfixTcpPort,
      recvBufferSize: config.recvBufferSize,
      devices: { autoRegister: config.autoRegister, devices: config.devices },
    },
  );
  await collector.start();
  const listeners = collector.describeListeners();
  log(`data directory ${data}`);
  log(listeners.length === 0 ? 'no flow listeners (every port is 0)' : `listening: ${listeners.join(', ')}`);
  log(
    `http ${config.httpPort}, postgres ${config.pgPort}, health ${config.healthPort}: configured; ` +
      'not served yet (later releases)',
  );
  log(
    `${config.devices.length} configured devices; unknown exporters ${config.autoRegister ? 'auto-registered' : 'refused'}`,
  );

  const signal = await stopSignal();
  log(`${signal}: stopping`);
  await collector.stop();
  const s = collector.stats().decode;
  log(`stopped: ${s.packets} packets, ${s.flows} flows, ${collector.stats().devices.length} devices`);
  return 0;
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file ${file}: ${(err as Error).message}`);
  }
}

/** Resolves on the first SIGINT or SIGTERM, or when stdout closes (e.g. piped into `head`). */
function stopSignal(): Promise<string> {
  return new Promise((resolve) => {
    const done = (why: string) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(why);
    };
    const onInt = () => done('SIGINT');
    const onTerm = () => done('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    process.stdout.on('error', (err: NodeJS.ErrnoException) => done(`stdout ${err.code ?? err.message}`));
  });
}
