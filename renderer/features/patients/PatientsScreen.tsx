import { Button, Input, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { may } from '../../../core/permissions';
import { pumpApi } from '../../api/client';
import { useApi, useDebounced } from '../../api/hooks';
import { formatDate } from '../../app/format';
import { ErrorAlert } from '../../components/ErrorAlert';
import { NewPatient } from './NewPatient';
import { PatientView } from './PatientView';

export default function PatientsScreen() {
  const { t, i18n } = useTranslation();
  const [query, setQuery] = useState('');
  const [open, setOpen] = useState<number | undefined>();
  const [creating, setCreating] = useState(false);
  const q = useDebounced(query);
  const list = useApi(['patients:search', q], () => pumpApi().patients.search({ query: q }));
  const role = useApi(['auth:status'], () => pumpApi().auth.status({})).data?.user?.role;
  if (open !== undefined) return <PatientView id={open} onClose={() => setOpen(undefined)} />;
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ margin: 0 }}>
        {t('nav.patients')}
      </Typography.Title>
      <Space wrap>
        <Input.Search
          aria-label={t('patients.search')}
          placeholder={t('patients.search')}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          style={{ width: 320 }}
          allowClear
        />
        {role !== undefined && may(role, 'patient.edit') && (
          <Button onClick={() => setCreating((c) => !c)}>{t('patients.new')}</Button>
        )}
      </Space>
      {creating && (
        <NewPatient
          onCreated={(id) => {
            setCreating(false);
            setOpen(id);
          }}
        />
      )}
      <ErrorAlert error={list.error} />
      <Table
        data-testid="patients-table"
        rowKey="id"
        size="middle"
        loading={list.isFetching}
        dataSource={list.data ?? []}
        locale={{ emptyText: <span style={{ color: '#595959' }}>{t('patients.none')}</span> }}
        onRow={(r) => ({ onClick: () => setOpen(r.id) })}
        columns={[
          {
            title: t('patients.name'),
            dataIndex: 'name',
            render: (name: string, r) => (
              <Button type="link" onClick={() => setOpen(r.id)}>
                {name}
              </Button>
            ),
          },
          { title: t('patients.identifier'), dataIndex: 'identifier' },
          {
            title: t('patients.birthDate'),
            dataIndex: 'birthDate',
            render: (v: string | null) => (v === null ? '—' : formatDate(v, i18n.language)),
          },
          {
            title: t('patients.indication'),
            dataIndex: 'indication',
            render: (v: string | null) => (v === null ? '—' : t(`indication.${v}`)),
          },
        ]}
      />
    </Space>
  );
}
