import type { AgentConfig } from '../../src/agent/config.js';
import { type AgentPipelineDeps, createAgentPipeline } from '../../src/agent/pipeline.js';
import { recordObject } from '../../src/agent/record-output.js';

export type AgentRecord = Record<string, string | number>;

/** A pipeline fed frame by frame (Ethernet by default), collecting its records as objects. */
export function agentHarness(config: Partial<AgentConfig>, deps: Omit<AgentPipelineDeps, 'sink'> = {}) {
  const records: AgentRecord[] = [];
  const pipeline = createAgentPipeline(
    {
      ...deps,
      sink: {
        write(batch) {
          for (let r = 0; r < batch.length; r++) records.push(recordObject(batch, r));
        },
      },
    },
    { timestamps: 'capture', batchRows: 1, ...config },
  );
  return {
    pipeline,
    records,
    stats: pipeline.stats,
    send(frame: Uint8Array, ms: number, linkType = 1): void {
      pipeline.onPacket(frame, 0, frame.length, ms, linkType, frame.length);
    },
  };
}

/** 2024-01-01T12:00:00Z, a minute boundary. */
export const T0 = Date.UTC(2024, 0, 1, 12, 0, 0);

export const iso = (ms: number): string => new Date(ms).toISOString();
