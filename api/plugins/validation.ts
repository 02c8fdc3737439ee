/**
 * Request validation with TypeBox's compiler instead of Fastify's default Ajv setup, because that
 * setup coerces types everywhere (a JSON `"label": 123` would silently become "123") and drops
 * unknown fields (a typo such as `lable` would be ignored). Here a JSON body is checked as sent;
 * only the query string and path parameters, which are text by nature, are converted to the
 * schema's types. Messages name the field: "body/label must be string".
 */
import type { FastifyInstance, FastifySchemaValidationError } from 'fastify';
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { Value } from 'typebox/value';
import { rootPlugin } from './root-plugin.ts';

type ValidationIssue = {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
};

class RequestValidationError extends Error {
  readonly statusCode = 400;
  readonly code = 'FST_ERR_VALIDATION';
  constructor(
    message: string,
    readonly validation: FastifySchemaValidationError[],
    readonly validationContext: string,
  ) {
    super(message);
  }
}

export function describeIssue(part: string, issue: ValidationIssue): string {
  const field = `${part}${issue.instancePath}`;
  switch (issue.keyword) {
    case 'required': {
      const names = (issue.params.requiredProperties as string[] | undefined) ?? [String(issue.params.missingProperty)];
      return names.map((name) => `${field}/${name} is required`).join('; ');
    }
    case 'additionalProperties': {
      const extra = (issue.params.additionalProperties as string[] | undefined) ?? [String(issue.params.additionalProperty)];
      return extra.map((name) => `${field}/${name} is not a known field`).join('; ');
    }
    case 'enum':
      return `${field} must be one of: ${(issue.params.allowedValues as unknown[]).join(', ')}`;
    default:
      return `${field} ${issue.message ?? 'is invalid'}`;
  }
}

export function formatIssues(part: string, issues: readonly ValidationIssue[]): string {
  // TypeBox also reports `additionalProperties: false` per field as "schema is false"; the
  // additionalProperties issue says the same thing better, when there is one. When there is not
  // (some schemas report only the per-field issue), the field is named from it: never an empty message.
  const described = issues.filter((issue) => issue.keyword !== 'boolean').map((issue) => describeIssue(part, issue));
  const messages = described.length > 0 ? described : issues.map((issue) => `${part}${issue.instancePath} is not a known field`);
  return [...new Set(messages)].slice(0, 5).join('; ') || `the ${part} does not match its schema`;
}

export default rootPlugin('swarmscope-validation', async (app: FastifyInstance) => {
  app.setValidatorCompiler(({ schema, httpPart }) => {
    const checker = Compile(schema as TSchema);
    const part = httpPart ?? 'request';
    const convert = part !== 'body';
    return (data: unknown) => {
      let value = convert ? Value.Convert(schema as TSchema, data) : data;
      value = Value.Default(schema as TSchema, value);
      if (checker.Check(value)) return { value };
      const issues = [...checker.Errors(value)] as ValidationIssue[];
      return { error: new RequestValidationError(formatIssues(part, issues), issues as FastifySchemaValidationError[], part) };
    };
  });
});
