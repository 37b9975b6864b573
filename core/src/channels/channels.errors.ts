import { AppError } from '../http/app-error.js';

export const ChannelErrors = {
  unknownType: (type: string, known: string[]) => new AppError('CHANNEL_TYPE_UNKNOWN', `No installed plugin provides channel type "${type}"`, { type, known }),
  invalidConfig: (message: string) => new AppError('CHANNEL_CONFIG_INVALID', message),
  invalidCredentials: (message: string, providerCode?: string | number) =>
    new AppError('CHANNEL_CREDENTIALS_INVALID', `The provider rejected the credentials: ${message}`, providerCode !== undefined ? { providerCode } : undefined),
  accountTaken: (type: string, accountId: string) =>
    new AppError('CHANNEL_ACCOUNT_TAKEN', `This ${type} account is already connected to Parley`, { type, accountId }),
  providerUnavailable: (message: string) => new AppError('CHANNEL_PROVIDER_UNAVAILABLE', `The provider could not be reached: ${message}`),
  loginNotSupported: (type: string) => new AppError('CHANNEL_LOGIN_NOT_SUPPORTED', `Channel type "${type}" has no login exchange`, { type }),
  loginSessionInvalid: (message: string, details?: Record<string, unknown>) => new AppError('CHANNEL_LOGIN_SESSION_INVALID', message, details),
  badSignature: () => new AppError('WEBHOOK_SIGNATURE_INVALID', 'Webhook signature is missing or invalid'),
  badPayload: (message: string) => new AppError('WEBHOOK_PAYLOAD_INVALID', message),
};
