import type { CollectorStats, DeviceSnapshot } from '../../ingest/collector-stats.js';
import type { JsonSchema, RouteDoc } from './openapi-types.js';
import { type Handler, sendJson } from './respond.js';
import { principalOf } from './tenant.js';

/**
 * GET /api/v1/devices: the user's tenant's devices as the collector sees them — the export
 * packets and flows each sent, its decode errors, template misses, sequence losses, sampling rate
 * and when it was last heard from, counted since the server started (`since`). The flow figures
 * of stored data (flows/s, bytes/s) are SQL's (all_devices, devices); these counters are not in
 * SQL for non-admin users (the `metrics` table is admins' only), so the portal's Devices page
 * reads them here.
 */
export function serveDevices(collector: () => Pick<CollectorStats, 'devices' | 'uptimeMs'>): Handler {
  return (req, res) => {
    const { tenant } = principalOf(req);
    const stats = collector();
    sendJson(res, 200, {
      since: new Date(Date.now() - stats.uptimeMs).toISOString(),
      devices: stats.devices.filter((d) => d.tenant === tenant).map(deviceView),
    });
  };
}

function deviceView(d: DeviceSnapshot): Record<string, unknown> {
  return {
    id: d.id,
    name: d.name,
    address: d.address,
    sampleRate: d.sampleRate,
    configuredSampleRate: d.configuredSampleRate ?? null,
    packets: d.packets,
    bytes: d.bytes,
    flows: d.flows,
    decodeErrors: d.decodeErrors,
    templateMisses: d.templateMisses,
    lostPackets: d.lostPackets,
    lostFlows: d.lostFlows,
    lastSeen: d.lastSeen === 0 ? null : new Date(d.lastSeen).toISOString(),
  };
}

const counter = (description: string): JsonSchema => ({ type: 'integer', description });

const deviceSchema: JsonSchema = {
  type: 'object',
  required: [
    'id',
    'name',
    'address',
    'sampleRate',
    'configuredSampleRate',
    'packets',
    'bytes',
    'flows',
    'decodeErrors',
    'templateMisses',
    'lostPackets',
    'lostFlows',
    'lastSeen',
  ],
  properties: {
    id: { type: 'integer', description: 'i_device_id in SQL' },
    name: { type: 'string', description: 'i_device_name in SQL' },
    address: { type: 'string', description: 'The exporter address (agent:NAME for a host agent)' },
    sampleRate: { type: 'integer', description: 'The last sampling rate the device reported (0 before any)' },
    configuredSampleRate: {
      type: ['integer', 'null'],
      description: 'The configured override of the sampling rate, if any',
    },
    packets: counter('Export datagrams (or IPFIX messages) received'),
    bytes: counter('Bytes of those datagrams'),
    flows: counter('Flow records decoded'),
    decodeErrors: counter('Decode errors in its packets'),
    templateMisses: counter('NetFlow v9 / IPFIX data sets dropped: their template had not arrived'),
    lostPackets: counter('Export packets lost, from NetFlow v9 / sFlow datagram sequence gaps'),
    lostFlows: counter('Flow records lost, from NetFlow v5 / IPFIX / sFlow sample sequence gaps'),
    lastSeen: {
      type: ['string', 'null'],
      format: 'date-time',
      description: 'When its last packet arrived (null: none since the server started)',
    },
  },
};

export const devicesDoc: RouteDoc = {
  operationId: 'listDevices',
  summary: "The tenant's devices as the collector sees them",
  description:
    "Every device of the user's tenant the collector knows (configured, auto-registered, host agents), with what it sent since the server started (`since`): export packets, flows decoded, decode errors, template misses, sequence losses, its sampling rate and when it was last heard from. Stored traffic per device is queried in SQL (`devices`, `all_devices`).",
  tags: ['flows'],
  responses: {
    '200': {
      description: 'The devices',
      content: {
        'application/json': {
          schema: {
            type: 'object',
            required: ['since', 'devices'],
            properties: {
              since: {
                type: 'string',
                format: 'date-time',
                description: 'When the collector started: the counters count from then',
              },
              devices: { type: 'array', items: deviceSchema },
            },
          },
        },
      },
    },
  },
};
