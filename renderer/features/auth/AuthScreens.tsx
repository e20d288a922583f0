import { useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { User } from '../../../core/api/schemas';
import { pumpApi } from '../../api/client';
import { useApiMutation } from '../../api/hooks';
import { PlainErrorAlert } from '../../components/PlainErrorAlert';

// The first screen is deliberately light: plain form elements styled by global.css, no UI library.
// It is all the app loads before someone signs in; the signed-in shell brings Ant Design.

export function Submit({ busy, children }: { busy: boolean; children: ReactNode }) {
  return (
    <button type="submit" className="plain-button primary" disabled={busy} aria-busy={busy}>
      {children}
    </button>
  );
}

export function Field(props: { id: string; label: string; problem?: string | undefined; children: ReactNode }) {
  return (
    <div className="plain-field">
      <label htmlFor={props.id}>{props.label}</label>
      {props.children}
      {props.problem !== undefined && (
        <div id={`${props.id}-problem`} className="plain-hint" role="alert">
          {props.problem}
        </div>
      )}
    </div>
  );
}

/** First run: there is no built-in account, so the first administrator is created here. */
export function SetupScreen() {
  const { t } = useTranslation();
  const [v, setV] = useState({ username: '', displayName: '', password: '' });
  const [shown, setShown] = useState(false);
  const setup = useApiMutation(
    (input: { username: string; displayName: string; password: string }) => pumpApi().auth.setup(input),
    [['auth:status']],
  );
  const problems = {
    username: v.username.trim() === '' ? t('form.required') : undefined,
    displayName: v.displayName.trim() === '' ? t('form.required') : undefined,
    password: v.password.length < 10 ? t('auth.passwordRule') : undefined,
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setShown(true);
    if (Object.values(problems).every((p) => p === undefined)) setup.mutate(v);
  };
  return (
    <section className="plain-panel" aria-labelledby="setup-title">
      <h2 id="setup-title">{t('auth.setupTitle')}</h2>
      <p>{t('auth.setupHint')}</p>
      <form onSubmit={submit} noValidate>
        <Field id="username" label={t('auth.username')} problem={shown ? problems.username : undefined}>
          <input
            className="plain-input"
            id="username"
            autoComplete="username"
            value={v.username}
            onChange={(e) => setV({ ...v, username: e.target.value })}
          />
        </Field>
        <Field id="displayName" label={t('auth.displayName')} problem={shown ? problems.displayName : undefined}>
          <input
            className="plain-input"
            id="displayName"
            value={v.displayName}
            onChange={(e) => setV({ ...v, displayName: e.target.value })}
          />
        </Field>
        <Field id="password" label={t('auth.password')} problem={shown ? problems.password : undefined}>
          <input
            type="password"
            className="plain-input"
            id="password"
            autoComplete="new-password"
            value={v.password}
            onChange={(e) => setV({ ...v, password: e.target.value })}
          />
        </Field>
        <PlainErrorAlert error={setup.error} title={t('auth.failed')} />
        <Submit busy={setup.isPending}>{t('auth.createAdmin')}</Submit>
      </form>
    </section>
  );
}

/** Sign-in, or unlock after the idle lock (the locked user is named; anyone else may sign in anew). */
export function SignInScreen({ lockedUser }: { lockedUser: User | null }) {
  const { t } = useTranslation();
  const [v, setV] = useState({ username: lockedUser?.username ?? '', password: '' });
  const [shown, setShown] = useState(false);
  const signIn = useApiMutation(
    (input: { username: string; password: string }) => pumpApi().auth.signIn(input),
    [['auth:status'], ['sessions:unconfirmed']],
  );
  const problems = {
    username: v.username.trim() === '' ? t('form.required') : undefined,
    password: v.password === '' ? t('form.required') : undefined,
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setShown(true);
    if (problems.username === undefined && problems.password === undefined) signIn.mutate(v);
  };
  return (
    <section className="plain-panel" aria-labelledby="signin-title">
      <h2 id="signin-title">{lockedUser === null ? t('auth.signInTitle') : t('auth.lockedTitle')}</h2>
      {lockedUser !== null && (
        <div role="status" className="plain-alert warning" data-testid="lock-screen">
          {t('auth.lockedBy', { name: lockedUser.displayName })}
        </div>
      )}
      <form onSubmit={submit} noValidate>
        <Field id="username" label={t('auth.username')} problem={shown ? problems.username : undefined}>
          <input
            className="plain-input"
            id="username"
            autoComplete="username"
            autoFocus={lockedUser === null}
            value={v.username}
            onChange={(e) => setV({ ...v, username: e.target.value })}
          />
        </Field>
        <Field id="password" label={t('auth.password')} problem={shown ? problems.password : undefined}>
          <input
            type="password"
            className="plain-input"
            id="password"
            autoComplete="current-password"
            autoFocus={lockedUser !== null}
            value={v.password}
            onChange={(e) => setV({ ...v, password: e.target.value })}
          />
        </Field>
        <PlainErrorAlert error={signIn.error} title={t('auth.failed')} />
        <Submit busy={signIn.isPending}>{lockedUser === null ? t('auth.signIn') : t('auth.unlock')}</Submit>
      </form>
    </section>
  );
}
