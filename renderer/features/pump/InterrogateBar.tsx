import { Alert, Button, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { pumpApi } from '../../api/client';
import { useApi } from '../../api/hooks';
import { ErrorAlert } from '../../components/ErrorAlert';
import { WandStatusTag } from '../../components/WandStatusTag';
import { useInterrogate } from './lastReading';

/** The interrogate button with its progress, cancel and the wand's status. */
export function InterrogateBar() {
  const { t } = useTranslation();
  const wand = useApi(['wand:status'], () => pumpApi().wand.status({}), { refetchInterval: 5000 });
  const reading = useInterrogate();
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Space align="center" wrap>
        <Button
          type="primary"
          size="large"
          loading={reading.busy}
          onClick={() => void reading.run()}
          data-testid="interrogate"
        >
          {reading.busy ? t('interrogate.busy') : t('interrogate.button')}
        </Button>
        {reading.busy && <Button onClick={reading.cancel}>{t('interrogate.cancel')}</Button>}
        <Typography.Text type="secondary">{t('interrogate.hint')}</Typography.Text>
        {wand.data !== undefined && <WandStatusTag status={wand.data} />}
      </Space>
      {reading.cancelled && <Alert type="info" showIcon title={t('interrogate.cancelled')} />}
      <ErrorAlert error={reading.error} />
    </Space>
  );
}
