/**
 * Access to the channel fixtures for tests and benchmarks. They are a verbatim copy of the
 * team's shared `../shared/fixtures/channels/` (see SOURCES.md and LIMITS.md there), vendored
 * under `testing/fixtures/channels/` so that a clone anywhere can run the tests.
 * Override the location with `PARLEY_FIXTURES_DIR`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Absolute path of `fixtures/channels`. */
export const CHANNEL_FIXTURES_DIR = process.env.PARLEY_FIXTURES_DIR ?? fileURLToPath(new URL('./fixtures/channels/', import.meta.url));

/** Absolute path of one fixture, e.g. `fixturePath('whatsapp', 'webhook_text__meta_docs.json')`. */
export function fixturePath(channel: string, file: string): string {
  return join(CHANNEL_FIXTURES_DIR, channel, file);
}

/** The exact bytes of a fixture file (signatures are computed over these). */
export function readFixtureBytes(channel: string, file: string): Buffer {
  return readFileSync(fixturePath(channel, file));
}

/** A fixture parsed as JSON. */
export function readFixtureJson<T = any>(channel: string, file: string): T {
  return JSON.parse(readFixtureBytes(channel, file).toString('utf8')) as T;
}

/** File names of a channel's fixtures, sorted, optionally filtered by prefix (e.g. `webhook_`). */
export function listFixtures(channel: string, prefix = ''): string[] {
  return readdirSync(join(CHANNEL_FIXTURES_DIR, channel))
    .filter((f) => f.endsWith('.json') && f.startsWith(prefix))
    .sort();
}
