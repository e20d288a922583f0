import {
  Alert,
  Button,
  Card,
  Descriptions,
  Empty,
  Form,
  Input,
  InputNumber,
  Select,
  Space,
  Spin,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { TFunction } from 'i18next';
import { lazy, Suspense, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PatientDetail } from '../../../core/api/schemas';
import { catheterModels, pumpModels } from '../../../core/models';
import { drugs } from '../../../core/pump';
import { may } from '../../../core/permissions';
import { ApiError, pumpApi } from '../../api/client';
import { useApi, useApiMutation, useClinicToday, useDebounced } from '../../api/hooks';
import { formatDate, formatDateTime } from '../../app/format';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useLastReading } from '../pump/lastReading';
import { OrdersCard } from './Orders';
import { SystemicOpioidsCard } from './SystemicOpioids';

const TrendChart = lazy(() => import('../../components/charts/TrendChart'));

function NewPatient({ onCreated }: { onCreated: (id: number) => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const create = useApiMutation(
    (v: Parameters<ReturnType<typeof pumpApi>['patients']['create']>[0]) => pumpApi().patients.create(v),
    [['patients:search']],
  );
  return (
    <Card title={t('patients.new')} size="small">
      <Form
        form={form}
        layout="vertical"
        style={{ maxWidth: 560 }}
        onFinish={(v: {
          identifier: string;
          name: string;
          birthDate?: string;
          indication?: 'cancer' | 'non-cancer';
          indicationKind?: string;
          spasticityOrigin?: 'spinal' | 'cerebral';
        }) =>
          create.mutate(
            {
              identifier: v.identifier,
              name: v.name,
              ...(v.birthDate ? { birthDate: v.birthDate } : {}),
              ...(v.indication ? { indication: v.indication } : {}),
              ...(v.indicationKind ? { indicationKind: v.indicationKind } : {}),
              ...(v.spasticityOrigin ? { spasticityOrigin: v.spasticityOrigin } : {}),
            },
            {
              onSuccess: (r) => {
                form.resetFields();
                onCreated(r.id);
              },
            },
          )
        }
      >
        <Form.Item
          name="identifier"
          label={t('patients.identifier')}
          rules={[{ required: true, message: t('form.required') }]}
        >
          <Input />
        </Form.Item>
        <Form.Item name="name" label={t('patients.name')} rules={[{ required: true, message: t('form.required') }]}>
          <Input />
        </Form.Item>
        <Form.Item
          name="birthDate"
          label={t('patients.birthDate')}
          rules={[{ pattern: /^\d{4}-\d{2}-\d{2}$/, message: t('form.date') }]}
        >
          <Input placeholder="YYYY-MM-DD" />
        </Form.Item>
        <Form.Item name="indication" label={t('patients.indication')}>
          <Select
            allowClear
            options={(['cancer', 'non-cancer'] as const).map((v) => ({ value: v, label: t(`indication.${v}`) }))}
          />
        </Form.Item>
        <Form.Item
          name="spasticityOrigin"
          label={t('patients.spasticityOrigin')}
          extra={t('patients.spasticityOriginHelp')}
        >
          <Select
            allowClear
            options={(['spinal', 'cerebral'] as const).map((v) => ({ value: v, label: t(`spasticity.${v}`) }))}
          />
        </Form.Item>
        <Form.Item name="indicationKind" label={t('patients.indicationKind')}>
          <Input />
        </Form.Item>
        <ErrorAlert error={create.error} />
        <Button type="primary" htmlType="submit" loading={create.isPending}>
          {t('patients.create')}
        </Button>
      </Form>
    </Card>
  );
}

function RegisterPump({ patientId }: { patientId: number }) {
  const { t } = useTranslation();
  const reading = useLastReading();
  const register = useApiMutation(
    (v: Parameters<ReturnType<typeof pumpApi>['pumps']['register']>[0]) => pumpApi().pumps.register(v),
    [['patients:get', patientId]],
  );
  return (
    <Form
      layout="inline"
      initialValues={{
        serial: reading?.status.serial ?? '',
        modelId: pumpModels.find((m) => m.name === reading?.status.model)?.id ?? pumpModels[pumpModels.length - 1]?.id,
        implantDate: new Date().toISOString().slice(0, 10),
        catheterModelId: catheterModels[0]?.id,
      }}
      onFinish={(v: {
        serial: string;
        modelId: string;
        implantDate: string;
        catheterModelId?: string;
        catheterLengthCm?: string;
      }) =>
        register.mutate({
          patientId,
          serial: v.serial,
          modelId: v.modelId,
          implantDate: v.implantDate,
          ...(v.catheterModelId ? { catheterModelId: v.catheterModelId } : {}),
          ...(v.catheterLengthCm ? { catheterLengthCm: v.catheterLengthCm } : {}),
        })
      }
    >
      <Form.Item name="serial" label={t('status.serial')} rules={[{ required: true, message: t('form.required') }]}>
        <Input style={{ width: 140 }} />
      </Form.Item>
      <Form.Item name="modelId" label={t('status.model')}>
        <Select style={{ width: 200 }} options={pumpModels.map((m) => ({ value: m.id, label: m.name }))} />
      </Form.Item>
      <Form.Item
        name="implantDate"
        label={t('patients.implantDate')}
        rules={[{ required: true, pattern: /^\d{4}-\d{2}-\d{2}$/, message: t('form.date') }]}
      >
        <Input style={{ width: 130 }} />
      </Form.Item>
      <Form.Item name="catheterModelId" label={t('helpers.catheter')}>
        <Select
          allowClear
          style={{ width: 200 }}
          options={catheterModels.map((c) => ({ value: c.id, label: c.name }))}
        />
      </Form.Item>
      <Form.Item
        name="catheterLengthCm"
        label={t('patients.catheterLength')}
        rules={[{ pattern: /^\d{1,3}(\.\d)?$/, message: t('form.decimal') }]}
      >
        <Input style={{ width: 90 }} suffix="cm" />
      </Form.Item>
      <Button htmlType="submit" loading={register.isPending}>
        {t('patients.registerPump')}
      </Button>
      <ErrorAlert error={register.error} />
    </Form>
  );
}

function PainEntry({ patientId }: { patientId: number }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ vas: number; note?: string }>();
  const record = useApiMutation(
    (v: { vas: number; note?: string }) =>
      pumpApi().pain.record({ patientId, vas: v.vas, ...(v.note ? { note: v.note } : {}) }),
    [['patients:get', patientId]],
  );
  return (
    <Form form={form} layout="inline" onFinish={(v) => record.mutate(v, { onSuccess: () => form.resetFields() })}>
      <Form.Item name="vas" label={t('patients.vas')} rules={[{ required: true, message: t('form.required') }]}>
        <InputNumber min={0} max={10} precision={0} />
      </Form.Item>
      <Form.Item name="note" label={t('patients.note')}>
        <Input style={{ width: 240 }} />
      </Form.Item>
      <Button htmlType="submit" loading={record.isPending}>
        {t('patients.recordVas')}
      </Button>
      <ErrorAlert error={record.error} />
    </Form>
  );
}

