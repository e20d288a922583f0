import { Alert, Button, Col, Form, Result as AntResult, Row, Space, Table, Tag, Typography } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { ProgramPreview } from '../../../core/api/program-schemas';
import { pumpApi } from '../../api/client';
import { useApiMutation } from '../../api/hooks';
import { AcknowledgeFields } from '../../components/AcknowledgeFields';
import { messagesText } from '../../components/errorText';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LibraryVerdict } from '../../components/FindingsList';
import { wholeDays } from '../../components/ForecastView';
import { ProgramReport } from '../../components/report/ProgramReport';
import { WitnessFields } from '../../components/WitnessFields';
import { LAST_READING } from '../pump/lastReading';
import { ScheduleCompare } from './ScheduleCompare';
import { formatQuantity, formatQuantityText } from '../../app/format';

/**
 * The old-beside-new review: every setting, the changed ones highlighted with their % change (in a
 * column of its own, or beside the new value where the screen is narrow, as on a flex Finish screen).
 */
export function ReviewTable({ preview, narrow = false }: { preview: ProgramPreview; narrow?: boolean }) {
  const { t } = useTranslation();
  const label = (field: string) => {
    const [drugOrField = '', sub] = field.split('.');
    return sub === undefined
      ? t(`review.field.${drugOrField}`)
      : `${t(`drug.${drugOrField}`)} — ${t(`review.field.${sub}`)}`;
  };
  // Days are whole days, never rounded up: the alarm never comes later than shown.
  const value = (field: string, v: string | undefined) =>
    v === undefined
      ? '—'
      : field === 'mode'
        ? t(`mode.${v}`)
        : field === 'daysToAlarm' && /^\d+(\.\d+)?$/.test(v)
          ? wholeDays(v)
          : formatQuantityText(v, t);
  const change = (r: ProgramPreview['rows'][number]) => {
    if (!r.changed) return null;
    const p = r.percentChange;
    return (
      <Tag
        color={p !== undefined && p.startsWith('-') ? 'blue' : 'orange'}
        style={{ color: '#000', marginInlineEnd: 0 }}
      >
        {p === undefined ? t('review.changed') : `${p.startsWith('-') ? '' : '+'}${p} %`}
      </Tag>
    );
  };
  return (
    <Table
      data-testid="review-table"
      className="finish-compact"
      size="small"
      pagination={false}
      rowKey="field"
      dataSource={preview.rows}
      rowClassName={(r) => (r.changed ? 'changed-row' : '')}
      columns={[
        { title: t('review.setting'), dataIndex: 'field', render: (f: string) => label(f) },
        { title: t('review.old'), dataIndex: 'old', render: (v: string | undefined, r) => value(r.field, v) },
        {
          title: narrow ? `${t('review.new')} (${t('review.change')})` : t('review.new'),
          dataIndex: 'new',
          render: (v: string | undefined, r) =>
            r.changed ? (
              <>
                <strong data-changed="true">{value(r.field, v)}</strong>
                {narrow && <> {change(r)}</>}
              </>
            ) : (
              value(r.field, v)
            ),
        },
        ...(narrow
          ? []
          : [
              {
                title: t('review.change'),
                dataIndex: 'percentChange',
                render: (_: string | undefined, r: ProgramPreview['rows'][number]) => change(r),
              },
            ]),
      ]}
    />
  );
}

/** 24-h total and peak hourly dose, old beside new: the 60 mcg/h-for-60 mcg/day error shows here. */
export function Totals({ preview }: { preview: ProgramPreview }) {
  const { t } = useTranslation();
  const q = (x: { value: string; unit: string }) => formatQuantity(x, t);
  return (
    <div className="finish-totals" data-testid="totals" role="group" aria-label={t('review.totals')}>
      <strong>{t('review.totals')}</strong>
      <span>
        {t('review.total24h')}: {q(preview.totals.old24h)} → <strong>{q(preview.totals.new24h)}</strong>
      </span>
      <span>
        {t('review.peakHourly')}: {q(preview.totals.oldPeakHourly)} → <strong>{q(preview.totals.newPeakHourly)}</strong>
      </span>
    </div>
  );
}

