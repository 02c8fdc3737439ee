/**
 * The Grafana files without Grafana (none can be installed here, DESIGN.md §7): every dashboard
 * parses, every panel and variable uses the provisioned datasource by its fixed uid, every variable
 * a query uses is defined, and every measurement and field a query reads exists in the InfluxDB
 * schema swarmscope writes (store/influx/influx-schema.ts). grafana-queries.test.ts runs the queries.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MEASUREMENTS } from '../../store/influx/influx-schema.ts';
import { PROVISIONING_DIR, allPanels, dashboardFiles, loadDashboard, provisionedDatasourceUid, variableQuery } from './grafana-dashboards.ts';

const REQUIRED = ['overview.json', 'torrent-detail.json', 'geography.json', 'mirrors.json', 'collector-health.json'];
const BUILT_IN = new Set(['timeFilter', '__interval', '__interval_ms', 'interval']);

/** Field names a query may read: each schema field, and the _min/_max the continuous queries add. */
const FIELDS = new Map(MEASUREMENTS.map((schema) => [schema.name, new Set(Object.keys(schema.fields).flatMap((field) => [field, `${field}_min`, `${field}_max`]))]));

function measurementsOf(query: string): string[] {
  return [...query.matchAll(/FROM\s+(?:"[^"]+"\.)?"(\w+)"/g)].map((match) => match[1]!);
}

function fieldsRead(query: string): string[] {
  return [...query.matchAll(/\b(?:mean|last|first|sum|count|min|max|percentile|difference|median|spread)\("(\w+)"/g)].map((match) => match[1]!);
}

describe('Grafana dashboards and provisioning', () => {
  const uid = provisionedDatasourceUid();

  it('ships the five dashboards, each parsing with a unique uid', () => {
    const files = dashboardFiles();
    for (const name of REQUIRED) assert.ok(files.includes(name), `dashboards/grafana/${name}`);
    const uids = files.map((file) => loadDashboard(file).uid);
    assert.equal(new Set(uids).size, uids.length, 'dashboard uids are unique');
  });

  it('references the provisioned datasource uid in every panel, target and query variable', () => {
    assert.equal(uid, 'swarmscope-influxdb');
    for (const file of dashboardFiles()) {
      const dashboard = loadDashboard(file);
      for (const panel of allPanels(dashboard)) {
        if (!panel.targets) continue;
        assert.equal(panel.datasource?.uid, uid, `${file}: panel "${panel.title}"`);
        for (const target of panel.targets) {
          assert.equal(target.datasource?.uid ?? panel.datasource?.uid, uid, `${file}: "${panel.title}" ${target.refId}`);
          assert.equal(target.rawQuery, true, `${file}: "${panel.title}" ${target.refId} is raw InfluxQL`);
          assert.ok(target.query?.trim(), `${file}: "${panel.title}" ${target.refId} has a query`);
        }
      }
      for (const variable of dashboard.templating.list.filter((candidate) => candidate.type === 'query')) {
        assert.equal(variable.datasource?.uid, uid, `${file}: variable $${variable.name}`);
      }
      const ids = allPanels(dashboard).map((panel) => panel.id);
      assert.equal(new Set(ids).size, ids.length, `${file}: panel ids are unique`);
    }
  });

  it('uses only defined variables, and only measurements and fields swarmscope writes', () => {
    for (const file of dashboardFiles()) {
      const dashboard = loadDashboard(file);
      const defined = new Set(dashboard.templating.list.map((variable) => variable.name));
      const queries = [
        ...allPanels(dashboard).flatMap((panel) => (panel.targets ?? []).map((target) => ({ where: `"${panel.title}" ${target.refId}`, query: target.query! }))),
        ...dashboard.templating.list.map((variable) => ({ where: `$${variable.name}`, query: variableQuery(variable) ?? '' })),
      ];
      for (const { where, query } of queries) {
        for (const [, name] of query.matchAll(/\$(\w+)/g)) {
          if (!name!.startsWith('tag_')) assert.ok(defined.has(name!) || BUILT_IN.has(name!), `${file} ${where}: $${name} is not defined`);
        }
        const measurements = measurementsOf(query);
        if (query.startsWith('SELECT')) assert.ok(measurements.length > 0, `${file} ${where}: reads a measurement`);
        for (const measurement of measurements) assert.ok(FIELDS.has(measurement), `${file} ${where}: measurement ${measurement} is not in the schema`);
        const known = new Set(measurements.flatMap((measurement) => [...(FIELDS.get(measurement) ?? [])]));
        // Outer queries over a subquery read the subquery's aliases, which are schema fields too.
        for (const field of fieldsRead(query)) assert.ok(known.has(field), `${file} ${where}: field ${field} is not written to ${measurements.join(', ')}`);
      }
    }
  });

  it('provisions the dashboards from the folder docker-compose mounts', () => {
    const provider = readFileSync(join(PROVISIONING_DIR, 'dashboards', 'provider.yaml'), 'utf8');
    const path = /^\s+path:\s*(\S+)\s*$/m.exec(provider)?.[1];
    assert.equal(path, '/var/lib/grafana/dashboards/swarmscope');
    const compose = readFileSync(join(PROVISIONING_DIR, '..', '..', 'docker-compose.yml'), 'utf8');
    assert.match(compose, new RegExp(`\\./dashboards/grafana:${path}:ro`));
    assert.match(compose, /\.\/dashboards\/provisioning:\/etc\/grafana\/provisioning:ro/);
  });
});
