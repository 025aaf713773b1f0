import axios from 'axios';
import { isHttpError, isSessionExpiredError } from '@seamless/client';
import { summarize } from './demo.ts';
import { say, type Text } from './i18n/index.ts';

/** A sentence for the user about why a call failed. */
export function describeError(error: unknown): Text {
  if (isSessionExpiredError(error)) {
    return ({ t }) => t.errors.sessionExpired;
  }
  if (axios.isAxiosError(error)) {
    const { response, message } = error;
    if (!response) {
      return ({ t }) => t.errors.noAnswer(message);
    }
    const summary = summarize(response.data);
    return (i18n) => {
      const text = say(summary, i18n);
      return `${response.status}${text ? ` ${text}` : ''}`;
    };
  }
  if (isHttpError(error)) {
    if (error.status === 401) {
      return ({ t }) => t.errors.invalidCredentials;
    }
    if (error.status === 429) {
      const { retryAfter } = error;
      return ({ t }) => t.errors.tooManyAttempts(retryAfter);
    }
    return `${error.status} ${error.message}`;
  }
  return error instanceof Error ? error.message : ({ t }) => t.errors.unknown;
}
