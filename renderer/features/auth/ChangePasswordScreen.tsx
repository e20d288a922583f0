import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { passwordPolicyProblem } from '../../../core/auth/password-policy';
import type { User } from '../../../core/api/schemas';
import { pumpApi } from '../../api/client';
import { useApiMutation } from '../../api/hooks';
import { PlainErrorAlert } from '../../components/PlainErrorAlert';
import { Field, Submit } from './AuthScreens';

/**
 * Change one's own password: the current one (checked as a sign-in is, so wrong ones count
 * towards the lock-out), the new one twice. The site's rule is explained in the user's language
 * before anything is sent. `forced`: the administrator set the password and nothing else is
 * possible until it is changed (the server refuses every other request).
 */
export default function ChangePasswordScreen({
  user,
  forced,
  onBack,
}: {
  user: User;
  forced: boolean;
  onBack?: () => void;
}) {
  const { t } = useTranslation();
  const [v, setV] = useState({ password: '', newPassword: '', confirm: '' });
  const [shown, setShown] = useState(false);
  const change = useApiMutation(
    (input: { password: string; newPassword: string }) => pumpApi().auth.changePassword(input),
    [['auth:status']],
  );
  const policy = passwordPolicyProblem(v.newPassword, user.username);
  const problems = {
    password: v.password === '' ? t('form.required') : undefined,
    newPassword:
      policy !== undefined
        ? t(`auth.policy.${policy}`)
        : v.newPassword.normalize('NFC') === v.password.normalize('NFC')
          ? t('auth.sameAsCurrent')
          : undefined,
    confirm: v.confirm !== v.newPassword ? t('auth.mismatch') : undefined,
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setShown(true);
    if (Object.values(problems).every((p) => p === undefined)) {
      change.mutate(
        { password: v.password, newPassword: v.newPassword },
        { onSuccess: () => setV({ password: '', newPassword: '', confirm: '' }) },
      );
      setShown(false);
    }
  };
  const describedBy = (id: string, problem: string | undefined) =>
    shown && problem !== undefined ? `${id}-problem` : id === 'new-password' ? 'password-policy' : undefined;
  return (
    <section className="plain-panel" aria-labelledby="change-password-title" data-testid="change-password">
      <h2 id="change-password-title">{forced ? t('auth.forcedTitle') : t('auth.changeTitle')}</h2>
      {forced && (
        <div role="status" className="plain-alert warning" data-testid="password-change-required">
          {t('auth.forcedHint')}
        </div>
      )}
      <p id="password-policy">{t('auth.policyHint')}</p>
      <form onSubmit={submit} noValidate>
        {/* The user name, for password managers filling the right account. */}
        <input type="text" autoComplete="username" value={user.username} readOnly hidden />
        <Field id="current-password" label={t('auth.currentPassword')} problem={shown ? problems.password : undefined}>
          <input
            type="password"
            className="plain-input"
            id="current-password"
            autoComplete="current-password"
            autoFocus
            aria-describedby={describedBy('current-password', problems.password)}
            aria-invalid={shown && problems.password !== undefined}
            value={v.password}
            onChange={(e) => setV({ ...v, password: e.target.value })}
          />
        </Field>
        <Field id="new-password" label={t('auth.newPassword')} problem={shown ? problems.newPassword : undefined}>
          <input
            type="password"
            className="plain-input"
            id="new-password"
            autoComplete="new-password"
            aria-describedby={describedBy('new-password', problems.newPassword)}
            aria-invalid={shown && problems.newPassword !== undefined}
            value={v.newPassword}
            onChange={(e) => setV({ ...v, newPassword: e.target.value })}
          />
        </Field>
        <Field id="confirm-password" label={t('auth.confirmPassword')} problem={shown ? problems.confirm : undefined}>
          <input
            type="password"
            className="plain-input"
            id="confirm-password"
            autoComplete="new-password"
            aria-describedby={describedBy('confirm-password', problems.confirm)}
            aria-invalid={shown && problems.confirm !== undefined}
            value={v.confirm}
            onChange={(e) => setV({ ...v, confirm: e.target.value })}
          />
        </Field>
        <PlainErrorAlert error={change.error} title={t('auth.changeFailed')} />
        {change.isSuccess && !forced && (
          <div role="status" className="plain-alert" data-testid="password-changed">
            {t('auth.changed')}
          </div>
        )}
        <div style={{ display: 'flex', gap: 8 }}>
          <Submit busy={change.isPending}>{t('auth.changeSubmit')}</Submit>
          {onBack !== undefined && (
            <button type="button" className="plain-button" onClick={onBack}>
              {t('auth.back')}
            </button>
          )}
        </div>
      </form>
    </section>
  );
}
