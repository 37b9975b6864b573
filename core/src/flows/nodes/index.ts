/** The built-in node types of core. */
import type { NodeDefinition } from '@parley/sdk';
import { chatHandoff, codeJavascript, contactTag } from './actions.js';
import { condition, flowEnd, setVariable } from './logic.js';
import { EVENT_TRIGGERS } from './event-triggers.js';
import { askQuestion, sendText } from './messaging.js';
import { abSplit, updateContactField } from './more.js';
import { triggerKeyword, triggerMessage, triggerNewChat, triggerSchedule, triggerWebhook } from './triggers.js';
import { chatAssign, flowGoto, httpRequest, logicSwitch } from './routing.js';
import { sendButtons, sendMedia, sendTemplate } from './send.js';
import { businessHours, timeDelay } from './time.js';

export const BUILTIN_NODES: NodeDefinition[] = [
  triggerMessage, triggerKeyword, triggerNewChat, sendText, askQuestion, condition, setVariable, contactTag, chatHandoff, codeJavascript, flowEnd,
  abSplit, updateContactField, triggerSchedule, triggerWebhook, sendMedia, sendTemplate, sendButtons, logicSwitch, businessHours, chatAssign, httpRequest,
  flowGoto, timeDelay, ...EVENT_TRIGGERS,
];
