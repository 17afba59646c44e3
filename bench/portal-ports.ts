import { createSocket } from 'node:dgram';
import { createServer as createTcp } from 'node:net';

/** A free loopback port, TCP or UDP, from the OS. */
export function listenPort(kind: 'tcp' | 'udp' = 'tcp'): Promise<number> {
  return new Promise((resolve, reject) => {
    if (kind === 'udp') {
      const socket = createSocket('udp4');
      socket.once('error', reject);
      socket.bind(0, '127.0.0.1', () => {
        const { port } = socket.address();
        socket.close(() => resolve(port));
      });
      return;
    }
    const server = createTcp();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}
