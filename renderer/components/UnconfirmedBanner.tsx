import { Alert, Button } from 'antd';
import { useTranslation } from 'react-i18next';
import { pumpApi } from '../api/client';
import { useApiMutation } from '../api/hooks';
import { ErrorAlert } from './ErrorAlert';

/** Loud and permanent while any programming outcome is unknown: the pump may not run what was meant. */
export function UnconfirmedBanner({
  sessions,
}: {
  sessions: ReadonlyArray<{ sessionId: string; pumpSerial: string; startedAt: string }>;
}) {
  const { t } = useTranslation();
  const resolve = useApiMutation(() => pumpApi().sessions.resolve({}), [['sessions:unconfirmed']]);
  if (sessions.length === 0) return null;
  return (
    <Alert
      data-testid="unconfirmed-banner"
      type="error"
      showIcon
      role="alert"
      title={<strong>{t('unconfirmed.title')}</strong>}
      description={
        <>
          <ul style={{ margin: 0, paddingLeft: 20 }}>
            {sessions.map((s) => (
              <li key={s.sessionId}>
                {t('unconfirmed.item', { serial: s.pumpSerial, time: new Date(s.startedAt).toLocaleString() })}
              </li>
            ))}
          </ul>
          <ErrorAlert error={resolve.error} />
        </>
      }
      action={
        <Button danger onClick={() => resolve.mutate(undefined)} loading={resolve.isPending} data-testid="resolve-now">
          {t('unconfirmed.resolve')}
        </Button>
      }
    />
  );
}
