import {
  Alert,
  Button,
  Card,
  Checkbox,
  Form,
  Input,
  InputNumber,
  Radio,
  Result as AntResult,
  Space,
  Table,
  Typography,
} from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { BolusPreview, BolusRequestSchema } from '../../../core/api/schemas';
import type { PumpStatus } from '../../../core/pump';
import { pumpApi } from '../../api/client';
import { formatDateTime } from '../../app/format';
import { useApiMutation } from '../../api/hooks';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LibraryVerdict } from '../../components/FindingsList';
import { WitnessFields } from '../../components/WitnessFields';
import { LAST_READING } from '../pump/lastReading';

type BolusRequest = z.input<typeof BolusRequestSchema>;
type Api = ReturnType<typeof pumpApi>;
const DECIMAL = /^\d{1,6}(\.\d{1,6})?$/;

interface RequestForm {
  kind: 'single' | 'priming';
  dose?: string;
  durationMinutes?: number;
  primed?: 'yes' | 'no';
}

const toRequest = (v: RequestForm): BolusRequest | undefined => {
  if (v.durationMinutes == null) return undefined;
  if (v.kind === 'single')
    return v.dose !== undefined && DECIMAL.test(v.dose)
      ? { kind: 'single', dose: v.dose, durationMinutes: v.durationMinutes }
      : undefined;
  return v.primed === undefined
    ? undefined
    : { kind: 'priming', durationMinutes: v.durationMinutes, catheterPrimed: v.primed === 'yes' };
};

const q = (x: { value: string; unit: string }) => `${x.value} ${x.unit}`;

/** The program the pump runs beside the bolus: what stays, what the bolus adds, the 24-hour total and the reservoir. */
function BolusReviewTable({ preview }: { preview: BolusPreview }) {
  const { t, i18n } = useTranslation();
  const s = preview.running;
  const rows: Array<{ key: string; setting: string; now: string; with: string; changed: boolean }> = [
    {
      key: 'drug',
      setting: t('bolus.row.drug'),
      now: `${t(`drug.${s.drug}`)} ${q(s.concentration)}`,
      with: `${t(`drug.${s.drug}`)} ${q(s.concentration)}`,
      changed: false,
    },
    {
      key: 'program',
      setting: t('bolus.row.program'),
      now: `${t(`mode.${s.mode}`)}, ${q(s.rate)}`,
      with: `${t(`mode.${s.mode}`)}, ${q(s.rate)}`,
      changed: false,
    },
    ...preview.doses.map((d) => ({
      key: `dose-${d.drug}`,
      setting: `${t('bolus.row.dose')} (${t(`drug.${d.drug}`)})`,
      now: '—',
      with: q(d.dose),
      changed: true,
    })),
    { key: 'volume', setting: t('bolus.row.volume'), now: '—', with: q(preview.volume), changed: true },
    {
      key: 'duration',
      setting: t('bolus.row.duration'),
      now: '—',
      with: t('bolus.minutes', { n: preview.durationMinutes }),
      changed: true,
    },
    { key: 'rate', setting: t('bolus.row.rate'), now: '—', with: q(preview.rate), changed: true },
    ...preview.doses.map((d) => ({
      key: `total-${d.drug}`,
      setting: `${t('bolus.row.total24h')} (${t(`drug.${d.drug}`)})`,
      now: q(d.total24hBefore),
      with: q(d.total24hWith),
      changed: d.total24hBefore.value !== d.total24hWith.value,
    })),
    // Repeated boluses are added up: each earlier clinician bolus of the window, and each drug's total of them with this one.
    ...preview.earlier.map((b, i) => ({
      key: `earlier-${i}`,
      setting: t('bolus.row.earlier', { at: formatDateTime(b.at, i18n.language) }),
      now:
        b.kind === 'single'
          ? t('bolus.row.earlierSingle', {
              dose: b.doses.map((d) => q(d.dose)).join(', '),
              volume: q(b.volume),
              minutes: b.durationMinutes,
            })
          : t('bolus.row.earlierPriming', { volume: q(b.volume), minutes: b.durationMinutes }),
      with: '—',
      changed: false,
    })),
    ...preview.doses.map((d) => ({
      key: `clinician-${d.drug}`,
      setting: `${t('bolus.row.clinicianTotal', { hours: d.clinicianBoluses.hours, count: d.clinicianBoluses.count })} (${t(`drug.${d.drug}`)})`,
      now: q(d.clinicianBoluses.before),
      with: q(d.clinicianBoluses.with),
      changed: d.clinicianBoluses.before.value !== d.clinicianBoluses.with.value,
    })),
    {
      key: 'reservoir',
      setting: t('bolus.row.reservoir'),
      now: q(preview.reservoir.before),
      with: q(preview.reservoir.after),
      changed: true,
    },
    ...(preview.catheterPrimed === undefined
      ? []
      : [
          {
            key: 'primed',
            setting: t('bolus.row.primed'),
            now: preview.catheterPrimed ? t('bolus.yes') : t('bolus.no'),
            with: '—',
            changed: false,
          },
        ]),
  ];
  return (
    <Table
      data-testid="bolus-review-table"
      size="small"
      pagination={false}
      rowKey="key"
      dataSource={rows}
      rowClassName={(r) => (r.changed ? 'changed-row' : '')}
      columns={[
        { title: t('bolus.setting'), dataIndex: 'setting' },
        { title: t('bolus.now'), dataIndex: 'now' },
        {
          title: t('bolus.withBolus'),
          dataIndex: 'with',
          render: (v: string, r) => (r.changed ? <strong data-changed="true">{v}</strong> : v),
        },
      ]}
    />
  );
}

