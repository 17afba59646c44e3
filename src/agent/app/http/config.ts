/** What the HTTP/1.x decoder reads and what it redacts. */
export interface HttpDecoderConfig {
  /** Keep the values of URL and Referer query parameters; by default `/a?x=1&y` becomes `/a?x=*&*`. */
  readonly keepQueryValues: boolean;
  /**
   * Header names (any case) whose values are replaced by `*` whole when emitted. Of the headers
   * the decoder emits (Host, User-Agent, Referer) none is listed by default; the default lists the
   * credential headers so that they stay redacted should a column ever carry them.
   */
  readonly redactHeaders: readonly string[];
  /**
   * The longest line read (request, status, header or chunk-size line), in bytes; also the bound
   * of the buffer that carries a line over from one segment to the next (allocated per direction
   * only for a flow whose lines do span segments, from 512 bytes, doubling as needed).
   */
  readonly maxLine: number;
  /** Server ports taken to be HTTP (either side of a flow matches). */
  readonly ports: readonly number[];
}

export const defaultHttpRedactHeaders: readonly string[] = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'x-auth-token',
];

export const defaultHttpDecoderConfig: HttpDecoderConfig = {
  keepQueryValues: false,
  redactHeaders: defaultHttpRedactHeaders,
  maxLine: 8192,
  ports: [80, 591, 3128, 8000, 8008, 8080, 8081, 8888],
};
