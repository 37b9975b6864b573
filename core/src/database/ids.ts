import { v7 } from 'uuid';

/** A new time-ordered id (UUIDv7): sorting ids sorts by creation time. */
export function newId(): string {
  return v7();
}
