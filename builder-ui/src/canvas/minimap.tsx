/**
 * The canvas' minimap, drawn on one <canvas>: every node a filled box in its category's colour,
 * the part outside the view shaded. React Flow's own <MiniMap> renders one SVG element and one
 * store subscription per node, which re-run on every viewport change; on a large flow that was
 * a sizeable part of loading and panning (bench/builder). Dragging and wheeling on it pan and
 * zoom the canvas through @xyflow/system's XYMinimap (the same handlers as <MiniMap pannable
 * zoomable>).
 */
import { memo, useEffect, useMemo, useRef } from 'react';
import { Panel, useStore, useStoreApi, type ReactFlowState } from '@xyflow/react';
import { XYMinimap, type XYMinimapInstance } from '@xyflow/system';

const WIDTH = 200;
const HEIGHT = 150;
/** Margin around the drawn area, in minimap pixels. */
const MARGIN = 5;

/** A node as the minimap needs it: flow coordinates and size, and its category (for the colour). */
export interface MinimapNode {
  x: number;
  y: number;
  width: number;
  height: number;
  category: string;
}

const viewSelector = (s: ReactFlowState) => `${s.transform[0]},${s.transform[1]},${s.transform[2]},${s.width},${s.height}`;

/** Category colours from the page's CSS custom properties (`--cat-<category>`), read once. */
const colours = new Map<string, string>();
function colour(category: string): string {
  let c = colours.get(category);
  if (!c) {
    c = getComputedStyle(document.documentElement).getPropertyValue(`--cat-${category}`).trim() || '#94a3b8';
    colours.set(category, c);
  }
  return c;
}

export const Minimap = memo(function Minimap({ nodes, label }: { nodes: MinimapNode[]; label: string }) {
  const store = useStoreApi();
  const canvas = useRef<HTMLCanvasElement>(null);
  const scaleRef = useRef(1);
  const panZoom = useStore((s) => s.panZoom);
  const view = useStore(viewSelector);
  const flowSize = useStore((s) => `${s.width},${s.height}`);

  // the nodes' bounds change only with the nodes, not with the view
  const bounds = useMemo(() => {
    if (!nodes.length) return null;
    let x1 = Infinity, y1 = Infinity, x2 = -Infinity, y2 = -Infinity;
    for (const n of nodes) {
      x1 = Math.min(x1, n.x);
      y1 = Math.min(y1, n.y);
      x2 = Math.max(x2, n.x + n.width);
      y2 = Math.max(y2, n.y + n.height);
    }
    return { x1, y1, x2, y2 };
  }, [nodes]);

  // draw: the nodes, then the shade outside the view (what is drawn covers both)
  useEffect(() => {
    const el = canvas.current;
    const ctx = el?.getContext('2d');
    if (!el || !ctx) return;
    const [tx, ty, zoom, vw, vh] = view.split(',').map(Number);
    const vb = { x1: -tx / zoom, y1: -ty / zoom, x2: (vw - tx) / zoom, y2: (vh - ty) / zoom };
    const b = bounds ? { x1: Math.min(bounds.x1, vb.x1), y1: Math.min(bounds.y1, vb.y1), x2: Math.max(bounds.x2, vb.x2), y2: Math.max(bounds.y2, vb.y2) } : vb;
    const scale = Math.max((b.x2 - b.x1) / (WIDTH - 2 * MARGIN), (b.y2 - b.y1) / (HEIGHT - 2 * MARGIN)) || 1;
    scaleRef.current = scale;
    // centre the drawn area
    const ox = (WIDTH - (b.x2 - b.x1) / scale) / 2 - b.x1 / scale;
    const oy = (HEIGHT - (b.y2 - b.y1) / scale) / 2 - b.y1 / scale;
    const dpr = window.devicePixelRatio || 1;
    if (el.width !== WIDTH * dpr) {
      el.width = WIDTH * dpr;
      el.height = HEIGHT * dpr;
    }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, WIDTH, HEIGHT);
    let last = '';
    for (const n of nodes) {
      const c = colour(n.category);
      if (c !== last) ctx.fillStyle = last = c;
      ctx.fillRect(n.x / scale + ox, n.y / scale + oy, Math.max(1, n.width / scale), Math.max(1, n.height / scale));
    }
    ctx.fillStyle = 'rgba(240, 240, 240, 0.6)';
    ctx.beginPath();
    ctx.rect(0, 0, WIDTH, HEIGHT);
    ctx.rect(vb.x1 / scale + ox, vb.y1 / scale + oy, (vb.x2 - vb.x1) / scale, (vb.y2 - vb.y1) / scale);
    ctx.fill('evenodd');
  }, [nodes, bounds, view]);

  // drag to pan, wheel to zoom (React Flow's minimap handlers)
  const instance = useRef<XYMinimapInstance | null>(null);
  useEffect(() => {
    if (!canvas.current || !panZoom) return;
    instance.current = XYMinimap({ domNode: canvas.current, panZoom, getTransform: () => store.getState().transform, getViewScale: () => scaleRef.current });
    return () => {
      instance.current?.destroy();
      instance.current = null;
    };
  }, [panZoom, store]);
  useEffect(() => {
    const s = store.getState();
    instance.current?.update({ translateExtent: s.translateExtent, width: s.width, height: s.height, pannable: true, zoomable: true, zoomStep: 1, inversePan: false });
  }, [panZoom, flowSize, store]);

  return (
    <Panel position="bottom-right" className="react-flow__minimap pminimap" data-testid="minimap">
      <canvas ref={canvas} role="img" aria-label={label} style={{ width: WIDTH, height: HEIGHT, display: 'block' }} />
    </Panel>
  );
});
