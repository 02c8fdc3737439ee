/** Alert rules: list, create, delete (DESIGN.md §5, §6). */
import type { FastifyPluginAsync } from 'fastify';
import { SwarmscopeError } from '../../core/errors.ts';
import type { AlertingState } from '../../store/state/alerting-state.ts';
import { createFamiliesRepo } from '../../store/state/families-repo.ts';
import type { TorrentRegistry } from '../../store/types.ts';
import { alertRuleJson, parseAlertRuleInput } from '../alerts/rule-input.ts';
import { AlertRule, AlertRuleBody, AlertRuleList, IdParams } from '../schemas/alert.ts';
import { ErrorResponse, PageQuery } from '../schemas/common.ts';

export interface AlertRoutesOptions {
  state: AlertingState;
  registry: TorrentRegistry;
  now: () => number;
}

export const alertRoutes: FastifyPluginAsync<AlertRoutesOptions> = async (app, { state, registry, now }) => {
  const families = createFamiliesRepo(state.db);
  app.get<{ Querystring: PageQuery }>(
    '/alerts',
    { schema: { querystring: PageQuery, response: { 200: AlertRuleList, '4xx': ErrorResponse } } },
    async (request) => {
      const page = state.rules.list(request.query);
      return { alerts: page.rules.map(alertRuleJson), total: page.total };
    },
  );

  app.post<{ Body: AlertRuleBody }>(
    '/alerts',
    { schema: { body: AlertRuleBody, response: { 201: AlertRule, '4xx': ErrorResponse } } },
    async (request, reply) => {
      const rule = state.rules.create(parseAlertRuleInput(request.body, registry, (id) => families.get(id) !== undefined), now());
      reply.code(201).header('location', `${app.prefix}/alerts/${rule.id}`);
      return alertRuleJson(rule);
    },
  );

  app.delete<{ Params: IdParams }>(
    '/alerts/:id',
    { schema: { params: IdParams, response: { '4xx': ErrorResponse } } },
    async (request, reply) => {
      if (!state.rules.remove(request.params.id)) throw new SwarmscopeError('not_found', `no alert rule ${request.params.id}`);
      return reply.code(204).send();
    },
  );
};
