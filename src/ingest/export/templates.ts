import { type FieldSpec, field, IE, ScopeType, VARIABLE_LENGTH } from './fields.js';

/** A data template: id (256-65535) and its fields in order. */
export interface TemplateSpec {
  readonly id: number;
  readonly fields: readonly FieldSpec[];
}

/** An options template: scope fields, then option fields. */
export interface OptionsTemplateSpec {
  readonly id: number;
  readonly scopes: readonly FieldSpec[];
  readonly fields: readonly FieldSpec[];
}

/** The fixed-length byte size of a record of these fields (variable-length fields excluded). */
export function fixedLength(fields: readonly FieldSpec[]): number {
  let n = 0;
  for (const f of fields) if (f.length !== VARIABLE_LENGTH) n += f.length;
  return n;
}

/** The 18-field IPv4 template of a typical router (Cisco IOS "ip flow-export version 9"). */
export const netflow9IPv4Template: TemplateSpec = {
  id: 256,
  fields: [
    field(IE.ipv4SrcAddr, 4),
    field(IE.ipv4DstAddr, 4),
    field(IE.ipv4NextHop, 4),
    field(IE.inputSnmp, 2),
    field(IE.outputSnmp, 2),
    field(IE.inPkts, 4),
    field(IE.inBytes, 4),
    field(IE.firstSwitched, 4),
    field(IE.lastSwitched, 4),
    field(IE.l4SrcPort, 2),
    field(IE.l4DstPort, 2),
    field(IE.tcpFlags, 1),
    field(IE.protocol, 1),
    field(IE.tos, 1),
    field(IE.srcAs, 4),
    field(IE.dstAs, 4),
    field(IE.srcMask, 1),
    field(IE.dstMask, 1),
  ],
};

/** An IPv6 template with 64-bit counters, VLANs and direction. */
export const netflow9IPv6Template: TemplateSpec = {
  id: 257,
  fields: [
    field(IE.ipv6SrcAddr, 16),
    field(IE.ipv6DstAddr, 16),
    field(IE.ipv6NextHop, 16),
    field(IE.inputSnmp, 4),
    field(IE.outputSnmp, 4),
    field(IE.inPkts, 8),
    field(IE.inBytes, 8),
    field(IE.firstSwitched, 4),
    field(IE.lastSwitched, 4),
    field(IE.l4SrcPort, 2),
    field(IE.l4DstPort, 2),
    field(IE.tcpFlags, 1),
    field(IE.protocol, 1),
    field(IE.tos, 1),
    field(IE.srcAs, 4),
    field(IE.dstAs, 4),
    field(IE.ipv6SrcMask, 1),
    field(IE.ipv6DstMask, 1),
    field(IE.srcVlan, 2),
    field(IE.dstVlan, 2),
    field(IE.direction, 1),
    field(IE.ipVersion, 1),
  ],
};

/** NetFlow v9 sampling options: scope System, sampling interval and algorithm (Cisco style). */
export const netflow9SamplingOptions: OptionsTemplateSpec = {
  id: 258,
  scopes: [field(ScopeType.system, 4)],
  fields: [field(IE.samplingInterval, 4), field(IE.samplingAlgorithm, 1)],
};

/** The 18-field IPv4 template for IPFIX: absolute millisecond times instead of uptime. */
export const ipfixIPv4Template: TemplateSpec = {
  id: 256,
  fields: netflow9IPv4Template.fields.map((f) =>
    f.id === IE.firstSwitched
      ? field(IE.flowStartMilliseconds, 8)
      : f.id === IE.lastSwitched
        ? field(IE.flowEndMilliseconds, 8)
        : f,
  ),
};

/** IPFIX IPv6 template with a variable-length application name and an enterprise field. */
export const ipfixIPv6Template: TemplateSpec = {
  id: 257,
  fields: [
    ...netflow9IPv6Template.fields.map((f) =>
      f.id === IE.firstSwitched
        ? field(IE.flowStartMilliseconds, 8)
        : f.id === IE.lastSwitched
          ? field(IE.flowEndMilliseconds, 8)
          : f,
    ),
    field(IE.applicationName, VARIABLE_LENGTH),
    field(1, 4, 32473), // an enterprise-specific element (documentation PEN) a collector must skip
  ],
};

/** IPFIX sampling options (RFC 7270 / PSAMP): scope observation domain, packet interval/space. */
export const ipfixSamplingOptions: OptionsTemplateSpec = {
  id: 258,
  scopes: [field(IE.observationDomainId, 4)],
  fields: [field(IE.samplingPacketInterval, 4), field(IE.samplingPacketSpace, 4)],
};
