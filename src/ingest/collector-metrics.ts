import type { Registry } from '../metrics/registry.js';
import type { Collector } from './collector.js';
import type { DeviceStats } from './device.js';
import type { ExporterState } from './exporter.js';
import { decodeErrorReasons } from './stats.js';

/**
 * Puts the collector's counters into the registry (docs/metrics.md). Almost everything is read
 * at export from the stats objects the collector keeps anyway (counterFn/gaugeFn: nothing on the
 * per-packet path); the one hot-path addition is the flows meter, marked once per packet. Call it
 * before `collector.start()`, so that the meter sees every packet.
 */
export function instrumentCollector(registry: Registry, collector: Collector): void {
  const decode = collector.decodeStats;
  collector.meterFlows(
    registry.meter('flowlens_collector_flows_total', undefined, {
      help: 'Flow records decoded, all devices; the rates are flows per second',
    }),
  );
  registry.counterFn('flowlens_collector_counter_records_total', () => decode.counterRecords, undefined, {
    help: 'sFlow interface counter records decoded, all devices',
  });
  decodeErrorReasons.forEach((reason, i) => {
    registry.counterFn(
      'flowlens_collector_decode_errors_total',
      () => decode.errors[i]!,
      { reason },
      {
        help: 'Decode errors by reason (a packet may count several; unknown_exporter: refused packets)',
      },
    );
  });
  registry.counterFn(
    'flowlens_collector_refused_packets_total',
    () => decode.count('unknown_exporter'),
    undefined,
    {
      help: 'Packets refused because their exporter is not a configured device (auto-registration off)',
    },
  );
  registry.gaugeFn(
    'flowlens_collector_refused_exporters',
    () => collector.devices.refusedPackets().size,
    undefined,
    {
      help: 'Distinct unknown exporter addresses refused so far (tracked up to 1024)',
    },
  );
  registry.counterFn(
    'flowlens_collector_decoder_exceptions_total',
    () => collector.decoderExceptionCount,
    undefined,
    {
      help: 'Packets whose decoder threw (a bug: their rows are dropped and the collector goes on)',
    },
  );
  registry.gaugeFn('flowlens_collector_known_devices', () => collector.devices.all().length, undefined, {
    help: 'Devices the collector knows: configured, auto-registered and restored',
  });
  instrumentListeners(registry, collector);
  instrumentPipeline(registry, collector);
  const addDevice = deviceSeries(registry);
  collector.devices.onRegister = addDevice;
  for (const exporter of collector.devices.all()) addDevice(exporter);
}

function instrumentListeners(registry: Registry, collector: Collector): void {
  const messages = {
    help: 'Export datagrams (UDP) or IPFIX messages (TCP) received by the listener, refused ones included',
  };
  for (const udp of collector.udp) {
    const tags = { listener: udp.name };
    registry.counterFn('flowlens_collector_listener_messages_total', () => udp.received(), tags, messages);
    registry.counterFn(
      'flowlens_collector_socket_dropped_datagrams_total',
      () => udp.kernelDrops() ?? Number.NaN,
      tags,
      {
        help:
          'Datagrams the kernel dropped on the listener socket, its receive buffer full (/proc/net/udp drops; ' +
          'NaN where the OS does not report them)',
      },
    );
    registry.gaugeFn('flowlens_collector_receive_buffer_bytes', () => udp.receiveBufferBytes(), tags, {
      help: 'Receive buffer (SO_RCVBUF) the kernel granted the listener socket',
    });
  }
  for (const tcp of collector.tcp) {
    const tags = { listener: tcp.name };
    registry.counterFn(
      'flowlens_collector_listener_messages_total',
      () => tcp.stats().messages,
      tags,
      messages,
    );
    registry.gaugeFn('flowlens_collector_tcp_open_connections', () => tcp.stats().openConnections, tags, {
      help: 'IPFIX-over-TCP connections open now',
    });
    registry.counterFn('flowlens_collector_tcp_connections_total', () => tcp.stats().connections, tags, {
      help: 'IPFIX-over-TCP connections accepted',
    });
    registry.counterFn('flowlens_collector_tcp_bad_frames_total', () => tcp.stats().badFrames, tags, {
      help: 'IPFIX-over-TCP connections closed for a bad message length or version',
    });
    registry.counterFn(
      'flowlens_collector_tcp_refused_connections_total',
      () => tcp.stats().refusedConnections,
      tags,
      {
        help: 'IPFIX-over-TCP connections closed because their exporter is not a configured device',
      },
    );
  }
}

