import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { pumpApi } from '../../api/client';
import { useApiMutation } from '../../api/hooks';
import { ErrorAlert } from '../../components/ErrorAlert';
import type { User } from '../../../core/api/schemas';

const card = { maxWidth: 440, margin: '48px auto' } as const;

/** First run: there is no built-in account, so the first administrator is created here. */
export function SetupScreen() {
  const { t } = useTranslation();
  const setup = useApiMutation((v: { username: string; displayName: string; password: string }) => pumpApi().auth.setup(v), [['auth:status']]);
  return (
    <Card style={card} title={<Typography.Title level={2} style={{ margin: 0, fontSize: 20 }}>{t('auth.setupTitle')}</Typography.Title>}>
      <Typography.Paragraph>{t('auth.setupHint')}</Typography.Paragraph>
      <Form layout="vertical" onFinish={(v: { username: string; displayName: string; password: string }) => setup.mutate(v)} requiredMark={false}>
        <Form.Item name="username" label={t('auth.username')} rules={[{ required: true, message: t('form.required') }]}>
          <Input autoComplete="username" />
        </Form.Item>
        <Form.Item name="displayName" label={t('auth.displayName')} rules={[{ required: true, message: t('form.required') }]}>
          <Input />
        </Form.Item>
        <Form.Item name="password" label={t('auth.password')} rules={[{ required: true, min: 10, message: t('auth.passwordRule') }]}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <ErrorAlert error={setup.error} title={t('auth.failed')} />
        <Button type="primary" htmlType="submit" loading={setup.isPending} block style={{ marginTop: 12 }}>
          {t('auth.createAdmin')}
        </Button>
      </Form>
    </Card>
  );
}

/** Sign-in, or unlock after the idle lock (the locked user is named; anyone else may sign in anew). */
export function SignInScreen({ lockedUser }: { lockedUser: User | null }) {
  const { t } = useTranslation();
  const signIn = useApiMutation((v: { username: string; password: string }) => pumpApi().auth.signIn(v), [['auth:status'], ['sessions:unconfirmed']]);
  return (
    <Card style={card} title={<Typography.Title level={2} style={{ margin: 0, fontSize: 20 }}>{lockedUser === null ? t('auth.signInTitle') : t('auth.lockedTitle')}</Typography.Title>}>
      {lockedUser !== null && <Alert type="warning" showIcon title={t('auth.lockedBy', { name: lockedUser.displayName })} style={{ marginBottom: 16 }} data-testid="lock-screen" />}
      <Form
        layout="vertical"
        requiredMark={false}
        initialValues={{ username: lockedUser?.username ?? '' }}
        onFinish={(v: { username: string; password: string }) => signIn.mutate(v)}
      >
        <Form.Item name="username" label={t('auth.username')} rules={[{ required: true, message: t('form.required') }]}>
          <Input autoComplete="username" autoFocus={lockedUser === null} />
        </Form.Item>
        <Form.Item name="password" label={t('auth.password')} rules={[{ required: true, message: t('form.required') }]}>
          <Input.Password autoComplete="current-password" autoFocus={lockedUser !== null} />
        </Form.Item>
        <ErrorAlert error={signIn.error} title={t('auth.failed')} />
        <Button type="primary" htmlType="submit" loading={signIn.isPending} block style={{ marginTop: 12 }}>
          {lockedUser === null ? t('auth.signIn') : t('auth.unlock')}
        </Button>
      </Form>
    </Card>
  );
}
