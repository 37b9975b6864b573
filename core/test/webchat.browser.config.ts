/**
 * Browser test of the website chat (`npm run test:browser` runs it after the inbox's): the
 * inbox's browser config with this folder's webchat*.browser.ts files.
 */
import config from '../../inbox-ui/vitest.browser.config.js';

const webchat = { ...config, test: { ...config.test, include: ['core/test/webchat*.browser.ts'] } };
export default webchat;
