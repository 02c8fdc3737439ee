/**
 * Per-client request limits with @fastify/rate-limit (in memory, per process). The default is
 * generous (config `rateLimitPerMinute`, 1200): it stops a runaway script, not a dashboard. A
 * refused request gets the usual error shape with code `rate_limited` and a Retry-After header.
 */
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { SwarmscopeError } from '../../core/errors.ts';

export interface RateLimitOptions {
  max: number;
  timeWindowMs?: number;
}

export async function registerRateLimit(app: FastifyInstance, options: RateLimitOptions): Promise<void> {
  if (options.max <= 0) return;
  const windowMs = options.timeWindowMs ?? 60_000;
  await app.register(rateLimit, {
    global: true,
    max: options.max,
    timeWindow: windowMs,
    errorResponseBuilder: (_request, context) =>
      new SwarmscopeError('rate_limited', `too many requests: at most ${context.max} per ${windowMs / 1000} s from one client; retry in ${context.after}`),
  });
}
