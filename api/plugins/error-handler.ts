/**
 * Every error leaves as `{ "error": { "code", "message" } }` with a code from core/errors.ts
 * (DESIGN.md §5), never a stack trace. Fastify's own errors (validation, body parsing, body size)
 * are translated to catalogue codes; anything unexpected is a 500 whose details go to the log only.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CATALOGUE, isSwarmscopeError, type ErrorCode } from '../../core/errors.ts';
import { rootPlugin } from './root-plugin.ts';

export interface ApiErrorBody {
  error: { code: ErrorCode; message: string };
}

interface RenderedError {
  status: number;
  code: ErrorCode;
  message: string;
}

/** Fastify's default `maxParamLength`: the longest path parameter the router accepts. */
export const MAX_PARAM_LENGTH = 100;

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'invalid_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

export function renderError(error: unknown, request: FastifyRequest, bodyLimitBytes: number): RenderedError {
  if (isSwarmscopeError(error)) return { status: error.httpStatus, code: error.code, message: error.message };
  const fastifyError = error as Partial<FastifyError>;
  const status = fastifyError.statusCode ?? 500;
  switch (fastifyError.code) {
    case 'FST_ERR_VALIDATION':
      return { status: 400, code: 'invalid_request', message: fastifyError.message ?? 'the request is invalid' };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, code: 'payload_too_large', message: `the request body is larger than the limit of ${bodyLimitBytes} bytes` };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        status: 415,
        code: 'unsupported_media_type',
        message: `the body must be JSON sent with "Content-Type: application/json" (got "${request.headers['content-type'] ?? 'none'}")`,
      };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, code: 'invalid_request', message: 'the body is empty but Content-Type says JSON: send a JSON object or no Content-Type' };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { status: 400, code: 'invalid_request', message: 'the body is not valid JSON' };
    // Raised by the router before any route runs (Fastify's `frameworkErrors`): never echo the path back.
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return { status: 414, code: 'invalid_request', message: `a path parameter is longer than ${MAX_PARAM_LENGTH} characters` };
    case 'FST_ERR_BAD_URL':
      return { status: 400, code: 'invalid_request', message: 'the URL is malformed (bad percent-encoding?)' };
    default:
      break;
  }
  if (status >= 400 && status < 500) {
    // Other client errors Fastify raises (bad Content-Length, aborted bodies...) carry a usable message.
    const code = CODE_BY_STATUS[status] ?? 'invalid_request';
    return { status, code, message: fastifyError.message || ERROR_CATALOGUE[code].summary };
  }
  return {
    status: 500,
    code: 'internal',
    message: `internal error; the server log has the details under request id ${request.id}`,
  };
}

export function sendError(reply: FastifyReply, rendered: RenderedError): FastifyReply {
  if (rendered.code === 'unauthorized') reply.header('www-authenticate', 'Bearer realm="swarmscope"');
  const body: ApiErrorBody = { error: { code: rendered.code, message: rendered.message } };
  return reply.code(rendered.status).type('application/json; charset=utf-8').send(body);
}

export default rootPlugin<{ bodyLimitBytes: number }>('swarmscope-error-handler', async (app: FastifyInstance, options) => {
  app.setErrorHandler((error, request, reply) => {
    const rendered = renderError(error, request, options.bodyLimitBytes);
    if (rendered.status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: rendered.code, message: rendered.message }, 'request refused');
    return sendError(reply, rendered);
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0];
    return sendError(reply, { status: 404, code: 'not_found', message: `no route ${request.method} ${path}; the API lives under /api/v1` });
  });
});
