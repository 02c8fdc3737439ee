/**
 * The provisioned Grafana files as data: every dashboard under dashboards/grafana/, its panels
 * (rows' nested panels included), their InfluxQL targets and template variables, and the
 * datasource uid that dashboards/provisioning/datasources/influxdb.yaml fixes.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/child-processes.ts';
import type { Variable } from './grafana-interpolate.ts';

export const GRAFANA_DIR = join(ROOT, 'dashboards', 'grafana');
export const PROVISIONING_DIR = join(ROOT, 'dashboards', 'provisioning');

export interface DatasourceRef {
  type?: string;
  uid?: string;
}

export interface Target {
  refId: string;
  datasource?: DatasourceRef;
  rawQuery?: boolean;
  query?: string;
}

export interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: DatasourceRef;
  targets?: Target[];
  timeFrom?: string;
  maxDataPoints?: number;
  panels?: Panel[];
}

export interface TemplateVariable extends Variable {
  type: string;
  query?: string | { query: string };
  datasource?: DatasourceRef;
  options?: { value: string }[];
}

export interface Dashboard {
  uid: string;
  title: string;
  time: { from: string; to: string };
  templating: { list: TemplateVariable[] };
  panels: Panel[];
}

export function dashboardFiles(): string[] {
  return readdirSync(GRAFANA_DIR).filter((name) => name.endsWith('.json')).sort();
}

export function loadDashboard(file: string): Dashboard {
  return JSON.parse(readFileSync(join(GRAFANA_DIR, file), 'utf8')) as Dashboard;
}

/** Every panel, rows' collapsed children included. */
export function allPanels(dashboard: Dashboard): Panel[] {
  return dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
}

export function variableQuery(variable: TemplateVariable): string | undefined {
  return typeof variable.query === 'object' ? variable.query.query : variable.query;
}

/** The uid in the provisioned datasource file (one datasource, `uid: ...`). */
export function provisionedDatasourceUid(): string {
  const text = readFileSync(join(PROVISIONING_DIR, 'datasources', 'influxdb.yaml'), 'utf8');
  const uids = [...text.matchAll(/^\s+uid:\s*["']?([\w-]+)["']?\s*$/gm)].map((match) => match[1]!);
  if (uids.length !== 1) throw new Error(`expected one datasource uid in influxdb.yaml, found ${uids.length}`);
  return uids[0]!;
}
