import { Button, Card, Form, Input, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { roles, type Role } from '../../../core/permissions';
import { pumpApi } from '../../api/client';
import { useApi, useApiMutation } from '../../api/hooks';
import { ErrorAlert } from '../../components/ErrorAlert';

type Account = { username: string; displayName: string; disabled: boolean };

/** Disable / enable and a new password for one account; every change is audited (never the password). */
function AccountActions({ account }: { account: Account }) {
  const { t } = useTranslation();
  const [password, setPassword] = useState<string | undefined>(undefined);
  const [done, setDone] = useState(false);
  const toggle = useApiMutation(
    (v: { username: string; disabled: boolean }) => pumpApi().users.setDisabled(v),
    [['users:list']],
  );
  const reset = useApiMutation((v: { username: string; password: string }) => pumpApi().users.resetPassword(v));
  return (
    <Space orientation="vertical" size={4}>
      <Space wrap>
        <Button
          size="small"
          danger={!account.disabled}
          loading={toggle.isPending}
          onClick={() => toggle.mutate({ username: account.username, disabled: !account.disabled })}
        >
          {t(account.disabled ? 'users.enable' : 'users.disable', { name: account.displayName })}
        </Button>
        {password === undefined ? (
          <Button
            size="small"
            onClick={() => {
              setPassword('');
              setDone(false);
            }}
          >
            {t('users.resetPassword')}
          </Button>
        ) : (
          <Space.Compact>
            <Input.Password
              size="small"
              autoComplete="new-password"
              aria-label={t('users.newPassword', { name: account.displayName })}
              placeholder={t('users.newPasswordShort')}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
            <Button
              size="small"
              type="primary"
              loading={reset.isPending}
              disabled={password.length < 10}
              onClick={() =>
                reset.mutate(
                  { username: account.username, password },
                  {
                    onSuccess: () => {
                      setPassword(undefined);
                      setDone(true);
                    },
                  },
                )
              }
            >
              {t('users.setPassword')}
            </Button>
          </Space.Compact>
        )}
        {done && <span role="status">{t('users.passwordSet')}</span>}
      </Space>
      <ErrorAlert error={toggle.error ?? reset.error} />
    </Space>
  );
}

/** User accounts (administrator only): each creation is in the audit trail with the role given. */
export default function UsersScreen() {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ username: string; displayName: string; password: string; role: Role }>();
  const users = useApi(['users:list'], () => pumpApi().users.list({}));
  const create = useApiMutation(
    (v: { username: string; displayName: string; password: string; role: Role }) => pumpApi().users.create(v),
    [['users:list']],
  );
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ margin: 0 }}>
        {t('nav.users')}
      </Typography.Title>
      <ErrorAlert error={users.error} />
      <Table
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={users.data ?? []}
        columns={[
          { title: t('auth.username'), dataIndex: 'username' },
          { title: t('auth.displayName'), dataIndex: 'displayName' },
          { title: t('users.role'), dataIndex: 'role', render: (r: Role) => t(`role.${r}`) },
          {
            title: t('users.state'),
            dataIndex: 'disabled',
            render: (d: boolean) => (d ? <Tag>{t('users.disabled')}</Tag> : t('users.active')),
          },
          {
            title: t('users.actions'),
            key: 'actions',
            render: (_: unknown, a: Account) => <AccountActions account={a} />,
          },
        ]}
      />
      <Card title={t('users.new')} size="small">
        <Form
          form={form}
          name="new-user"
          layout="vertical"
          style={{ maxWidth: 480 }}
          initialValues={{ role: 'nurse' }}
          onFinish={(v) => create.mutate(v, { onSuccess: () => form.resetFields() })}
        >
          <Form.Item
            name="username"
            label={t('auth.username')}
            rules={[{ required: true, message: t('form.required') }]}
          >
            <Input autoComplete="off" />
          </Form.Item>
          <Form.Item
            name="displayName"
            label={t('auth.displayName')}
            rules={[{ required: true, message: t('form.required') }]}
          >
            <Input />
          </Form.Item>
          <Form.Item
            name="password"
            label={t('auth.password')}
            rules={[{ required: true, min: 10, message: t('auth.passwordRule') }]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Form.Item name="role" label={t('users.role')}>
            <Select options={roles.map((r) => ({ value: r, label: t(`role.${r}`) }))} />
          </Form.Item>
          <ErrorAlert error={create.error} />
          <Button type="primary" htmlType="submit" loading={create.isPending}>
            {t('users.create')}
          </Button>
        </Form>
      </Card>
    </Space>
  );
}
