export {
  type Hash64,
  hash64,
  hashAddress,
  hashAddressWords,
  hashBytes,
  hashNumber,
  hashString,
  newHash64,
} from './hash64.js';
export { deserializeHll, FORMAT_VERSION, HllFormatError, serializeHll } from './serialize.js';
export { ADDRESS_BYTES, DEFAULT_PRECISION, HyperLogLog, MAX_PRECISION, MIN_PRECISION } from './sketch.js';
