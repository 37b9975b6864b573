/**
 * Loads the canvas island chunk (React + React Flow) once. The router starts it together with the
 * editor page's chunk, so it downloads and compiles while the flow is being fetched.
 */
let island: Promise<typeof import('./island.js')> | null = null;

export function loadIsland(): Promise<typeof import('./island.js')> {
  island ??= import('./island.js');
  return island;
}

/** `performance.mark('parley:<name>')` (bench/builder/profile.mjs reads these); never throws. */
export function mark(name: string): void {
  try {
    performance.mark(`parley:${name}`);
  } catch {
    /* no User Timing */
  }
}
