import { lazy, Suspense, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { applySiteDefault } from '../i18n/index';
import { pumpApi } from '../api/client';
import { useApi } from '../api/hooks';
import { useQueryClient } from '@tanstack/react-query';
import { PlainErrorAlert } from '../components/PlainErrorAlert';
import { SetupScreen, SignInScreen } from '../features/auth/AuthScreens';
import { LanguageSelect } from '../components/LanguageSelect';
// The signed-in shell, its screens and Ant Design (with its stylesheet) load after sign-in: the
// first screen is React, i18next and plain form elements only.
const loadShell = () => import('./Shell');
const Shell = lazy(loadShell);
const ChangePasswordScreen = lazy(() => import('../features/auth/ChangePasswordScreen'));

const Loading = () => {
  const { t } = useTranslation();
  return (
    <p role="status" className="plain-loading">
      {t('app.loading')}
    </p>
  );
};

export function App() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const auth = useApi(['auth:status'], () => pumpApi().auth.status({}));
  const status = auth.data;
  useEffect(() => {
    if (status !== undefined) applySiteDefault(status.language);
  }, [status]);
  const user = status?.user ?? null;
  const signedIn = user !== null;
  useEffect(() => {
    // While someone types their password, the shell downloads: signing in does not wait for it.
    if (signedIn) return;
    const idle = window.setTimeout(() => void loadShell(), 300);
    return () => window.clearTimeout(idle);
  }, [signedIn]);
  if (user !== null && status?.passwordChangeRequired === true) {
    // The administrator set this password: nothing but choosing one's own (the server refuses the rest).
    const signOut = () => {
      void pumpApi()
        .auth.signOut({})
        .then(() => client.invalidateQueries({ queryKey: ['auth:status'] }));
    };
    return (
      <div className="first-screen">
        <header>
          <h1>{t('app.title')}</h1>
          <LanguageSelect />
          <button type="button" className="plain-button" onClick={signOut}>
            {t('auth.signOut')}
          </button>
        </header>
        <main>
          <Suspense fallback={<Loading />}>
            <ChangePasswordScreen user={user} forced />
          </Suspense>
        </main>
      </div>
    );
  }
  if (user !== null && status !== undefined) {
    return (
      <Suspense fallback={<Loading />}>
        <Shell user={user} idleLockMinutes={status.idleLockMinutes} />
      </Suspense>
    );
  }
  let body;
  if (status === undefined) body = auth.error === null ? <Loading /> : <PlainErrorAlert error={auth.error} />;
  else if (status.setupRequired) body = <SetupScreen />;
  else body = <SignInScreen lockedUser={status.lockedUser} />;
  return (
    <div className="first-screen">
      <header>
        <h1>{t('app.title')}</h1>
        <LanguageSelect />
      </header>
      <main>{body}</main>
    </div>
  );
}
