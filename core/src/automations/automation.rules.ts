/**
 * Automation rules (issue 4: "rules: trigger + actions, enabled or disabled, with an execution
 * log, reuse the same engine"). A rule is one trigger node, optional conditions (the config of
 * `logic.condition`) and a list of actions (node types that do not wait for a message). It
 * compiles to a straight flow graph `trigger → [conditions →true] → action 1 → … → action n`,
 * published as a flow of kind `automation` and run by the flow engine.
 */
import { z } from 'zod';
import type { FlowGraph, FlowValidationError } from '../flows/flow.types.js';
import type { NodeRegistry } from '../flows/node-registry.js';
import { validateGraph } from '../flows/validate.js';

const nodeRef = z.object({ type: z.string().min(1).max(100), config: z.record(z.string(), z.unknown()).default({}) }).strict();

/** Body of POST/PUT `/api/v1/automations`. */
export const ruleSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    enabled: z.boolean().optional(),
    trigger: nodeRef,
    /** `logic.condition` config: `{operator, groups:[{operator, rules:[{value, op, compare?}]}]}`. */
    conditions: z.record(z.string(), z.unknown()).nullable().optional(),
    actions: z.array(nodeRef).min(1).max(20),
  })
  .strict();
export type RuleInput = z.infer<typeof ruleSchema>;

/** The rule as stored and answered (without name / enabled, which live on the flow row). */
export interface Rule {
  trigger: { type: string; config: Record<string, unknown> };
  conditions: Record<string, unknown> | null;
  actions: { type: string; config: Record<string, unknown> }[];
}

/** A rule problem; `path` is `trigger`, `conditions` or `actions[i]` (null: the rule). */
export interface RuleError {
  path: string | null;
  code: FlowValidationError['code'] | 'NOT_A_TRIGGER' | 'NOT_AN_ACTION' | 'ACTION_AFTER_END';
  message: string;
}

/** Node ids of the compiled graph. */
const TRIGGER = 'trigger';
const CONDITIONS = 'conditions';
const actionId = (i: number) => `action_${i + 1}`;

/** Maps a compiled node id back to the rule's path (`actions[0]`, …). */
export function pathOf(nodeId: string | null): string | null {
  if (nodeId === TRIGGER || nodeId === CONDITIONS || nodeId === null) return nodeId;
  const m = /^action_(\d+)$/.exec(nodeId);
  return m ? `actions[${Number(m[1]) - 1}]` : nodeId;
}

/** The straight graph of a rule (positions laid out top to bottom for the builder's read-only view). */
export function compileRule(rule: Rule): FlowGraph {
  const at = (i: number) => ({ x: 0, y: i * 120 });
  const nodes: FlowGraph['nodes'] = [{ id: TRIGGER, type: rule.trigger.type, position: at(0), config: rule.trigger.config }];
  const edges: FlowGraph['edges'] = [];
  let prev = TRIGGER;
  let handle = 'out';
  if (rule.conditions) {
    nodes.push({ id: CONDITIONS, type: 'logic.condition', position: at(1), config: rule.conditions });
    edges.push({ id: `${prev}-${handle}`, source: prev, sourceHandle: handle, target: CONDITIONS });
    prev = CONDITIONS;
    handle = 'true';
  }
  rule.actions.forEach((a, i) => {
    const id = actionId(i);
    nodes.push({ id, type: a.type, position: at(nodes.length), config: a.config });
    edges.push({ id: `${prev}-${handle}`, source: prev, sourceHandle: handle, target: id });
    prev = id;
    handle = 'out';
  });
  return { nodes, edges };
}

/**
 * Problems of a rule: the trigger must be a trigger node; actions must be non-trigger nodes
 * that do not wait for a customer's answer (`time.delay` is allowed) and have an `out` output,
 * except a last `chat.handoff` / `flow.end`; then the compiled graph's own validation (configs,
 * …). The `false` branch of the conditions is allowed to stay unconnected (the run ends).
 */
export function ruleErrors(rule: Rule, registry: NodeRegistry): RuleError[] {
  const errors: RuleError[] = [];
  const trig = registry.get(rule.trigger.type);
  if (trig && !trig.trigger) errors.push({ path: 'trigger', code: 'NOT_A_TRIGGER', message: `${rule.trigger.type} is not a trigger` });
  rule.actions.forEach((a, i) => {
    const def = registry.get(a.type);
    if (!def) return; // UNKNOWN_NODE_TYPE from the graph validation
    const path = `actions[${i}]`;
    if (def.trigger || (def.waits && a.type !== 'time.delay') || a.type === 'logic.condition' || a.type === 'logic.switch' || a.type === 'logic.ab_split' || a.type === 'logic.business_hours') {
      errors.push({ path, code: 'NOT_AN_ACTION', message: `${a.type} cannot be an action (triggers, branches and nodes that wait for an answer are not allowed)` });
    } else if (!def.outputs.includes('out') && i < rule.actions.length - 1) {
      errors.push({ path, code: 'ACTION_AFTER_END', message: `${a.type} ends the run: it must be the last action` });
    }
  });
  if (errors.length) return errors;
  for (const e of validateGraph(compileRule(rule), registry)) {
    // the conditions' false branch ends the run on purpose
    if (e.code === 'MISSING_BRANCH' && e.nodeId === CONDITIONS && /false/.test(e.message)) continue;
    errors.push({ path: pathOf(e.nodeId), code: e.code, message: e.message });
  }
  return errors;
}
