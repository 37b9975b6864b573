/**
 * Serves the built inbox (inbox-ui/dist) at `/inbox` and the flow builder (builder-ui/dist) at
 * `/builder`, each with a single-page-app fallback: any `/inbox/...` path that is not a file answers index.html, so client-side routes survive a
 * reload. Hashed assets are cached for a year, index.html never. `/` redirects to `/inbox/`.
 * Without a build, `/inbox` answers 503 with a hint to run `npm run build`.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NestExpressApplication } from '@nestjs/platform-express';
import express, { type NextFunction, type Request, type Response } from 'express';

/** Finds `<repo>/<name>/dist` walking up from this file (works from src/ and from dist/). */
export function findUiDist(name: string, from = dirname(fileURLToPath(import.meta.url))): string | null {
  let dir = from;
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, name, 'dist');
    if (existsSync(join(dir, name, 'package.json'))) return existsSync(join(candidate, 'index.html')) ? candidate : null;
    const up = resolve(dir, '..');
    if (up === dir) break;
    dir = up;
  }
  return null;
}

export function serveInbox(
  app: NestExpressApplication,
  dist: string | null = process.env.INBOX_DIST ?? findUiDist('inbox-ui'),
  builderDist: string | null = process.env.BUILDER_DIST ?? findUiDist('builder-ui'),
): void {
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method === 'GET' && req.path === '/') return res.redirect(302, '/inbox/');
    next();
  });
  serveSpa(app, '/inbox', dist, 'The inbox is not built: run `npm run build` (or `npm run dev -w inbox-ui` for development).');
  // the marketers' flow builder (builder-ui/dist), same rules
  serveSpa(app, '/builder', builderDist, 'The flow builder is not built: run `npm run build` (or `npm run dev -w builder-ui` for development).');
}

/** Serves a built single-page app at `mount` (hashed assets cached, index.html for client routes). */
export function serveSpa(app: NestExpressApplication, mount: string, dist: string | null, missing: string): void {
  if (!dist) {
    app.use(mount, (_req: Request, res: Response) => {
      res.status(503).type('text/plain').send(missing);
    });
    return;
  }
  const index = join(dist, 'index.html');
  app.use(
    mount,
    express.static(dist, {
      index: false,
      redirect: false,
      setHeaders: (res, path) => res.setHeader('Cache-Control', /[\\/]assets[\\/]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache'),
    }),
  );
  app.use(mount, (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    // a missing asset is a 404, not the app
    if (/\.[a-z0-9]{1,8}$/i.test(req.path) && req.path.startsWith('/assets/')) return next();
    if (req.originalUrl === mount) return res.redirect(301, `${mount}/`);
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
}