interface ScreeningForm {
  trialDate: string;
  time: string;
  drug: (typeof drugs)[number];
  dose: string;
  unit: 'mg' | 'mcg';
  vasBefore: number;
  vasAfter: number;
  sideEffects?: string;
  decision: 'implant' | 'no-implant' | 'repeat';
  notes?: string;
  acknowledgement?: string;
}

/**
 * The screening trial before implant: a test dose, the pain before and after, side effects, the
 * decision. The date and time are the clinic's (the site's time zone). The test dose is checked
 * against the drug library's single-bolus limit: a hard limit is shown as the error; a soft one
 * shows the finding and asks for the reason, sent with the record.
 */
function ScreeningEntry({ patientId }: { patientId: number }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<ScreeningForm>();
  const today = useClinicToday();
  useEffect(() => {
    if (today !== undefined && !form.isFieldTouched('trialDate')) form.setFieldValue('trialDate', today);
  }, [today, form]);
  const record = useApiMutation(
    (v: ScreeningForm) =>
      pumpApi().screening.record({
        patientId,
        ...v,
        ...(v.sideEffects ? {} : { sideEffects: undefined }),
        ...(v.notes ? {} : { notes: undefined }),
        ...(v.acknowledgement?.trim() ? {} : { acknowledgement: undefined }),
      }),
    [['patients:get', patientId]],
  );
  const soft =
    record.error instanceof ApiError && record.error.code === 'ACKNOWLEDGEMENT_REQUIRED' ? record.error : undefined;
  return (
    <Form
      form={form}
      name="screening"
      layout="inline"
      initialValues={{ trialDate: today ?? '', time: '09:00', drug: 'morphine', unit: 'mg', decision: 'implant' }}
      onFinish={(v) =>
        record.mutate(v, {
          onSuccess: () => {
            form.resetFields();
            if (today !== undefined) form.setFieldValue('trialDate', today);
          },
        })
      }
    >
      <Form.Item
        name="trialDate"
        label={t('patients.trialDate')}
        rules={[{ required: true, pattern: /^\d{4}-\d{2}-\d{2}$/, message: t('form.date') }]}
      >
        <Input style={{ width: 120 }} />
      </Form.Item>
      <Form.Item
        name="time"
        label={t('patients.time')}
        rules={[{ required: true, pattern: /^([01]\d|2[0-3]):[0-5]\d$/, message: t('flex.timeRule') }]}
      >
        <Input style={{ width: 80 }} />
      </Form.Item>
      <Form.Item name="drug" label={t('status.drug')}>
        <Select style={{ width: 150 }} options={drugs.map((d) => ({ value: d, label: t(`drug.${d}`) }))} />
      </Form.Item>
      <Form.Item
        name="dose"
        label={t('patients.testDose')}
        rules={[{ required: true, pattern: /^\d{1,6}(\.\d{1,6})?$/, message: t('form.decimal') }]}
      >
        <Input style={{ width: 90 }} />
      </Form.Item>
      <Form.Item name="unit" label={t('library.unit')}>
        <Select
          style={{ width: 80 }}
          options={[
            { value: 'mg', label: 'mg' },
            { value: 'mcg', label: 'mcg' },
          ]}
        />
      </Form.Item>
      <Form.Item
        name="vasBefore"
        label={t('patients.vasBefore')}
        rules={[{ required: true, message: t('form.required') }]}
      >
        <InputNumber min={0} max={10} precision={0} />
      </Form.Item>
      <Form.Item
        name="vasAfter"
        label={t('patients.vasAfter')}
        rules={[{ required: true, message: t('form.required') }]}
      >
        <InputNumber min={0} max={10} precision={0} />
      </Form.Item>
      <Form.Item name="sideEffects" label={t('patients.sideEffects')}>
        <Input style={{ width: 200 }} />
      </Form.Item>
      <Form.Item name="decision" label={t('patients.decision')}>
        <Select
          style={{ width: 150 }}
          options={(['implant', 'no-implant', 'repeat'] as const).map((d) => ({ value: d, label: t(`decision.${d}`) }))}
        />
      </Form.Item>
      {soft !== undefined && (
        <Space orientation="vertical" style={{ width: '100%', margin: '8px 0' }} data-testid="screening-soft">
          <Alert
            role="alert"
            type="warning"
            showIcon
            title={t('patients.screeningAckTitle')}
            description={findingText(t, soft)}
          />
          <Form.Item
            name="acknowledgement"
            label={t('patients.screeningAckReason')}
            rules={[{ required: true, whitespace: true, min: 3, message: t('form.required') }]}
          >
            <Input.TextArea rows={2} maxLength={500} style={{ width: 420 }} />
          </Form.Item>
        </Space>
      )}
      <Button htmlType="submit" loading={record.isPending}>
        {t('patients.recordScreening')}
      </Button>
      {soft === undefined && <ErrorAlert error={record.error} />}
    </Form>
  );
}

