import { AppError } from '../http/app-error.js';
import type { FlowValidationError } from './flow.types.js';

/** Errors of the flows domain. */
export const FlowErrors = {
  /** 422: the graph has problems; `details.errors` lists them per node. */
  invalid: (errors: FlowValidationError[]) => new AppError('FLOW_INVALID', 'The flow is not valid', { errors }),
  /** 422: enabling (or running) a flow that has no published version. */
  notPublished: (flowId: string) => new AppError('FLOW_NOT_PUBLISHED', 'Publish the flow before enabling it', { flowId }),
  /** 409: continuing a simulation that is not waiting for input. */
  runNotWaiting: (runId: string, status: string) => new AppError('FLOW_RUN_NOT_WAITING', `The run is ${status}, not waiting for input`, { runId, status }),
  /**
   * 409: the draft was saved by someone else (another tab or person) since `revision` was read.
   * `details.revision` is the stored one; reload the flow (or save again with it to overwrite).
   */
  draftConflict: (flowId: string, revision: number, yours: number) =>
    new AppError('DRAFT_CONFLICT', 'The draft was changed elsewhere since you loaded it', { flowId, revision, yourRevision: yours }),
  /** 422: more nodes (or edges) than the server allows in one flow (`FLOW_MAX_NODES`; edges 4 per node). */
  tooLarge: (nodes: number, edges: number, maxNodes: number) =>
    new AppError('FLOW_TOO_LARGE', `A flow may have at most ${maxNodes} nodes and ${maxNodes * 4} edges (this one has ${nodes} and ${edges})`, { nodes, edges, maxNodes, maxEdges: maxNodes * 4 }),
};