export function FinishScreen({ preview, onBack }: { preview: ProgramPreview; onBack: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [form] = Form.useForm<{
    acknowledgement?: string;
    acknowledged?: boolean;
    witness?: { username: string; password: string };
  }>();
  const apply = useApiMutation(
    (input: Parameters<ReturnType<typeof pumpApi>['program']['apply']>[0]) => pumpApi().program.apply(input),
    [['sessions:unconfirmed']],
  );
  // It replaces a long form: opened at its top, title and patient first, never scrolled past them.
  useEffect(() => {
    window.scrollTo(0, 0);
  }, []);
  const hard = preview.check.verdict === 'hard';
  const soft = preview.check.verdict === 'soft';
  if (apply.data !== undefined) {
    const o = apply.data.outcome;
    const outcome = apply.data;
    return (
      <Space orientation="vertical" style={{ width: '100%' }}>
        <AntResult
          status={o === 'confirmed' ? 'success' : o === 'rejected' ? 'warning' : 'error'}
          title={
            <span data-testid="program-outcome" data-outcome={o}>
              {t(`outcome.${o}`)}
            </span>
          }
          subTitle={
            <>
              {apply.data.mismatches.length > 0 ? messagesText(t, apply.data.mismatches) : t('outcome.readBackMatched')}
              {apply.data.recordingProblem !== undefined && (
                <Alert
                  type="error"
                  showIcon
                  role="alert"
                  data-testid="recording-problem"
                  style={{ marginTop: 12, textAlign: 'left' }}
                  title={t('outcome.recordingProblem')}
                  description={apply.data.recordingProblem}
                />
              )}
            </>
          }
          extra={
            <Button
              type="primary"
              onClick={() => {
                apply.reset();
                client.removeQueries({ queryKey: LAST_READING });
                onBack();
              }}
            >
              {t('programming.done')}
            </Button>
          }
        />
        {/* The session report a clinic files: printed from here, the same in both languages. */}
        <ProgramReport
          preview={preview}
          outcome={outcome}
          changes={
            <>
              <ReviewTable preview={preview} />
              <Totals preview={preview} />
            </>
          }
        />
        <Button className="no-print" onClick={() => window.print()} data-testid="print-program-report">
          {t('paper.printProgram')}
        </Button>
      </Space>
    );
  }
  const p = preview.patient;
  const flex = preview.settings.mode === 'flex' || preview.reviewed.mode === 'flex';
  return (
    <div data-testid="finish-screen" className="finish-screen">
      <div className="finish-head">
        <Typography.Title level={3} style={{ margin: 0, fontSize: 20 }} data-testid="finish-title">
          {t('review.title', { serial: preview.pumpSerial })}
        </Typography.Title>
        <Typography.Text strong data-testid="finish-who">
          <span data-testid="finish-patient">
            {p === null ? t('visit.noPatient') : t('visit.patientLine', { name: p.name, identifier: p.identifier })}
          </span>
          {' · '}
          <span data-testid="finish-pump">
            {t('finish.pumpLine', {
              serial: preview.pumpSerial,
              drug: t(`drug.${preview.settings.drug}`),
              concentration: formatQuantity(preview.settings.concentration, t),
            })}
          </span>
        </Typography.Text>
      </div>
      {preview.bridgeRunning !== undefined && (
        <Alert
          type="warning"
          showIcon
          data-testid="bridge-running"
          title={t(preview.settings.mode === 'stopped' ? 'review.bridgeStops' : 'review.bridgeRunning', {
            volume: preview.bridgeRunning.value,
          })}
        />
      )}
      <Row gutter={16} wrap={false} className="finish-columns">
        <Col flex={flex ? '41%' : '56%'} style={{ minWidth: 0 }} data-testid="finish-changes">
          <ReviewTable preview={preview} narrow={flex} />
          {!flex && <Totals preview={preview} />}
        </Col>
        {flex && (
          <Col flex="34%" style={{ minWidth: 0 }}>
            <ScheduleCompare schedule={preview.schedule} />
            {/* Under the chart: the day's total and its peak hour, the sum of the steps above. */}
            <Totals preview={preview} />
          </Col>
        )}
        <Col flex="auto" style={{ minWidth: 0 }}>
          <LibraryVerdict check={preview.check} />
          <Form
            form={form}
            layout="vertical"
            className="finish-form"
            disabled={hard || apply.isPending}
            onFinish={(v) =>
              apply.mutate({
                settings: preview.settings,
                reviewed: preview.reviewed,
                ...(soft && v.acknowledgement !== undefined ? { acknowledgement: v.acknowledgement } : {}),
                ...(preview.witnessRequired && v.witness !== undefined ? { witness: v.witness } : {}),
              })
            }
          >
            {soft && <AcknowledgeFields />}
            {preview.witnessRequired && !hard && <WitnessFields inline={!flex} />}
            <ErrorAlert error={apply.error} title={t('programming.failed')} />
            <Space style={{ marginTop: 8 }}>
              <Button onClick={onBack} disabled={apply.isPending}>
                {t('review.back')}
              </Button>
              <Button
                type="primary"
                danger={soft}
                htmlType="submit"
                loading={apply.isPending}
                disabled={hard}
                data-testid="program-button"
              >
                {apply.isPending ? t('programming.programming') : t('programming.program')}
              </Button>
            </Space>
            {hard && <Alert style={{ marginTop: 8 }} type="error" showIcon title={t('review.hardStop')} />}
          </Form>
        </Col>
      </Row>
    </div>
  );
}
