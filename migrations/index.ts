/** Ordered list of migrations; add new ones at the end. */
import { InitialSchema1763700000000 } from './1763700000000-initial-schema.js';
import { Flows1763710000001 } from './1763710000001-flows.js';
import { CannedResponses1763720000001 } from './1763720000001-canned-responses.js';
import { Jobs1763730000001 } from './1763730000001-jobs.js';
import { FlowAssign1763730000002 } from './1763730000002-flow-assign.js';
import { ChannelHealth1763750000001 } from './1763750000001-channel-health.js';
import { ChatsActivityIndex1763750000002 } from './1763750000002-chats-activity-index.js';
import { Webchat1763740000001 } from './1763740000001-webchat.js';
import { ChatsLastActivity1763761000001 } from './1763761000001-chats-last-activity.js';
import { MessageSearch1763761000002 } from './1763761000002-message-search.js';
import { Automations1763770000001 } from './1763770000001-automations.js';
import { FlowDraftRevision1763780000001 } from './1763780000001-flow-draft-revision.js';
import { ChatsContactIndex1763790000001 } from './1763790000001-chats-contact-index.js';
import { RetentionIndexes1763800000001 } from './1763800000001-retention-indexes.js';
import { RevocableSessions1763800000002 } from './1763800000002-revocable-sessions.js';
import { FlowLogRetention1763810000001 } from './1763810000001-flow-log-retention.js';

export const MIGRATIONS = [InitialSchema1763700000000, CannedResponses1763720000001, Flows1763710000001, Jobs1763730000001, FlowAssign1763730000002, ChannelHealth1763750000001, Webchat1763740000001, ChatsActivityIndex1763750000002, ChatsLastActivity1763761000001, MessageSearch1763761000002, Automations1763770000001, FlowDraftRevision1763780000001, ChatsContactIndex1763790000001, RetentionIndexes1763800000001, RevocableSessions1763800000002, FlowLogRetention1763810000001];
