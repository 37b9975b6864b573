import { AppError } from '../http/app-error.js';

/** Errors of the tenancy domain (auth, users). */
export const TenancyErrors = {
  emailTaken: (email: string) => new AppError('EMAIL_TAKEN', 'This email is already registered', { email }),
  invalidCredentials: () => new AppError('INVALID_CREDENTIALS', 'Wrong email or password'),
  unauthenticated: (why = 'Missing or invalid access token') => new AppError('UNAUTHENTICATED', why),
  forbidden: (action: string, subject: string) => new AppError('FORBIDDEN', `Your role may not ${action} ${subject}`, { action, subject }),
};