/** Review and give: the reason for soft findings, the witness, then what the pump did. */
function BolusFinish({
  preview,
  request,
  onBack,
  onDone,
}: {
  preview: BolusPreview;
  request: BolusRequest;
  onBack: () => void;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [form] = Form.useForm<{
    acknowledged?: boolean;
    acknowledgement?: string;
    witness?: { username: string; password: string };
  }>();
  const deliver = useApiMutation(
    (input: Parameters<Api['bolus']['deliver']>[0]) => pumpApi().bolus.deliver(input),
    [['sessions:unconfirmed']],
  );
  const hard = preview.check.verdict === 'hard';
  const soft = preview.check.verdict === 'soft';
  if (deliver.data !== undefined) {
    const d = deliver.data;
    return (
      <AntResult
        status={d.outcome === 'confirmed' ? 'success' : d.outcome === 'rejected' ? 'warning' : 'error'}
        title={
          <span data-testid="bolus-outcome" data-outcome={d.outcome}>
            {t(`outcome.${d.outcome}`)}
          </span>
        }
        subTitle={
          <>
            <div data-testid="bolus-pump-did" data-pump-did={d.pumpDid}>
              {t(`bolus.pumpDid.${d.pumpDid}`, { volume: d.volume.value, minutes: d.durationMinutes })}
            </div>
            {d.mismatches.length > 0 && <div>{d.mismatches.join('; ')}</div>}
            {d.recordingProblem !== undefined && (
              <Alert
                type="error"
                showIcon
                role="alert"
                style={{ marginTop: 12, textAlign: 'left' }}
                title={t('outcome.recordingProblem')}
                description={d.recordingProblem}
              />
            )}
          </>
        }
        extra={
          <Button
            type="primary"
            onClick={() => {
              deliver.reset();
              client.removeQueries({ queryKey: LAST_READING });
              onDone();
            }}
          >
            {t('bolus.done')}
          </Button>
        }
      />
    );
  }
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid="bolus-review">
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('bolus.reviewTitle', { serial: preview.pumpSerial })}
      </Typography.Title>
      {preview.patient !== null && (
        <Typography.Text>
          {t('dashboard.patient', { name: preview.patient.name, identifier: preview.patient.identifier })}
        </Typography.Text>
      )}
      <BolusReviewTable preview={preview} />
      {preview.kind === 'priming' && <Alert type="warning" showIcon title={t('helpers.primingWarning')} />}
      <LibraryVerdict check={preview.check} />
      <Form
        form={form}
        layout="vertical"
        disabled={hard || deliver.isPending}
        onFinish={(v) =>
          deliver.mutate({
            request,
            reviewed: preview.reviewed,
            ...(soft && v.acknowledgement !== undefined ? { acknowledgement: v.acknowledgement } : {}),
            ...(v.witness === undefined ? {} : { witness: v.witness }),
          })
        }
      >
        {soft && (
          <>
            <Form.Item
              name="acknowledged"
              valuePropName="checked"
              rules={[
                {
                  validator: (_, v) =>
                    v === true ? Promise.resolve() : Promise.reject(new Error(t('review.ackRequired'))),
                },
              ]}
            >
              <Checkbox>{t('review.acknowledge')}</Checkbox>
            </Form.Item>
            <Form.Item
              name="acknowledgement"
              label={t('review.reason')}
              rules={[{ required: true, min: 3, message: t('review.reasonRequired') }]}
            >
              <Input.TextArea rows={2} maxLength={500} />
            </Form.Item>
          </>
        )}
        {!hard && <WitnessFields />}
        <ErrorAlert error={deliver.error} title={t('bolus.failed')} />
        <Space style={{ marginTop: 12 }}>
          <Button onClick={onBack} disabled={deliver.isPending}>
            {t('bolus.back')}
          </Button>
          <Button
            type="primary"
            danger
            htmlType="submit"
            loading={deliver.isPending}
            disabled={hard}
            data-testid="bolus-deliver"
          >
            {deliver.isPending ? t('bolus.delivering') : t('bolus.deliver')}
          </Button>
        </Space>
        {hard && <Alert style={{ marginTop: 12 }} type="error" showIcon title={t('review.hardStop')} />}
      </Form>
    </Space>
  );
}

