import { Alert, Button, Form, Input, InputNumber, Select, Space, Spin, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Settings } from '../../../core/api/schemas';
import { pumpApi } from '../../api/client';
import { useApi, useApiMutation } from '../../api/hooks';
import { ErrorAlert } from '../../components/ErrorAlert';

/** Site settings (administrator only); every change is audited with old and new values. */
export default function SettingsScreen() {
  const { t } = useTranslation();
  const settings = useApi(['settings:get'], () => pumpApi().settings.get({}));
  const save = useApiMutation(
    (v: Partial<Settings>) => pumpApi().settings.update(v),
    [['settings:get'], ['auth:status']],
  );
  if (settings.data === undefined) return settings.error === null ? <Spin /> : <ErrorAlert error={settings.error} />;
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%', maxWidth: 520 }}>
      <Typography.Title level={2} style={{ margin: 0 }}>
        {t('nav.settings')}
      </Typography.Title>
      <Form layout="vertical" initialValues={settings.data} onFinish={(v: Settings) => save.mutate(v)}>
        <Form.Item
          name="idleLockMinutes"
          label={t('settings.idleLock')}
          rules={[{ required: true, message: t('form.required') }]}
        >
          <InputNumber min={1} max={60} precision={0} />
        </Form.Item>
        <Form.Item
          name="maxFailedSignIns"
          label={t('settings.maxFailed')}
          rules={[{ required: true, message: t('form.required') }]}
        >
          <InputNumber min={3} max={20} precision={0} />
        </Form.Item>
        <Form.Item
          name="lockoutMinutes"
          label={t('settings.lockout')}
          rules={[{ required: true, message: t('form.required') }]}
        >
          <InputNumber min={1} max={1440} precision={0} />
        </Form.Item>
        <Form.Item
          name="lowReservoirAlarmMl"
          label={t('settings.alarmVolume')}
          rules={[{ required: true, pattern: /^\d{1,2}(\.\d)?$/, message: t('form.decimal') }]}
        >
          <Input suffix="mL" style={{ width: 140 }} />
        </Form.Item>
        <Form.Item
          name="timeZone"
          label={t('settings.timeZone')}
          extra={t('settings.timeZoneHelp')}
          rules={[{ required: true, message: t('form.required') }]}
        >
          <Input style={{ width: 240 }} />
        </Form.Item>
        <Form.Item
          name="refillMarginDays"
          label={t('settings.refillMargin')}
          rules={[{ required: true, message: t('form.required') }]}
        >
          <InputNumber min={0} max={30} precision={0} />
        </Form.Item>
        <Form.Item name="clinicName" label={t('settings.clinicName')}>
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item name="clinicPhone" label={t('settings.clinicPhone')}>
          <Input maxLength={40} style={{ width: 240 }} />
        </Form.Item>
        <Form.Item name="language" label={t('settings.language')}>
          <Select
            options={[
              { value: 'zh-CN', label: '中文' },
              { value: 'en', label: 'English' },
            ]}
            style={{ width: 160 }}
          />
        </Form.Item>
        <ErrorAlert error={save.error} />
        {save.isSuccess && <Alert type="success" showIcon title={t('settings.saved')} style={{ marginBottom: 12 }} />}
        <Button type="primary" htmlType="submit" loading={save.isPending}>
          {t('settings.save')}
        </Button>
      </Form>
    </Space>
  );
}
