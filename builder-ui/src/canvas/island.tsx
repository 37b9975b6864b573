/**
 * The canvas: React Flow (@xyflow/react 12) mounted as one island inside the Vue editor. It holds
 * no document state of its own: it renders the snapshot the Vue side publishes (nodes, edges,
 * selection, validation errors, the test run's current node, analytics) and reports edits
 * through `actions`. Only transient UI state lives here: positions while a drag is in progress
 * and measured node sizes.
 */
import { StrictMode, memo, useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore, type DragEvent, type PointerEvent } from 'react';
import { createRoot } from 'react-dom/client';
import {
  Background, BackgroundVariant, Handle, Position, ReactFlow, ReactFlowProvider, getViewportForBounds, useNodesInitialized, useReactFlow, useStore,
  type Connection, type Edge, type EdgeChange, type Node, type NodeChange, type NodeProps,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import type { FlowEdge, FlowNode, NodeStats, NodeType, ValidationError } from '../api/types.js';
import { summarize } from './summary.js';
import { NODE_DRAG_TYPE } from './constants.js';
import { mark } from './load.js';
import { Minimap, type MinimapNode } from './minimap.js';

export interface CanvasSnapshot {
  nodes: FlowNode[];
  edges: FlowEdge[];
  selectedNodes: string[];
  selectedEdges: string[];
  errors: Map<string, ValidationError[]>;
  highlight: string | null;
  stats: Map<string, NodeStats> | null;
  types: Map<string, NodeType>;
  readOnly: boolean;
  focus: { id: string; at: number } | null;
  labels: { trigger: string; entries: string; dropOffs: string; minimap: string; categories: Record<string, string> };
}

export interface CanvasActions {
  move(positions: Record<string, { x: number; y: number }>): void;
  connect(source: string, sourceHandle: string | null, target: string): void;
  canConnect(source: string, sourceHandle: string | null, target: string): boolean;
  select(nodeIds: string[], edgeIds: string[]): void;
  drop(type: string, position: { x: number; y: number }): void;
}

export interface CanvasApi {
  fitView(): void;
  zoomIn(): void;
  zoomOut(): void;
  /** The flow coordinates at the middle of the visible canvas (where keyboard-added nodes go). */
  center(): { x: number; y: number };
}

export interface CanvasBridge {
  subscribe(listener: () => void): () => void;
  getSnapshot(): CanvasSnapshot;
  actions: CanvasActions;
  ready(api: CanvasApi): void;
}

const NODE_WIDTH = 240;
/** A card's usual height before it is measured (for the first view, fitted before any measuring). */
const NODE_HEIGHT_GUESS = 110;
const MIN_ZOOM = 0.05;
const MAX_ZOOM = 2;
const FIT_PADDING = 0.15;
/**
 * Below this zoom cards are drawn as plain coloured boxes at their usual size (text and handles
 * hidden, no shadows or gradients; no dot grid, no wide hit paths beside edges): text there is
 * under 4 px and unreadable, and drawing it is most of the cost of showing and panning a large
 * flow. Zooming in brings the details back.
 */
export const FAR_ZOOM = 0.3;
const isFar = (s: { transform: [number, number, number] }) => s.transform[2] < FAR_ZOOM;

/**
 * The view that fits every node, from positions and guessed sizes, so the first render already
 * shows the fitted view: rendering at the default view first would mount every node, unmount
 * the ones outside it once measured (`onlyRenderVisibleElements`) and mount them again on fit.
 */
function guessFit(nodes: FlowNode[], size: { width: number; height: number }): { x: number; y: number; zoom: number } {
  if (!nodes.length || !size.width || !size.height) return { x: 0, y: 0, zoom: 1 };
  let x1 = Infinity, y1 = Infinity, x2 = -Infinity, y2 = -Infinity;
  for (const n of nodes) {
    x1 = Math.min(x1, n.position.x);
    y1 = Math.min(y1, n.position.y);
    x2 = Math.max(x2, n.position.x + NODE_WIDTH);
    y2 = Math.max(y2, n.position.y + NODE_HEIGHT_GUESS);
  }
  return getViewportForBounds({ x: x1, y: y1, width: x2 - x1, height: y2 - y1 }, size.width, size.height, MIN_ZOOM, MAX_ZOOM, FIT_PADDING);
}

type NodeData = {
  node: FlowNode;
  def: NodeType | undefined;
  errors: ValidationError[] | undefined;
  current: boolean;
  stats: NodeStats | undefined;
  showStats: boolean;
  labels: CanvasSnapshot['labels'];
};
type RFNode = Node<NodeData, 'parley'>;

const ICONS: Record<string, string> = { trigger: '⚡', message: '💬', input: '❓', logic: '◇', data: '𝑥', contact: '👤', chat: '🎧', time: '⏱', integration: '🔌', code: '{}', flow: '↪' };

const ParleyNode = memo(function ParleyNode({ data, selected }: NodeProps<RFNode>) {
  const { node, def, errors, current, stats, showStats, labels } = data;
  const outputs = def?.outputs ?? ['out'];
  const category = def?.category ?? 'plugin';
  const summary = summarize(node);
  const named = outputs.length > 1 || (outputs.length === 1 && outputs[0] !== 'out');
  return (
    <div
      className={`pnode cat-${category}${selected ? ' is-selected' : ''}${errors?.length ? ' has-error' : ''}${current ? ' is-current' : ''}`}
      data-node-id={node.id}
      data-node-type={node.type}
      style={{ width: NODE_WIDTH }}
    >
      {!def?.trigger && <Handle type="target" position={Position.Left} id="in" className="phandle-in" />}
      <div className="pnode-head">
        <span className="pnode-icon" aria-hidden="true">{ICONS[category] ?? '◆'}</span>
        <span className="pnode-title">{def?.label ?? node.type}</span>
        {def?.trigger && <span className="pnode-tag">{labels.trigger}</span>}
      </div>
      {summary && <div className="pnode-body">{summary}</div>}
      {showStats && (
        <div className="pnode-stats" data-testid="node-stats">
          <span>▶ {stats?.entries ?? 0} {labels.entries}</span>
          {(stats?.dropOffs ?? 0) > 0 && <span className="drop">✕ {stats?.dropOffs} {labels.dropOffs}</span>}
        </div>
      )}
      {errors?.length ? (
        <div className="pnode-errors" role="alert">
          {errors.slice(0, 2).map((e, i) => <div key={i}>{e.message}</div>)}
          {errors.length > 2 && <div>+{errors.length - 2}</div>}
        </div>
      ) : null}
      {named ? (
        <div className="pnode-outputs">
          {outputs.map((o) => (
            <div key={o} className={`pnode-out out-${o}`}>
              <span>{o.replace(/_/g, ' ')}</span>
              {showStats && stats?.exits[o] ? <span className="exit-count">{stats.exits[o]}</span> : null}
              <Handle type="source" position={Position.Right} id={o} className="phandle-out" />
            </div>
          ))}
        </div>
      ) : outputs.length === 1 ? (
        <Handle type="source" position={Position.Right} id="out" className="phandle-out" />
      ) : null}
    </div>
  );
},
// React Flow passes the position and measured size too: a card only depends on its data and
// selection, so moves, drags and measuring do not re-render cards (and their handles)
(a, b) => a.data === b.data && a.selected === b.selected);

const nodeTypes = { parley: ParleyNode };

function Canvas({ bridge, size }: { bridge: CanvasBridge; size: { width: number; height: number } }) {
  const snap = useSyncExternalStore(bridge.subscribe, bridge.getSnapshot);
  const [initialViewport] = useState(() => guessFit(snap.nodes, size));
  // while the view pans or zooms, nodes and edges take no pointer events (`is-moving`, styles.css)
  const [moving, setMoving] = useState(false);
  // (programmatic moves such as fitView have no event: no class toggling for those)
  const onMoveStart = useCallback((e: unknown) => e && setMoving(true), []);
  const onMoveEnd = useCallback(() => setMoving(false), []);
  const far = useStore(isFar);
  // a pan gesture keeps the pointer on the pane: Chromium then skips most hit testing of the
  // hundreds of node boxes under the moving pointer (bench/builder)
  const onPointerDown = useCallback((e: PointerEvent<HTMLDivElement>) => {
    const t = e.target as Element;
    if (e.button === 0 && !e.shiftKey && t.classList?.contains('react-flow__pane')) t.setPointerCapture?.(e.pointerId);
  }, []);
  const snapRef = useRef(snap);
  snapRef.current = snap;
  const flow = useReactFlow();
  const initialized = useNodesInitialized();
  const [ready, setReady] = useState(false);
  const [dragging, setDragging] = useState<Record<string, { x: number; y: number }> | null>(null);
  const [measured, setMeasured] = useState<Map<string, { width: number; height: number }>>(() => new Map());
  const cache = useRef(new Map<string, RFNode>());

  const selected = useMemo(() => new Set(snap.selectedNodes), [snap.selectedNodes]);
  const selectedEdges = useMemo(() => new Set(snap.selectedEdges), [snap.selectedEdges]);

  // store nodes → React Flow nodes, reusing objects whose inputs did not change
  const rfNodes = useMemo(() => {
    const next = new Map<string, RFNode>();
    const showStats = snap.stats !== null;
    const out = snap.nodes.map((n) => {
      const prev = cache.current.get(n.id);
      const position = dragging?.[n.id] ?? n.position;
      const m = measured.get(n.id);
      const errors = snap.errors.get(n.id);
      const stats = snap.stats?.get(n.id);
      const def = snap.types.get(n.type);
      const current = snap.highlight === n.id;
      const isSel = selected.has(n.id);
      if (
        prev && prev.data.node === n && prev.position === position && prev.measured === m && prev.data.errors === errors && prev.data.stats === stats &&
        prev.data.def === def && prev.data.current === current && prev.selected === isSel && prev.data.showStats === showStats && prev.data.labels === snap.labels &&
        prev.draggable === !snap.readOnly
      ) {
        next.set(n.id, prev);
        return prev;
      }
      const rf: RFNode = {
        id: n.id, type: 'parley', position, measured: m, selected: isSel, draggable: !snap.readOnly, connectable: !snap.readOnly,
        data: { node: n, def, errors, current, stats, showStats, labels: snap.labels },
      };
      next.set(n.id, rf);
      return rf;
    });
    cache.current = next;
    return out;
  }, [snap, dragging, measured, selected]);

  // the minimap's boxes (positions while dragging, measured sizes), rebuilt only when nodes change
  const miniNodes = useMemo<MinimapNode[]>(
    () => rfNodes.map((n) => ({ x: n.position.x, y: n.position.y, width: n.measured?.width ?? NODE_WIDTH, height: n.measured?.height ?? NODE_HEIGHT_GUESS, category: n.data.def?.category ?? 'plugin' })),
    [rfNodes],
  );

  const rfEdges = useMemo<Edge[]>(
    () =>
      snap.edges.map((e) => ({
        id: e.id, source: e.source, sourceHandle: e.sourceHandle,
        target: e.target, targetHandle: 'in', selected: selectedEdges.has(e.id), animated: snap.highlight === e.source,
        className: snap.errors.has(e.target) ? 'edge-to-error' : undefined,
        // zoomed far out an edge is a hairline: no wide invisible hit path beside each one
        interactionWidth: far ? 0 : 20,
      })),
    [snap.edges, snap.highlight, selectedEdges, snap.errors, far],
  );

  const onNodesChange = useCallback((changes: NodeChange<RFNode>[]) => {
    const s = snapRef.current;
    let sel: Set<string> | null = null;
    const drag: Record<string, { x: number; y: number }> = {};
    const done: Record<string, { x: number; y: number }> = {};
    let dims: Map<string, { width: number; height: number }> | null = null;
    for (const c of changes) {
      if (c.type === 'select') {
        sel ??= new Set(s.selectedNodes);
        if (c.selected) sel.add(c.id);
        else sel.delete(c.id);
      } else if (c.type === 'position' && c.position) {
        if (c.dragging) drag[c.id] = c.position;
        else done[c.id] = c.position;
      } else if (c.type === 'dimensions' && c.dimensions) {
        dims ??= new Map();
        dims.set(c.id, { width: c.dimensions.width, height: c.dimensions.height });
      }
    }
    if (dims) {
      const d = dims;
      setMeasured((prev) => {
        const m = new Map(prev);
        for (const [id, v] of d) {
          const p = m.get(id);
          if (!p || p.width !== v.width || p.height !== v.height) m.set(id, v);
        }
        return m;
      });
    }
    if (Object.keys(drag).length) setDragging((prev) => ({ ...(prev ?? {}), ...drag }));
    if (Object.keys(done).length) {
      bridge.actions.move(done);
      setDragging(null);
    }
    if (sel) bridge.actions.select([...sel], s.selectedEdges);
  }, [bridge]);

  const onEdgesChange = useCallback((changes: EdgeChange[]) => {
    const s = snapRef.current;
    let sel: Set<string> | null = null;
    for (const c of changes) {
      if (c.type !== 'select') continue;
      sel ??= new Set(s.selectedEdges);
      if (c.selected) sel.add(c.id);
      else sel.delete(c.id);
    }
    if (sel) bridge.actions.select(s.selectedNodes, [...sel]);
  }, [bridge]);

  const onNodeDragStop = useCallback((_e: unknown, _n: RFNode, nodes: RFNode[]) => {
    const pos: Record<string, { x: number; y: number }> = {};
    for (const n of nodes) pos[n.id] = n.position;
    bridge.actions.move(pos);
    setDragging(null);
  }, [bridge]);

  const onConnect = useCallback((c: Connection) => bridge.actions.connect(c.source, c.sourceHandle ?? null, c.target), [bridge]);
  const isValidConnection = useCallback((c: Connection | Edge) => bridge.actions.canConnect(c.source, c.sourceHandle ?? null, c.target), [bridge]);

  const onDragOver = useCallback((e: DragEvent) => {
    if (!e.dataTransfer.types.includes(NODE_DRAG_TYPE)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'move';
  }, []);
  const onDrop = useCallback((e: DragEvent) => {
    const type = e.dataTransfer.getData(NODE_DRAG_TYPE);
    if (!type) return;
    e.preventDefault();
    const p = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
    bridge.actions.drop(type, { x: p.x - NODE_WIDTH / 2, y: p.y - 24 });
  }, [bridge, flow]);

  // the imperative API for the toolbar and keyboard-added nodes
  useEffect(() => {
    bridge.ready({
      fitView: () => void flow.fitView({ padding: 0.15, duration: 200 }),
      zoomIn: () => void flow.zoomIn({ duration: 150 }),
      zoomOut: () => void flow.zoomOut({ duration: 150 }),
      center: () => {
        const el = document.querySelector('.react-flow') as HTMLElement | null;
        const r = el?.getBoundingClientRect();
        return r ? flow.screenToFlowPosition({ x: r.left + r.width / 2, y: r.top + r.height / 2 }) : { x: 0, y: 0 };
      },
    });
  }, [bridge, flow]);

  // fit once every node has been measured, then say the canvas is interactive
  useEffect(() => {
    if (ready || (!initialized && snap.nodes.length)) return;
    mark('nodes-measured');
    if (snap.nodes.length) void flow.fitView({ padding: FIT_PADDING });
    requestAnimationFrame(() => {
      setReady(true);
      mark('canvas-ready');
      // for bench/builder: when the fitted canvas was first interactive (ms since navigation)
      (window as { __parleyCanvasReadyAt?: number }).__parleyCanvasReadyAt = performance.now();
    });
  }, [initialized, ready, flow, snap.nodes.length]);

  // bring a node into view (a problem clicked in the list)
  useEffect(() => {
    if (!snap.focus) return;
    const n = snap.nodes.find((x) => x.id === snap.focus!.id);
    if (!n) return;
    const m = measured.get(n.id);
    void flow.setCenter(n.position.x + (m?.width ?? NODE_WIDTH) / 2, n.position.y + (m?.height ?? 80) / 2, { zoom: Math.max(flow.getZoom(), 1), duration: 300 });
  }, [snap.focus]); // eslint-disable-line react-hooks/exhaustive-deps

  const large = snap.nodes.length > 300;
  return (
    <div className={`canvas-host${moving ? ' is-moving' : ''}${far ? ' is-far' : ''}`} data-ready={ready ? 'true' : 'false'} data-node-count={snap.nodes.length} onDragOver={onDragOver} onDrop={onDrop} onPointerDown={onPointerDown} dir="ltr">
      <ReactFlow<RFNode, Edge>
        nodes={rfNodes}
        edges={rfEdges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onNodeDragStop={onNodeDragStop}
        onConnect={onConnect}
        isValidConnection={isValidConnection}
        nodesDraggable={!snap.readOnly}
        nodesConnectable={!snap.readOnly}
        deleteKeyCode={null}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={['Meta', 'Control', 'Shift']}
        minZoom={MIN_ZOOM}
        maxZoom={MAX_ZOOM}
        defaultViewport={initialViewport}
        onMoveStart={onMoveStart}
        onMoveEnd={onMoveEnd}
        onlyRenderVisibleElements={large}
        defaultEdgeOptions={{ type: 'default' }}
        proOptions={{ hideAttribution: true }}
        elevateEdgesOnSelect
      >
        {!far && <Background variant={BackgroundVariant.Dots} gap={20} size={1.2} />}
        <Minimap nodes={miniNodes} label={snap.labels.minimap} />
      </ReactFlow>
    </div>
  );
}

/** Mounts the canvas into `el`; returns the unmount function. */
export function mountCanvas(el: HTMLElement, bridge: CanvasBridge): () => void {
  const root = createRoot(el);
  const size = { width: el.clientWidth, height: el.clientHeight };
  root.render(
    <StrictMode>
      <ReactFlowProvider>
        <Canvas bridge={bridge} size={size} />
      </ReactFlowProvider>
    </StrictMode>,
  );
  return () => root.unmount();
}