/** The drug library's finding an error names (its key and values), in the user's language. */
const findingText = (t: TFunction, error: ApiError): string => {
  const params =
    error.params?.['level'] === undefined
      ? error.params
      : { ...error.params, level: t(`level.${error.params['level']}`) };
  return error.key === undefined ? error.message : t(error.key, { ...params, defaultValue: error.message });
};

/** VAS and the daily dose on one time axis: how a physician sees the therapy work. */
/** VAS, the intrathecal dose and the systemic opioids' oral morphine equivalent on one time line. */
function painAgainstDose(detail: PatientDetail, language: string) {
  const points = [
    ...detail.pain.map((p) => ({ at: p.assessedAt, vas: p.vas, dose: null as number | null })),
    ...detail.doses.map((d) => ({ at: d.at, vas: null as number | null, dose: Number(d.dailyDose) })),
    ...detail.omeHistory.map((o) => ({ at: o.date, vas: null as number | null, dose: null as number | null })),
  ].sort((a, b) => a.at.localeCompare(b.at));
  // The total in force on a date: the last step on or before it (a chart point; the table has the exact figures).
  const omeOn = (date: string) => detail.omeHistory.filter((o) => o.date <= date).at(-1)?.omeMgPerDay;
  return points.map((p) => {
    const ome = omeOn(p.at.slice(0, 10));
    return {
      label: formatDate(p.at.slice(0, 10), language),
      vas: p.vas,
      dose: p.dose,
      ome: ome === undefined ? null : Number(ome),
    };
  });
}

