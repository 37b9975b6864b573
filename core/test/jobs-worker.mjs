// A job-processing process for jobs-two-process.test.ts: opens the database given in argv[2]
// (JSON config), runs agenda over Parley's TypeORM backend, and reports each job it runs over IPC.
// Uses the built core (npm run build).
import { Agenda } from 'agenda';
import { openDataSource } from '../dist/core/src/database/data-source.js';
import { Database } from '../dist/core/src/database/database.service.js';
import { TypeormBackend } from '../dist/core/src/jobs/typeorm-backend.js';

const config = JSON.parse(process.argv[2]);
const worker = process.argv[3];
const ds = await openDataSource(config);
const agenda = new Agenda({ backend: new TypeormBackend(new Database(ds)), name: worker, processEvery: 100, defaultConcurrency: 4, defaultLockLimit: 8, removeOnComplete: true });
agenda.define('work', async (job) => {
  process.send({ ran: job.attrs.data.i, worker });
  await new Promise((r) => setTimeout(r, 10 + Math.random() * 20));
});
agenda.on('error', (err) => process.send({ error: String(err?.message ?? err), worker }));
await agenda.start();
process.send({ ready: worker });
process.on('message', async (m) => {
  if (m === 'stop') {
    await agenda.stop(false);
    await ds.destroy();
    process.exit(0);
  }
});
