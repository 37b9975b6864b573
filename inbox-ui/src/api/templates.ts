/** Message templates of a channel, for the composer when the customer-service window is closed. */
import { ApiError, http } from '@parley/ui-kit';

/**
 * A provider message template as `GET /api/v1/channels/:id/templates` answers it (approved ones
 * only). `components` are WhatsApp Graph API `message_templates` component objects as given:
 * `{type:"HEADER", format:"TEXT"|"IMAGE"|"VIDEO"|"DOCUMENT"|"LOCATION", text?}`,
 * `{type:"BODY", text}`, `{type:"FOOTER", text}`, `{type:"BUTTONS", buttons:[{type, text, …}]}`.
 * `bodyParams` is the number of distinct `{{…}}` placeholders in the BODY text.
 */
export interface MessageTemplate {
  name: string;
  language: string;
  category: string;
  status: string;
  components: TemplateComponent[];
  bodyParams: number;
}

export interface TemplateComponent {
  type: string;
  format?: string;
  text?: string;
  buttons?: { type: string; text?: string; url?: string; phone_number?: string }[];
  [key: string]: unknown;
}

export const templatesApi = {
  /** The channel's approved templates; `[]` when the channel type has none (404 included). */
  async list(channelId: string): Promise<MessageTemplate[]> {
    try {
      return (await http.get<{ data: MessageTemplate[] }>(`/api/v1/channels/${encodeURIComponent(channelId)}/templates`)).data;
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return [];
      throw e;
    }
  },
};
