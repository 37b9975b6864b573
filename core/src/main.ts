/** Entry point of `npm start`: builds the app, listens, and shuts down gracefully on SIGINT/SIGTERM. */
import { ConfigError } from './config/config.js';
import { createParleyApp } from './app.factory.js';

try {
  const parley = await createParleyApp();
  const url = await parley.listen();
  parley.logger.info({ url, publicUrl: parley.config.publicUrl }, `Parley is running: ${parley.config.publicUrl} (API docs at /api/docs)`);
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(2);
  }
  console.error(err);
  process.exit(1);
}
