/**
 * Connecting a number: `GET {graph}/{phoneNumberId}?fields=display_phone_number,verified_name,quality_rating`
 * with the channel's Bearer token (Meta …/business-phone-numbers/phone-numbers). Answer:
 * `{"display_phone_number":"+1 555-078-3881","verified_name":"Lucky Shrub","quality_rating":"GREEN","id":"106540352242922"}`.
 */
import { ChannelError, type ChannelContext, type ConnectResult } from '@parley/sdk';
import { graphBaseUrl, type WhatsAppConfig } from './config.js';
import { graphJson } from './graph.js';

/** Fields asked of the phone-number node. */
export const PHONE_FIELDS = 'display_phone_number,verified_name,quality_rating';

/**
 * Validates the token against the phone number and returns `{accountId: phoneNumberId, info}`.
 * A rejected token → `INVALID_CREDENTIALS`; an id the token cannot see (Graph code 100) →
 * `INVALID_CONFIG`; other failures as mapped by `mapGraphError`.
 */
export async function connect(ctx: ChannelContext<WhatsAppConfig>): Promise<ConnectResult> {
  const { phoneNumberId, accessToken } = ctx.config;
  let answer: Record<string, unknown>;
  try {
    answer = await graphJson(ctx, {
      method: 'GET',
      url: `${graphBaseUrl(ctx)}/${encodeURIComponent(phoneNumberId)}?fields=${PHONE_FIELDS}`,
      accessToken,
      what: 'connect',
    });
  } catch (err) {
    if (err instanceof ChannelError && err.code === 'PERMANENT' && err.providerCode === 100) {
      throw new ChannelError('INVALID_CONFIG', `Phone number id ${phoneNumberId} does not exist or is not accessible with this token`, {
        providerCode: err.providerCode,
        providerMessage: err.providerMessage,
        cause: err,
      });
    }
    throw err;
  }
  const text = (v: unknown) => (typeof v === 'string' ? v : null);
  return {
    accountId: phoneNumberId,
    info: {
      displayPhoneNumber: text(answer.display_phone_number),
      verifiedName: text(answer.verified_name),
      qualityRating: text(answer.quality_rating),
    },
  };
}
