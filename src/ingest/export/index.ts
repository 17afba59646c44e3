/** Flow export encoders: NetFlow v5, NetFlow v9, IPFIX and sFlow v5 packets from flow values. */
export { type FieldSpec, field, IE, ScopeType, VARIABLE_LENGTH } from './fields.js';
export { createExportFlow, type ExportFlow, ipv4Of, setIPv4 } from './flow.js';
export {
  createFlows,
  defaultFlowGeneratorConfig,
  FlowGenerator,
  type FlowGeneratorConfig,
} from './generator.js';
export { defaultIpfixEncoderConfig, IpfixEncoder, type IpfixEncoderConfig } from './ipfix.js';
export { AS_TRANS, Netflow5Encoder, type Netflow5EncoderConfig } from './netflow5.js';
export { defaultNetflow9EncoderConfig, Netflow9Encoder, type Netflow9EncoderConfig } from './netflow9.js';
export { PcapWriter, type UdpEndpoints } from './pcap-writer.js';
export { type InterfaceCounters, SflowEncoder, type SflowEncoderConfig } from './sflow.js';
export {
  ipfixIPv4Template,
  ipfixIPv6Template,
  ipfixSamplingOptions,
  netflow9IPv4Template,
  netflow9IPv6Template,
  netflow9SamplingOptions,
  type OptionsTemplateSpec,
  type TemplateSpec,
} from './templates.js';
