/**
 * The flowlens sender library: send flow records to a flowlens server from any Node program
 * (docs/agent-export.md).
 *
 *   import { createFlowBatch } from 'flowlens/dist/src/flow/batch.js';
 *   import { createFlowSender } from 'flowlens/dist/src/agent/export/index.js';
 *   const sender = createFlowSender({ url: 'http://127.0.0.1:8080', device: 'web-1', token, spoolDir });
 *   sender.send(batch);            // encoded at once: the batch may be reused
 *   await sender.flush(10_000);    // true once the server has everything (durable)
 *   await sender.close();          // what is left waits in the spool for the next run
 */
export { type AgentExport, agentExportOptions, agentExportUsage, createAgentExport } from './agent-export.js';
export { type DecodedBatch, type DecodeLimits, decodeFlowBatch, readBatchHeader } from './batch-decode.js';
export { type EncodeOptions, encodeFlowBatch, FlowBatchEncoder, newSessionId } from './batch-encode.js';
export { type BatchErrorCode, BatchFormatError, type BatchHeader, MEDIA_TYPE } from './batch-format.js';
export {
  createIpfixUdpExporter,
  type IpfixUdpConfig,
  IpfixUdpExporter,
  parseIpfixTarget,
} from './ipfix-udp.js';
export {
  createFlowSender,
  defaultFlowSenderConfig,
  FlowSender,
  type FlowSenderConfig,
  type FlowSenderDeps,
  type FlowSenderStats,
} from './sender.js';
export { instrumentSender } from './sender-metrics.js';
