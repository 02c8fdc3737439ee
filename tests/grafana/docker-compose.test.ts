/**
 * docker-compose.yml: `docker compose config` (which needs the CLI, not an engine) accepts it, or
 * Debian's `docker-compose` (1.29, installed by .ci/run) where the CLI has no compose plugin; the
 * file keeps to what both accept (no top-level `name`). Skips with the reason where neither exists. The shape
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

/** The compose command available here: `docker compose`, else `docker-compose`, else none. */
function composeCommand(): string[] | undefined {
  for (const command of [['docker', 'compose'], ['docker-compose']]) {
    const version = spawnSync(command[0]!, [...command.slice(1), 'version'], { encoding: 'utf8', timeout: 20_000 });
    if (!version.error && version.status === 0) return command;
  }
  return undefined;
}
const COMPOSE = composeCommand();

describe('docker-compose.yml', () => {
  it('is accepted by `docker compose config`', { skip: COMPOSE ? false : 'neither `docker compose` nor `docker-compose` is installed' }, () => {
    const result = spawnSync(COMPOSE![0]!, [...COMPOSE!.slice(1), '-f', COMPOSE_FILE, 'config', '--quiet'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
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
