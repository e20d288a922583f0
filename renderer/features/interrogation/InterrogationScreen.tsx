import { Alert, Button, Space, Typography } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiError, pumpApi, unwrap } from '../../api/client';
import { PumpStatusView } from '../../components/PumpStatusView';
import { TrainingBanner } from '../../components/TrainingBanner';
import { WandStatusTag } from '../../components/WandStatusTag';
import { UnconfirmedBanner } from '../../components/UnconfirmedBanner';

export function InterrogationScreen() {
  const { t, i18n } = useTranslation();
  const info = useQuery({ queryKey: ['app:info'], queryFn: async () => unwrap(await pumpApi().app.info({})) });
  const queryClient = useQueryClient();
  const wand = useQuery({ queryKey: ['wand:status'], queryFn: async () => unwrap(await pumpApi().wand.status({})) });
  // Checked at start-up and after every reading: an unknown outcome survives restarts until resolved.
  const unconfirmed = useQuery({ queryKey: ['sessions:unconfirmed'], queryFn: async () => unwrap(await pumpApi().sessions.unconfirmed({})) });
  const interrogation = useMutation({
    mutationFn: async () => unwrap(await pumpApi().pump.interrogate({})),
    onSettled: async () => {
      await queryClient.invalidateQueries({ queryKey: ['wand:status'] });
      await queryClient.invalidateQueries({ queryKey: ['sessions:unconfirmed'] });
    },
  });
  const link = info.data?.link;
  const record = interrogation.data;
  const error = interrogation.error;

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <UnconfirmedBanner sessions={unconfirmed.data ?? []} />
      {link?.training === true && (
        <TrainingBanner title={t('training.banner')} detail={link.reason && t(`training.reason.${link.reason}`)} />
      )}
      <Space align="center" wrap>
        <Button
          type="primary"
          size="large"
          loading={interrogation.isPending}
          onClick={() => interrogation.mutate()}
          data-testid="interrogate"
        >
          {interrogation.isPending ? t('interrogate.busy') : t('interrogate.button')}
        </Button>
        <Typography.Text type="secondary">{t('interrogate.hint')}</Typography.Text>
        {wand.data !== undefined && <WandStatusTag status={wand.data} />}
      </Space>
      {error !== null && (
        <Alert
          role="alert"
          type="error"
          showIcon
          title={t('error.title')}
          description={
            error instanceof ApiError ? t(`error.${error.code}`, { message: error.message, defaultValue: error.message }) : error.message
          }
        />
      )}
      {record !== undefined && (
        <>
          <PumpStatusView status={record.status} locale={i18n.language} clockDriftSeconds={record.clockDriftSeconds} />
          <Typography.Text type="secondary" data-testid="saved-note">
            {t('interrogate.saved', { id: record.id, time: new Date(record.recordedAt).toLocaleString(i18n.language) })}
          </Typography.Text>
        </>
      )}
    </Space>
  );
}
