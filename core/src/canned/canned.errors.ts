import { AppError } from '../http/app-error.js';

/** Typed errors of canned responses. */
export const CannedErrors = {
  shortcutTaken: (shortcut: string) => new AppError('CONFLICT', `A canned response with the shortcut "/${shortcut}" already exists`, { shortcut }),
};
