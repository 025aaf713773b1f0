import { useEffect, useState } from 'react';
import type { Session } from '@seamless/client';
import { api } from '../demo.ts';
import { describeError } from '../errors.ts';
import { say, useI18n, type Text } from '../i18n/index.ts';
import { spoilSignature } from '../spoil.ts';
import { logNote } from '../log.ts';
import { replaceAccessToken, signOut } from '../session.ts';
import { Sessions } from './Sessions.tsx';
import { TokenTimes } from './TokenTimes.tsx';

interface DashboardProps {
  readonly session: Session;
}

interface Me {
  readonly id: number | string;
  readonly username: string;
}

interface Answer {
  readonly key: number;
  readonly request: string;
  readonly outcome: 'pending' | 'ok' | 'error';
  readonly text: Text;
}

let answerKey = 0;

/** The signed-in view: who you are, buttons that exercise the client, tokens and sessions. */
export function Dashboard({ session }: DashboardProps) {
  const { tokens } = session;
  const i18n = useI18n();
  const { t } = i18n;
  const [me, setMe] = useState<Me | null>(null);
  const [meError, setMeError] = useState<Text | null>(null);
  const [answers, setAnswers] = useState<readonly Answer[]>([]);
  const [spoiled, setSpoiled] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    api.get<Me>('/user/me').then(
      (response) => current && setMe(response.data),
      (error: unknown) => current && setMeError(describeError(error)),
    );
    return () => {
      current = false;
    };
  }, []);

  /** Sends a GET to each path at once and shows every answer as it arrives. */
  function call(paths: readonly string[]): void {
    const batch = paths.map((path) => ({
      key: ++answerKey,
      request: `GET ${path}`,
      outcome: 'pending' as const,
      text: '…',
    }));
    setAnswers(batch);
    const settle = (key: number, outcome: Answer['outcome'], text: Text): void =>
      setAnswers((previous) =>
        previous.map((answer) => (answer.key === key ? { ...answer, outcome, text } : answer)),
      );
    batch.forEach(({ key }, index) => {
      api.get<unknown>(paths[index], { responseType: 'text' }).then(
        (response) => settle(key, 'ok', String(response.data)),
        (error: unknown) => settle(key, 'error', describeError(error)),
      );
    });
  }

  async function expireAccessToken(): Promise<void> {
    const token = spoilSignature(tokens.access_token);
    await replaceAccessToken(token);
    setSpoiled(token);
    logNote(({ t }) => t.events.spoiled);
  }

  return (
    <>
      <section className="card account" aria-labelledby="account-title">
        <div className="avatar" aria-hidden="true">
          {(me?.username ?? '?').slice(0, 1).toUpperCase()}
        </div>
        <div className="account-text">
          <h2 id="account-title">
            {me
              ? t.account.signedInAs(<span className="username">{me.username}</span>)
              : t.account.signedIn}
          </h2>
          <p className="muted">
            {me
              ? t.account.user(String(me.id))
              : meError !== null
                ? say(meError, i18n)
                : t.account.asking}
          </p>
        </div>
        <button type="button" onClick={() => void signOut(({ t }) => t.ended.loggedOut)}>
          {t.account.logOut}
        </button>
      </section>

      <section className="card" aria-labelledby="try-title">
        <h2 id="try-title">{t.tryIt.title}</h2>
        <p className="muted">{t.tryIt.intro}</p>
        <div className="row wrap">
          <button type="button" onClick={() => call(['/aaa'])}>
            {t.tryIt.callAaa}
          </button>
          <button type="button" className="primary" onClick={() => call(['/bbb'])}>
            {t.tryIt.callBbb}
          </button>
          <button type="button" onClick={() => call(['/bbb', '/bbb', '/bbb'])}>
            {t.tryIt.sendConcurrent}
          </button>
          <button type="button" className="danger" onClick={() => void expireAccessToken()}>
            {t.tryIt.expireAccessToken}
          </button>
        </div>
        <section className="answers" aria-label={t.tryIt.answers}>
          {answers.length === 0 ? (
            <p className="muted small">{t.tryIt.noAnswers}</p>
          ) : (
            <ol>
              {answers.map((answer) => (
                <li key={answer.key} className={`answer answer-${answer.outcome}`}>
                  <code>{answer.request}</code>
                  <span className="arrow" aria-hidden="true">
                    →
                  </span>
                  <output>{say(answer.text, i18n)}</output>
                </li>
              ))}
            </ol>
          )}
        </section>
      </section>

      <TokenTimes session={session} spoiled={spoiled === tokens.access_token} />
      <Sessions />
    </>
  );
}
