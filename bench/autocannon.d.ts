/**
 * The part of autocannon 9's programmatic API (README "API", lib/aggregateResult.js) the API load
 * benchmark uses: autocannon ships no typings and there is no @types package for it.
 */
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  namespace autocannon {
    interface Request {
      method?: string;
      /** Path and query, e.g. `/api/v1/torrents?offset=100`. */
      path?: string;
      headers?: Record<string, string>;
      body?: string;
    }

    interface Options {
      url: string;
      connections?: number;
      /** Seconds. */
      duration?: number;
      /** Seconds to wait for one answer. */
      timeout?: number;
      pipelining?: number;
      title?: string;
      /** Every connection loops over these in order. */
      requests?: Request[];
    }

    /** The run's totals (lib/aggregateResult.js; its latency histograms are not declared here). */
    interface Result {
      url: string;
      connections: number;
      /** Seconds, to 10 ms. */
      duration: number;
      /** Connection errors, timeouts included. */
      errors: number;
      timeouts: number;
      non2xx: number;
    }

    interface Instance extends EventEmitter, PromiseLike<Result> {
      /** Every answer: its status, its size on the wire (headers included), and ms since it was sent. */
      on(event: 'response', listener: (client: unknown, statusCode: number, responseBytes: number, responseTimeMs: number) => void): this;
      stop(): void;
    }
  }

  function autocannon(options: autocannon.Options): autocannon.Instance;
  export = autocannon;
}
