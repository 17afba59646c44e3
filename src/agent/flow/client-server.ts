/**
 * Which side of a new flow is the client. The packet that opens a TCP connection says it (a SYN
 * without ACK comes from the client, a SYN+ACK from the server); otherwise the side on a service
 * port is the server (below 1024, or a well-known service above it); when both sides are, the
 * lower port (DHCP 68 → 67); otherwise the first packet's sender is the client.
 */

/** Registered service ports above 1023 that servers listen on. */
const servicePortList = [
  1080, 1194, 1433, 1521, 1812, 1813, 1883, 2049, 2055, 2181, 2375, 2376, 2379, 2380, 3000, 3128, 3268, 3306,
  3389, 3478, 4317, 4318, 4369, 4739, 4789, 5000, 5044, 5060, 5061, 5222, 5353, 5355, 5432, 5601, 5671, 5672,
  5683, 5900, 5984, 6343, 6379, 6443, 6514, 6660, 6667, 7000, 7001, 7077, 8000, 8008, 8080, 8081, 8086, 8088,
  8200, 8443, 8500, 8883, 8888, 9000, 9042, 9090, 9091, 9092, 9093, 9100, 9200, 9300, 9418, 9443, 9995, 9996,
  10050, 10051, 11211, 15672, 25565, 27017, 50000,
];

const servicePorts = new Uint8Array(65536);
servicePorts.fill(1, 1, 1024);
for (const p of servicePortList) servicePorts[p] = 1;

export function isServicePort(port: number): boolean {
  return servicePorts[port] === 1;
}

/**
 * True when the packet's sender is the client. `opener` is the packet's own say (1 sender, -1
 * receiver, 0 unknown: see PacketKey).
 */
export function senderIsClient(opener: number, srcPort: number, dstPort: number): boolean {
  if (opener !== 0) return opener > 0;
  const srcService = servicePorts[srcPort] === 1;
  const dstService = servicePorts[dstPort] === 1;
  if (srcService !== dstService) return dstService;
  if (srcService && srcPort !== dstPort) return dstPort < srcPort;
  return true;
}
