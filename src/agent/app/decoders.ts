import type { AppDecoder } from '../contract.js';
import { createDhcpDecoder } from './dhcp/dhcp-decoder.js';
import { createDnsDecoder, createMdnsDecoder } from './dns/dns-decoder.js';
import { createHttpDecoder } from './http/decoder.js';
import { createTlsDecoder } from './tls/decoder.js';

/**
 * The application decoders a new flow is offered to, in order (the first whose ports match
 * decodes the flow). Each decoder adds its one entry here.
 */
export const appDecoders = (): AppDecoder<unknown>[] => [
  createHttpDecoder(),
  createTlsDecoder(),
  createDnsDecoder(),
  createMdnsDecoder(),
  createDhcpDecoder(),
];
