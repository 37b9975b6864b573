/** The built-in node types of core. */
import type { NodeDefinition } from '@parley/sdk';
import { chatHandoff, codeJavascript, contactTag } from './actions.js';
import { condition, flowEnd, setVariable } from './logic.js';
import { askQuestion, sendText } from './messaging.js';
import { abSplit, updateContactField } from './more.js';
import { triggerKeyword, triggerMessage, triggerNewChat } from './triggers.js';

export const BUILTIN_NODES: NodeDefinition[] = [
  triggerMessage, triggerKeyword, triggerNewChat, sendText, askQuestion, condition, setVariable, contactTag, chatHandoff, codeJavascript, flowEnd,
  abSplit, updateContactField,
];