/**
 * A clinician single bolus or a priming bolus through the wand, for the pump as it was last read:
 * the request, then the review beside the running program, the witness, and what the pump did.
 */
export default function BolusScreen({ status, onBack }: { status: PumpStatus; onBack: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<RequestForm>();
  const values = Form.useWatch([], form) as RequestForm | undefined;
  const preview = useApiMutation((input: BolusRequest) => pumpApi().bolus.preview(input));
  const [reviewing, setReviewing] = useState<{ preview: BolusPreview; request: BolusRequest } | undefined>();
  const unit = status.concentration.unit.split('/')[0] ?? '';
  if (reviewing !== undefined) {
    return (
      <BolusFinish
        preview={reviewing.preview}
        request={reviewing.request}
        onBack={() => setReviewing(undefined)}
        onDone={onBack}
      />
    );
  }
  return (
    <Card title={t('bolus.title')} data-testid="bolus-screen">
      <Typography.Paragraph type="secondary">{t('bolus.hint')}</Typography.Paragraph>
      <Form<RequestForm>
        form={form}
        layout="vertical"
        style={{ maxWidth: 560 }}
        initialValues={{ kind: 'single', dose: '', durationMinutes: 30 }}
        onFinish={(v) => {
          const request = toRequest(v);
          if (request === undefined) return;
          preview.mutate(request, { onSuccess: (p) => setReviewing({ preview: p, request }) });
        }}
      >
        <Form.Item name="kind" label={t('bolus.kind')}>
          <Radio.Group
            options={[
              { value: 'single', label: t('bolus.single') },
              { value: 'priming', label: t('bolus.priming') },
            ]}
          />
        </Form.Item>
        {values?.kind !== 'priming' ? (
          <Form.Item
            name="dose"
            label={t('bolus.dose', { unit })}
            rules={[{ required: true, pattern: DECIMAL, message: t('form.decimal') }]}
          >
            <Input inputMode="decimal" suffix={unit} />
          </Form.Item>
        ) : (
          <>
            <Typography.Paragraph type="secondary">{t('bolus.primingVolumeHint')}</Typography.Paragraph>
            <Form.Item
              name="primed"
              label={t('bolus.primedQuestion')}
              rules={[{ required: true, message: t('bolus.primedRequired') }]}
            >
              <Radio.Group
                options={[
                  { value: 'no', label: t('bolus.primedNo') },
                  { value: 'yes', label: t('bolus.primedYes') },
                ]}
              />
            </Form.Item>
          </>
        )}
        <Form.Item
          name="durationMinutes"
          label={t('bolus.duration')}
          rules={[{ required: true, message: t('form.required') }]}
        >
          <InputNumber min={1} max={1440} precision={0} />
        </Form.Item>
        <ErrorAlert error={preview.error} title={t('bolus.checkFailed')} />
        <Space style={{ marginTop: 12 }}>
          <Button onClick={onBack}>{t('bolus.back')}</Button>
          <Button type="primary" htmlType="submit" loading={preview.isPending} data-testid="bolus-review-button">
            {t('bolus.review')}
          </Button>
        </Space>
      </Form>
    </Card>
  );
}
