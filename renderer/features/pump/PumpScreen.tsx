import { Alert, Button, Card, Col, Progress, Row, Space, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { InterrogationRecord } from '../../../core/api/contract';
import { dec } from '../../../core/decimal';
import { pumpApi } from '../../api/client';
import { useApi, useApiMutation } from '../../api/hooks';
import { formatDateTime, formatQuantity } from '../../app/format';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ForecastView } from '../../components/ForecastView';
import { ClockWarnings } from '../../components/ClockWarnings';
import { StoppedPumps } from '../../components/StoppedPumps';
import { PumpStatusView } from '../../components/PumpStatusView';
import { InterrogateBar } from './InterrogateBar';
import { useLastReading } from './lastReading';

function Forecast({ record }: { record: InterrogationRecord }) {
  const { t } = useTranslation();
  const status = record.status;
  const percent = dec(status.reservoirVolume.value)
    .div(status.reservoirCapacity.value)
    .mul(100)
    .toDecimalPlaces(0)
    .toNumber();
  return (
    <Card title={t('dashboard.reservoir')} size="small">
      <Space align="center" size="large" wrap>
        <Progress
          type="dashboard"
          percent={percent}
          format={() => formatQuantity(status.reservoirVolume, t)}
          status={
            status.alarms.some((a) => a.code === 'LOW_RESERVOIR' || a.code === 'EMPTY_RESERVOIR')
              ? 'exception'
              : 'normal'
          }
          aria-label={t('dashboard.reservoirGauge', {
            volume: status.reservoirVolume.value,
            capacity: status.reservoirCapacity.value,
          })}
        />
        {record.forecast != null && <ForecastView forecast={record.forecast} />}
      </Space>
    </Card>
  );
}

function Maintenance({ record }: { record: InterrogationRecord }) {
  const { t } = useTranslation();
  const clock = useApiMutation(() => pumpApi().pump.setClock({}));
  const alarm = useApiMutation(() => pumpApi().pump.alarmTest({}));
  return (
    <Card title={t('dashboard.maintenance')} size="small">
      <Space orientation="vertical">
        <Space wrap>
          <Button onClick={() => alarm.mutate(undefined)} loading={alarm.isPending}>
            {t('dashboard.alarmTest')}
          </Button>
          <Button
            onClick={() => clock.mutate(undefined)}
            loading={clock.isPending}
            disabled={record.clockDriftSeconds !== null && Math.abs(record.clockDriftSeconds) < 1}
          >
            {t('dashboard.setClock')}
          </Button>
        </Space>
        {alarm.isSuccess && <Alert type="success" showIcon title={t('dashboard.alarmTestDone')} />}
        {clock.data !== undefined && (
          <Alert
            type="success"
            showIcon
            title={
              clock.data.driftBefore === null
                ? t('dashboard.clockSetFromNone', { after: clock.data.driftAfter })
                : t('dashboard.clockSet', { before: clock.data.driftBefore, after: clock.data.driftAfter })
            }
          />
        )}
        <ErrorAlert error={alarm.error ?? clock.error} />
      </Space>
    </Card>
  );
}

function EventLog() {
  const { t, i18n } = useTranslation();
  const events = useApiMutation(() => pumpApi().pump.events({}));
  return (
    <Card
      title={t('dashboard.events')}
      size="small"
      extra={
        <Button onClick={() => events.mutate(undefined)} loading={events.isPending}>
          {t('dashboard.readEvents')}
        </Button>
      }
    >
      <ErrorAlert error={events.error} />
      {events.data !== undefined && (
        <Table
          data-testid="event-log"
          size="small"
          // Keyed by the event's place in the pump's log: identical events (a pump without a clock
          // logs them all at no time) are still rows of their own.
          rowKey="position"
          pagination={{ pageSize: 10 }}
          dataSource={events.data.map((e, position) => ({ ...e, position })).reverse()}
          locale={{ emptyText: t('dashboard.noEvents') }}
          columns={[
            {
              title: t('dashboard.eventTime'),
              dataIndex: 'at',
              render: (v: string | null) => (v === null ? t('status.noClock') : formatDateTime(v, i18n.language)),
            },
            { title: t('dashboard.event'), dataIndex: 'code', render: (c: string) => t(`event.${c}`) },
            { title: t('dashboard.eventDetail'), dataIndex: 'detail' },
          ]}
        />
      )}
    </Card>
  );
}

export default function PumpScreen() {
  const { t, i18n } = useTranslation();
  const record = useLastReading();
  const patient = useApi(
    ['patients:forPump', record?.status.serial],
    () => pumpApi().patients.forPump({ serial: record?.status.serial ?? '-' }),
    { enabled: record !== undefined },
  );
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ margin: 0 }}>
        {t('nav.pump')}
      </Typography.Title>
      <StoppedPumps />
      <InterrogateBar />
      {record !== undefined && (
        <>
          <ClockWarnings warnings={record.clockWarnings} />
          {patient.data === null && <Alert type="warning" showIcon title={t('dashboard.unregistered')} />}
          {patient.data != null && (
            <Typography.Text data-testid="pump-patient">
              {t('dashboard.patient', { name: patient.data.name, identifier: patient.data.identifier })}
            </Typography.Text>
          )}
          <PumpStatusView status={record.status} locale={i18n.language} clockDriftSeconds={record.clockDriftSeconds} />
          <Row gutter={16}>
            <Col xs={24} md={12}>
              <Forecast record={record} />
            </Col>
            <Col xs={24} md={12}>
              <Maintenance record={record} />
            </Col>
          </Row>
          <EventLog />
          <Typography.Text type="secondary" data-testid="saved-note">
            {t('interrogate.saved', { id: record.id, time: formatDateTime(record.recordedAt, i18n.language) })}
          </Typography.Text>
        </>
      )}
    </Space>
  );
}