function PatientView({ id, onClose }: { id: number; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const detail = useApi(['patients:get', id], () => pumpApi().patients.get({ id }));
  const role = useApi(['auth:status'], () => pumpApi().auth.status({})).data?.user?.role;
  if (detail.data === undefined) return detail.error === null ? <Spin /> : <ErrorAlert error={detail.error} />;
  const d = detail.data;
  const doseUnit = d.doses[0]?.unit ?? '';
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid="patient-detail">
      <Button onClick={onClose}>{t('patients.backToList')}</Button>
      <Descriptions
        title={d.patient.name}
        bordered
        size="small"
        column={{ xs: 1, md: 2 }}
        items={[
          { key: 'id', label: t('patients.identifier'), children: d.patient.identifier },
          {
            key: 'birth',
            label: t('patients.birthDate'),
            children: d.patient.birthDate === null ? '—' : formatDate(d.patient.birthDate, i18n.language),
          },
          {
            key: 'indication',
            label: t('patients.indication'),
            children: d.patient.indication === null ? '—' : t(`indication.${d.patient.indication}`),
          },
          { key: 'kind', label: t('patients.indicationKind'), children: d.patient.indicationKind ?? '—' },
        ]}
      />
      <Card title={t('patients.pumps')} size="small">
        <Table
          size="small"
          pagination={false}
          rowKey="id"
          dataSource={d.pumps}
          locale={{ emptyText: <span style={{ color: '#595959' }}>{t('patients.noPumps')}</span> }}
          columns={[
            { title: t('status.serial'), dataIndex: 'serial' },
            { title: t('status.model'), dataIndex: 'modelId' },
            { title: t('patients.implantDate'), dataIndex: 'implantDate' },
            {
              title: t('helpers.catheter'),
              dataIndex: 'catheterModelId',
              render: (v: string | null) => (v === null ? '—' : (catheterModels.find((c) => c.id === v)?.name ?? v)),
            },
            {
              title: t('patients.catheterLength'),
              dataIndex: 'catheterLengthCm',
              render: (v: string | null) => (v === null ? '—' : `${v} cm`),
            },
            { title: t('patients.refills'), render: (_, p) => p.refills.length },
          ]}
        />
        {role !== undefined && may(role, 'patient.edit') && (
          <div style={{ marginTop: 12 }}>
            <RegisterPump patientId={id} />
          </div>
        )}
      </Card>
      <OrdersCard detail={d} canOrder={role !== undefined && may(role, 'prescription.create')} />
      <SystemicOpioidsCard detail={d} canEdit={role !== undefined && may(role, 'patient.edit')} />
      <Card title={t('patients.painAndDose')} size="small">
        {role !== undefined && may(role, 'pain.record') && <PainEntry patientId={id} />}
        {d.pain.length + d.doses.length === 0 && d.systemicOpioids.length === 0 ? (
          <Empty description={t('patients.noHistory')} />
        ) : (
          <Suspense fallback={<Spin />}>
            <TrendChart
              label={t('patients.painAndDose')}
              data={painAgainstDose(d, i18n.language)}
              series={[
                { key: 'dose', name: `${t('status.dailyDose')} (${doseUnit})`, colour: '#0958d9' },
                { key: 'vas', name: 'VAS', colour: '#a8071a', axis: 'right' },
              ]}
              rightDomain={[0, 10]}
            />
            {d.systemicOpioids.length > 0 && (
              <div data-testid="ome-chart">
                <TrendChart
                  label={t('opioids.omeChart')}
                  data={painAgainstDose(d, i18n.language)}
                  series={[{ key: 'ome', name: t('opioids.omeChart'), colour: '#531dab' }]}
                  step
                />
              </div>
            )}
          </Suspense>
        )}
        <Table
          size="small"
          pagination={{ pageSize: 5 }}
          rowKey={(r) => r.assessedAt}
          dataSource={[...d.pain].reverse()}
          columns={[
            {
              title: t('patients.assessedAt'),
              dataIndex: 'assessedAt',
              render: (v: string) => formatDateTime(v, i18n.language),
            },
            {
              title: 'VAS',
              dataIndex: 'vas',
              render: (v: number) =>
                v >= 6 ? (
                  <Tag color="red" style={{ color: '#000' }}>
                    {v}
                  </Tag>
                ) : (
                  v
                ),
            },
          ]}
        />
      </Card>
      {d.pumps.map((p) => (
        <Card key={p.id} title={t('patients.discrepancyTrend', { serial: p.serial })} size="small">
          {p.refills.length === 0 ? (
            <Empty description={t('patients.noRefills')} />
          ) : (
            <>
              <Suspense fallback={<Spin />}>
                <TrendChart
                  label={t('patients.discrepancyTrend', { serial: p.serial })}
                  data={p.refills.map((r) => ({
                    label: formatDate(r.performedAt.slice(0, 10), i18n.language),
                    discrepancy: r.discrepancyMl === null ? null : Number(r.discrepancyMl),
                  }))}
                  series={[{ key: 'discrepancy', name: `${t('refill.discrepancy')} (mL)`, colour: '#d46b08' }]}
                />
              </Suspense>
              <Table
                size="small"
                pagination={false}
                rowKey="performedAt"
                dataSource={p.refills}
                columns={[
                  {
                    title: t('report.performedAt'),
                    dataIndex: 'performedAt',
                    render: (v: string) => formatDateTime(v, i18n.language),
                  },
                  { title: t('refill.withdrawn'), dataIndex: 'withdrawnMl', render: (v: string) => `${v} mL` },
                  {
                    title: t('refill.discrepancy'),
                    dataIndex: 'discrepancyMl',
                    render: (v: string | null, r) => (
                      <span>
                        {v ?? '—'} mL{' '}
                        {r.discrepancyFlag && (
                          <Tag color="red" style={{ color: '#000' }}>
                            {t('refill.flagged')}
                          </Tag>
                        )}
                      </span>
                    ),
                  },
                  { title: t('refill.instilledShort'), dataIndex: 'instilledMl', render: (v: string) => `${v} mL` },
                ]}
              />
            </>
          )}
        </Card>
      ))}
      <Card title={t('patients.screening')} size="small">
        {role !== undefined && may(role, 'screening.record') && (
          <div style={{ marginBottom: 12 }}>
            <ScreeningEntry patientId={id} />
          </div>
        )}
        {d.screening.length === 0 ? (
          <Empty description={t('patients.noScreening')} />
        ) : (
          <Table
            data-testid="screening-table"
            size="small"
            pagination={false}
            rowKey={(r) => `${r.trialDate}-${r.decision}-${r.notes ?? ''}`}
            dataSource={d.screening}
            columns={[
              { title: t('patients.trialDate'), dataIndex: 'trialDate' },
              { title: t('patients.decision'), dataIndex: 'decision', render: (v: string) => t(`decision.${v}`) },
              { title: t('patients.sideEffects'), dataIndex: 'sideEffects' },
            ]}
          />
        )}
      </Card>
    </Space>
  );
}

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
