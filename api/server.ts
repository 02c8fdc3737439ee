/** Listens with an app from buildApp; the CLI's `serve` and `start` call this. */
import type { FastifyInstance } from 'fastify';
import { SwarmscopeError, describeError } from '../core/errors.ts';

export interface RunningServer {
  /** e.g. http://127.0.0.1:8080 (the real port when 0 was asked for). */
  url: string;
  close(): Promise<void>;
}

export async function startServer(app: FastifyInstance, options: { host: string; port: number }): Promise<RunningServer> {
  try {
    await app.listen({ host: options.host, port: options.port });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'EADDRINUSE' ? 'the port is already in use' : code === 'EACCES' ? 'permission denied' : describeError(error);
    throw new SwarmscopeError('invalid_config', `cannot listen on ${options.host}:${options.port}: ${reason}`, { cause: error });
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    close: () => app.close(),
  };
}
