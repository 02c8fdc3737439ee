/**
 * docker-compose.yml: `docker compose config` (which needs the CLI, not an engine) accepts it where a
 * docker CLI with the compose plugin exists, and skips with the reason where it does not. The shape
 * checks below run everywhere: the four services, the collector and API on the InfluxDB store,
 * healthchecks, named volumes, and a Dockerfile on node:20 that installs with `npm ci`.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from '../helpers/child-processes.ts';

const COMPOSE_FILE = join(ROOT, 'docker-compose.yml');

function composeSkip(): string | false {
  const version = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8', timeout: 20_000 });
  if (version.error || version.status !== 0) return `no docker compose here (${(version.error?.message ?? version.stderr ?? '').trim().split('\n')[0]})`;
  return false;
}

describe('docker-compose.yml', () => {
  it('is accepted by `docker compose config`', { skip: composeSkip() }, () => {
    const result = spawnSync('docker', ['compose', '-f', COMPOSE_FILE, 'config', '--quiet'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    assert.equal(result.status, 0, result.stderr);
  });

  it('runs InfluxDB 1.8, Grafana, and swarmscope collect and serve on the InfluxDB store, with healthchecks and named volumes', () => {
    const compose = readFileSync(COMPOSE_FILE, 'utf8');
    assert.match(compose, /image: influxdb:1\.8\b/);
    assert.match(compose, /image: grafana\/grafana/);
    assert.match(compose, /command: \["collect", "--store", "influx:\/\/influxdb:8086\/swarmscope"\]/);
    assert.match(compose, /command: \["serve", "--store", "influx:\/\/influxdb:8086\/swarmscope"/);
    assert.match(compose, /^\s+build: \.$/m);
    assert.equal(compose.match(/^\s+healthcheck:$/gm)?.length, 4, 'a healthcheck per service');
    const volumes = compose.slice(compose.search(/^volumes:$/m));
    for (const name of ['influxdb-data', 'grafana-data', 'swarmscope-data']) assert.match(volumes, new RegExp(`^  ${name}:$`, 'm'));
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    assert.match(dockerfile, /^FROM node:20\b/m);
    assert.match(dockerfile, /npm ci\b/);
  });
});