function instrumentPipeline(registry: Registry, collector: Collector): void {
  const pipeline = collector.pipeline;
  registry.gaugeFn('flowlens_collector_queue_batches', () => pipeline.stats().pendingWrites, undefined, {
    help: 'Batches handed to the sink (the store) whose write has not completed',
  });
  const rows = {
    help: 'Rows decoded but not yet written: buffered in the open batch, or in writes in flight',
  };
  registry.gaugeFn(
    'flowlens_collector_queue_rows',
    () => pipeline.bufferedRows(),
    { stage: 'buffered' },
    rows,
  );
  registry.gaugeFn(
    'flowlens_collector_queue_rows',
    () => pipeline.inFlightRows(),
    { stage: 'writing' },
    rows,
  );
  registry.counterFn('flowlens_collector_sink_batches_total', () => pipeline.stats().batches, undefined, {
    help: 'Batches handed to the sink (the store)',
  });
  registry.counterFn('flowlens_collector_sink_flows_total', () => pipeline.stats().flows, undefined, {
    help: 'Flow records handed to the sink (the store)',
  });
  registry.counterFn(
    'flowlens_collector_sink_counter_records_total',
    () => pipeline.stats().counterRecords,
    undefined,
    {
      help: 'Interface counter records handed to the sink (the store)',
    },
  );
  registry.counterFn('flowlens_collector_sink_errors_total', () => pipeline.stats().writeErrors, undefined, {
    help: 'Sink writes that failed; their rows are lost (flowlens_collector_sink_lost_flows_total)',
  });
  registry.counterFn(
    'flowlens_collector_sink_lost_flows_total',
    () => pipeline.stats().lostFlows,
    undefined,
    {
      help: 'Flow records lost in failed sink writes',
    },
  );
  registry.counterFn(
    'flowlens_collector_sink_dropped_flows_total',
    () => pipeline.stats().droppedFlows,
    undefined,
    {
      help: 'Flow records dropped on backpressure: the sink fell behind and the buffer was full',
    },
  );
  registry.counterFn(
    'flowlens_collector_sink_dropped_counter_records_total',
    () => pipeline.stats().droppedCounterRecords,
    undefined,
    {
      help: 'Interface counter records dropped on backpressure: the sink fell behind and the buffer was full',
    },
  );
}

interface DeviceMetric {
  readonly name: string;
  readonly help: string;
  readonly read: (stats: DeviceStats) => number;
}

const deviceCounters: readonly DeviceMetric[] = [
  {
    name: 'flowlens_collector_device_packets_total',
    help: 'Export datagrams (or IPFIX messages) received from the device',
    read: (s) => s.packets,
  },
  {
    name: 'flowlens_collector_device_bytes_total',
    help: 'Bytes of the export datagrams received from the device (UDP payload)',
    read: (s) => s.bytes,
  },
  {
    name: 'flowlens_collector_device_flows_total',
    help: 'Flow records decoded from the device',
    read: (s) => s.flows,
  },
  {
    name: 'flowlens_collector_device_decode_errors_total',
    help: "Decode errors in the device's packets (by reason: flowlens_collector_decode_errors_total)",
    read: (s) => s.decodeErrors,
  },
  {
    name: 'flowlens_collector_device_template_misses_total',
    help: 'NetFlow v9 / IPFIX data sets dropped because their template had not arrived',
    read: (s) => s.templateMisses,
  },
  {
    name: 'flowlens_collector_device_lost_flows_total',
    help: 'Flow records the device sent that never arrived, from NetFlow v5 / IPFIX / sFlow sample sequence gaps',
    read: (s) => s.lostFlows,
  },
  {
    name: 'flowlens_collector_device_lost_packets_total',
    help: 'Export packets the device sent that never arrived, from NetFlow v9 / sFlow datagram sequence gaps',
    read: (s) => s.lostPackets,
  },
];

/**
 * Registers a device's series (tags device and tenant). Several exporters can share one series —
 * two devices of the same name, or devices past the registry's 100 distinct names (all `other`) —
 * so each series reads the sum over the exporters in it (the latest packet's time for last-seen).
 */
function deviceSeries(registry: Registry): (exporter: ExporterState) => void {
  const groups = new Map<object, Set<ExporterState>>();
  const join = (metric: object, group: Set<ExporterState>): Set<ExporterState> => {
    const existing = groups.get(metric);
    if (existing !== undefined) return existing;
    groups.set(metric, group);
    return group;
  };
  return (exporter) => {
    const tags = { device: exporter.device.name, tenant: exporter.device.tenant };
    for (const { name, help, read } of deviceCounters) {
      let group = new Set<ExporterState>();
      const sum = () => {
        let n = 0;
        for (const e of group) n += read(e.stats);
        return n;
      };
      group = join(registry.counterFn(name, sum, tags, { help }), group);
      group.add(exporter);
    }
    let group = new Set<ExporterState>();
    const latest = () => {
      let ms = 0;
      for (const e of group) ms = Math.max(ms, e.stats.lastSeen);
      return ms / 1000;
    };
    const lastSeen = registry.gaugeFn(
      'flowlens_collector_device_last_packet_timestamp_seconds',
      latest,
      tags,
      {
        help: 'When the last packet from the device arrived (Unix seconds; 0 before the first)',
      },
    );
    group = join(lastSeen, group);
    group.add(exporter);
  };
}
