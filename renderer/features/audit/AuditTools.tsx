import { Alert, Button, Space, Spin, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { pumpApi } from '../../api/client';
import { useApi, useApiMutation } from '../../api/hooks';
import { ErrorAlert } from '../../components/ErrorAlert';

/** The chain verified on screen: intact, unverifiable without the key, or where it fails. */
export function ChainStatus() {
  const { t } = useTranslation();
  const verify = useApi(['audit:verify'], () => pumpApi().audit.verify({}));
  if (verify.data === undefined) return verify.error === null ? <Spin /> : <ErrorAlert error={verify.error} />;
  const v = verify.data;
  return (
    <Alert
      data-testid="chain-status"
      data-ok={v.ok}
      data-status={v.status}
      type={v.status === 'intact' ? 'success' : v.status === 'unverifiable' ? 'warning' : 'error'}
      showIcon
      title={
        v.status === 'intact'
          ? t('audit.chainOk', { records: v.records, verified: v.checkpoints.verified })
          : v.status === 'unverifiable'
            ? t('audit.chainUnverifiable', { records: v.records })
            : t('audit.chainBroken', { seq: v.firstFailure?.seq ?? 0, problem: v.firstFailure?.problem ?? '' })
      }
      description={
        v.status === 'intact'
          ? v.checkpoints.keyAvailable
            ? t('audit.keyAvailable')
            : t('audit.keyMissing')
          : v.status === 'unverifiable'
            ? v.unverifiableReason
            : v.firstFailure?.message
      }
      action={
        <Button size="small" onClick={() => void verify.refetch()} loading={verify.isFetching}>
          {t('audit.verifyAgain')}
        </Button>
      }
    />
  );
}

/** Saves the whole trail as a file (CSV, JSON or FHIR R4), readable and verifiable without the app. */
export function ExportButtons() {
  const { t } = useTranslation();
  const exporter = useApiMutation(
    (format: 'csv' | 'json' | 'fhir') => pumpApi().audit.export({ format }),
    [['audit:list'], ['audit:verify']],
  );
  const save = (format: 'csv' | 'json' | 'fhir') =>
    exporter.mutate(format, {
      onSuccess: (file) => {
        const url = URL.createObjectURL(new Blob([file.content], { type: file.mediaType }));
        const a = document.createElement('a');
        a.href = url;
        a.download = file.fileName;
        a.click();
        URL.revokeObjectURL(url);
      },
    });
  return (
    <Space wrap>
      <Typography.Text>{t('audit.export')}</Typography.Text>
      {(['csv', 'json', 'fhir'] as const).map((f) => (
        <Button key={f} onClick={() => save(f)} loading={exporter.isPending && exporter.variables === f}>
          {t(`audit.format.${f}`)}
        </Button>
      ))}
      <ErrorAlert error={exporter.error} />
    </Space>
  );
}
