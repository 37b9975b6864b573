import { AppError } from '../http/app-error.js';

export const ConversationErrors = {
  outsideWindow: (lastInboundAt: number | null, windowMs: number) =>
    new AppError(
      'OUTSIDE_CUSTOMER_SERVICE_WINDOW',
      'The customer-service window is closed: more than 24 hours have passed since the customer last wrote. Send an approved template instead.',
      { lastInboundAt: lastInboundAt ? new Date(lastInboundAt).toISOString() : null, windowHours: windowMs / 3_600_000 },
    ),
};
