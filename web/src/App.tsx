import { Dashboard } from './components/Dashboard.tsx';
import { LanguageSwitch } from './components/LanguageSwitch.tsx';
import { RequestLog } from './components/RequestLog.tsx';
import { ScriptView } from './components/ScriptView.tsx';
import { SignIn } from './components/SignIn.tsx';
import { useSession } from './hooks.ts';
import { useI18n } from './i18n/index.ts';

/** The whole page: what you can do on the left, what went over the wire on the right. */
export function App() {
  const session = useSession();
  const { t } = useI18n();
  return (
    <div className="app">
      <header className="topbar">
        <div className="brand">
          <img src="/favicon.svg" alt="" width={28} height={28} />
          <span className="brand-name">Seamless</span>
          <span className="brand-tagline">{t.app.tagline}</span>
          <LanguageSwitch />
        </div>
      </header>
      <main className="layout">
        <div className="column">
          {session.session === undefined ? (
            <section className="card">
              <p className="muted">{t.app.reading}</p>
            </section>
          ) : session.session ? (
            <Dashboard session={session.session} />
          ) : (
            <SignIn ended={session.ended} />
          )}
        </div>
        <div className="column column-log">
          <ScriptView />
          <RequestLog />
        </div>
      </main>
    </div>
  );
}
