import { Button, Card, Descriptions, Empty, Space, Spin, Table, Tag } from 'antd';
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import type { PatientDetail } from '../../../core/api/schemas';
import { catheterModels } from '../../../core/models';
import { may } from '../../../core/permissions';
import { pumpApi } from '../../api/client';
import { useApi } from '../../api/hooks';
import { formatDate, formatDateTime, formatMl, unitText } from '../../app/format';
import { ErrorAlert } from '../../components/ErrorAlert';
import { OrdersCard } from './Orders';
import { SystemicOpioidsCard } from './SystemicOpioids';
import { PainEntry } from './PainEntry';
import { RegisterPump } from './RegisterPump';
import { ScreeningEntry } from './ScreeningEntry';

const TrendChart = lazy(() => import('../../components/charts/TrendChart'));

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

/** One patient's record: pumps, pain against dose, orders, systemic opioids and screening trials. */
export function PatientView({ id, onClose }: { id: number; onClose: () => void }) {
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
                { key: 'dose', name: `${t('status.dailyDose')} (${unitText(t, doseUnit)})`, colour: '#0958d9' },
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
                  series={[
                    {
                      key: 'discrepancy',
                      name: `${t('refill.discrepancy')} (${unitText(t, 'mL')})`,
                      colour: '#d46b08',
                    },
                  ]}
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
                  { title: t('refill.withdrawn'), dataIndex: 'withdrawnMl', render: (v: string) => formatMl(v, t) },
                  {
                    title: t('refill.discrepancy'),
                    dataIndex: 'discrepancyMl',
                    render: (v: string | null, r) => (
                      <span>
                        {formatMl(v, t)}{' '}
                        {r.discrepancyFlag && (
                          <Tag color="red" style={{ color: '#000' }}>
                            {t('refill.flagged')}
                          </Tag>
                        )}
                      </span>
                    ),
                  },
                  {
                    title: t('refill.instilledShort'),
                    dataIndex: 'instilledMl',
                    render: (v: string) => formatMl(v, t),
                  },
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
