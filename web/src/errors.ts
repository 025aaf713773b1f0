import axios from 'axios';
import { isHttpError, isSessionExpiredError } from '@seamless/client';
import { summarize } from './demo.ts';

/** A sentence for the user about why a call failed. */
export function describeError(error: unknown): string {
  if (isSessionExpiredError(error)) {
    return 'Rejected: the session expired';
  }
  if (axios.isAxiosError(error)) {
    if (!error.response) {
      return `No answer: ${error.message}`;
    }
    const message = summarize(error.response.data);
    return `${error.response.status}${message ? ` ${message}` : ''}`;
  }
  if (isHttpError(error)) {
    if (error.status === 401) {
      return 'Invalid username or password';
    }
    if (error.status === 429) {
      const wait = error.retryAfter === undefined ? 'a little' : `${error.retryAfter}s`;
      return `Too many attempts: wait ${wait} and try again`;
    }
    return `${error.status} ${error.message}`;
  }
  return error instanceof Error ? error.message : 'Something went wrong';
}
