/**
 * Experiment (upper bound, NOT correct behaviour): skip the realtime work done after every
 * inbound commit (PostCommitHandlers.inboundCommitted loads the new messages, chats, contacts
 * and tags through TypeORM and emits socket.io events). The bench connects no socket.io
 * client, so this measures what that work costs when nobody listens.
 *
 *   node bench/ingest/run.mjs --server-arg=--import=./bench/ingest/experiments/no-postcommit-views.mjs
 */
const { PostCommitHandlers } = await import(new URL('../../../core/dist/core/src/conversations/post-commit.js', import.meta.url).href);

PostCommitHandlers.prototype.inboundCommitted = async function () {};
