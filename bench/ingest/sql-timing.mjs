/**
 * Preload for the Parley server child (`node --import bench/ingest/sql-timing.mjs …`), used by
 * `run.mjs --sql-timing`: counts and times every SQL statement without touching core.
 *
 * - TypeORM `QueryRunner.query` (both dialects): calls, wall time from call to result (for
 *   MySQL that is the round trip plus waiting for the event loop), parameters per call.
 * - better-sqlite3 `Statement.run/all/get` and `Database.prepare` (SQLite): synchronous
 *   execution time, i.e. CPU the event loop spends inside SQLite.
 * - transactions started.
 *
 * Statements are grouped by shape: `IN (?, ?, …)` lists, multi-row VALUES and CASE chains are
 * collapsed. run.mjs brackets its measured phase with IPC messages (`sql-timing-mark`): each
 * answers the totals since the previous one.
 */
import { createRequire } from 'node:module';

const require = createRequire(new URL('../../core/package.json', import.meta.url));
const stats = new Map();
let transactions = 0;
let t0 = Date.now();

export function shape(sql) {
  return String(sql)
    .replace(/\s+/g, ' ')
    .replace(/\((?:\s*\?\s*,)+\s*\?\s*\)/g, '(?…)')
    .replace(/(\(\?…\))(?:\s*,\s*\(\?…\))+/g, '$1, …')
    .replace(/ WHEN ((?:(?! WHEN | ELSE ).)+?) THEN \?(?: WHEN \1 THEN \?)+/g, ' WHEN $1 THEN ? …')
    .trim();
}

function entry(sql) {
  const key = shape(sql);
  let e = stats.get(key);
  if (!e) stats.set(key, (e = { sql: key, calls: 0, wallNs: 0, wallMaxNs: 0, execCalls: 0, execNs: 0, execMaxNs: 0, prepares: 0, prepareNs: 0, params: 0 }));
  return e;
}

// TypeORM query runners
for (const [mod, name] of [
  ['typeorm/driver/better-sqlite3/BetterSqlite3QueryRunner.js', 'BetterSqlite3QueryRunner'],
  ['typeorm/driver/mysql/MysqlQueryRunner.js', 'MysqlQueryRunner'],
]) {
  const proto = require(mod)[name].prototype;
  const query = proto.query;
  proto.query = async function (sql, parameters, ...rest) {
    const e = entry(sql);
    e.calls++;
    e.params += Array.isArray(parameters) ? parameters.length : 0;
    const t = process.hrtime.bigint();
    try {
      return await query.call(this, sql, parameters, ...rest);
    } finally {
      const ns = Number(process.hrtime.bigint() - t);
      e.wallNs += ns;
      if (ns > e.wallMaxNs) e.wallMaxNs = ns;
    }
  };
  const start = proto.startTransaction;
  proto.startTransaction = function (...a) {
    transactions++;
    return start.apply(this, a);
  };
}

// better-sqlite3 execution time
{
  const Database = require('better-sqlite3');
  const probe = new Database(':memory:');
  const Statement = Object.getPrototypeOf(probe.prepare('SELECT 1'));
  probe.close();
  for (const m of ['run', 'all', 'get']) {
    const orig = Statement[m];
    Statement[m] = function (...a) {
      const t = process.hrtime.bigint();
      try {
        return orig.apply(this, a);
      } finally {
        const e = entry(this.source);
        const ns = Number(process.hrtime.bigint() - t);
        e.execCalls++;
        e.execNs += ns;
        if (ns > e.execMaxNs) e.execMaxNs = ns;
      }
    };
  }
  const prepare = Database.prototype.prepare;
  Database.prototype.prepare = function (sql, ...a) {
    const t = process.hrtime.bigint();
    try {
      return prepare.call(this, sql, ...a);
    } finally {
      const e = entry(sql);
      e.prepares++;
      e.prepareNs += Number(process.hrtime.bigint() - t);
    }
  };
}

function snapshot() {
  return { ms: Date.now() - t0, transactions, statements: [...stats.values()] };
}
// IPC from run.mjs: {type: 'sql-timing-mark'} → answers the totals since the last mark and starts again
if (process.send) {
  process.on('message', (msg) => {
    if (msg?.type !== 'sql-timing-mark') return;
    process.send({ type: 'sql-timing', ...snapshot() });
    stats.clear();
    transactions = 0;
    t0 = Date.now();
  });
  process.channel?.unref();
}
