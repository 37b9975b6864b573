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
};
