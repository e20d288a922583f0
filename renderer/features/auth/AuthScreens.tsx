import { Alert, Button, Input } from 'antd';
import { useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { User } from '../../../core/api/schemas';
import { pumpApi } from '../../api/client';
import { useApiMutation } from '../../api/hooks';
import { ErrorAlert } from '../../components/ErrorAlert';

// The first screen is deliberately light (plain form elements around antd inputs): it is all the
// app loads before someone signs in.

const panel = { maxWidth: 440, margin: '48px auto', padding: 24, background: '#fff', border: '1px solid #f0f0f0', borderRadius: 8 } as const;
const field = { display: 'block', marginBottom: 16 } as const;
const hint = { color: '#a8071a', fontSize: 13, marginTop: 4 } as const;

function Field(props: { id: string; label: string; problem?: string | undefined; children: ReactNode }) {
  return (
    <div style={field}>
      <label htmlFor={props.id} style={{ display: 'block', marginBottom: 6 }}>
        {props.label}
      </label>
      {props.children}
      {props.problem !== undefined && (
        <div id={`${props.id}-problem`} style={hint} role="alert">
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
  const setup = useApiMutation((input: { username: string; displayName: string; password: string }) => pumpApi().auth.setup(input), [['auth:status']]);
  const problems = { username: v.username.trim() === '' ? t('form.required') : undefined, displayName: v.displayName.trim() === '' ? t('form.required') : undefined, password: v.password.length < 10 ? t('auth.passwordRule') : undefined };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setShown(true);
    if (Object.values(problems).every((p) => p === undefined)) setup.mutate(v);
  };
  return (
    <section style={panel} aria-labelledby="setup-title">
      <h2 id="setup-title" style={{ marginTop: 0, fontSize: 20 }}>
        {t('auth.setupTitle')}
      </h2>
      <p>{t('auth.setupHint')}</p>
      <form onSubmit={submit} noValidate>
        <Field id="username" label={t('auth.username')} problem={shown ? problems.username : undefined}>
          <Input id="username" autoComplete="username" value={v.username} onChange={(e) => setV({ ...v, username: e.target.value })} />
        </Field>
        <Field id="displayName" label={t('auth.displayName')} problem={shown ? problems.displayName : undefined}>
          <Input id="displayName" value={v.displayName} onChange={(e) => setV({ ...v, displayName: e.target.value })} />
        </Field>
        <Field id="password" label={t('auth.password')} problem={shown ? problems.password : undefined}>
          <Input.Password id="password" autoComplete="new-password" value={v.password} onChange={(e) => setV({ ...v, password: e.target.value })} />
        </Field>
        <ErrorAlert error={setup.error} title={t('auth.failed')} />
        <Button type="primary" htmlType="submit" loading={setup.isPending} block style={{ marginTop: 12 }}>
          {t('auth.createAdmin')}
        </Button>
      </form>
    </section>
  );
}

/** Sign-in, or unlock after the idle lock (the locked user is named; anyone else may sign in anew). */
export function SignInScreen({ lockedUser }: { lockedUser: User | null }) {
  const { t } = useTranslation();
  const [v, setV] = useState({ username: lockedUser?.username ?? '', password: '' });
  const [shown, setShown] = useState(false);
  const signIn = useApiMutation((input: { username: string; password: string }) => pumpApi().auth.signIn(input), [['auth:status'], ['sessions:unconfirmed']]);
  const problems = { username: v.username.trim() === '' ? t('form.required') : undefined, password: v.password === '' ? t('form.required') : undefined };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setShown(true);
    if (problems.username === undefined && problems.password === undefined) signIn.mutate(v);
  };
  return (
    <section style={panel} aria-labelledby="signin-title">
      <h2 id="signin-title" style={{ marginTop: 0, fontSize: 20 }}>
        {lockedUser === null ? t('auth.signInTitle') : t('auth.lockedTitle')}
      </h2>
      {lockedUser !== null && <Alert type="warning" showIcon title={t('auth.lockedBy', { name: lockedUser.displayName })} style={{ marginBottom: 16 }} data-testid="lock-screen" />}
      <form onSubmit={submit} noValidate>
        <Field id="username" label={t('auth.username')} problem={shown ? problems.username : undefined}>
          <Input id="username" autoComplete="username" autoFocus={lockedUser === null} value={v.username} onChange={(e) => setV({ ...v, username: e.target.value })} />
        </Field>
        <Field id="password" label={t('auth.password')} problem={shown ? problems.password : undefined}>
          <Input.Password id="password" autoComplete="current-password" autoFocus={lockedUser !== null} value={v.password} onChange={(e) => setV({ ...v, password: e.target.value })} />
        </Field>
        <ErrorAlert error={signIn.error} title={t('auth.failed')} />
        <Button type="primary" htmlType="submit" loading={signIn.isPending} block style={{ marginTop: 12 }}>
          {lockedUser === null ? t('auth.signIn') : t('auth.unlock')}
        </Button>
      </form>
    </section>
  );
}
