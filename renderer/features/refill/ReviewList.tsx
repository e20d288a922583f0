import { Alert, Button, Card, Descriptions, Empty, Form, Input, Space, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { PumpReviewSchema } from '../../../core/api/refill-schemas';
import { may } from '../../../core/permissions';
import { pumpApi, unwrap } from '../../api/client';
import { useApi, useApiMutation } from '../../api/hooks';
import { formatDateTime } from '../../app/format';
import { ErrorAlert } from '../../components/ErrorAlert';

type Review = z.infer<typeof PumpReviewSchema>;

/**
 * Pumps that need a physician's review: a refill flagged a discrepancy between what the pump
 * counted and what was withdrawn, and the nurse recorded what she checked and the patient's state.
 * A physician clears each one with a note (audited); everyone else sees the list.
 */
export default function ReviewList() {
  const { t } = useTranslation();
  const reviews = useApi(['reviews:list'], () => pumpApi().reviews.list({}));
  const role = useQuery({ queryKey: ['auth:status'], queryFn: async () => unwrap(await pumpApi().auth.status({})) })
    .data?.user?.role;
  const canClear = role !== undefined && may(role, 'review.clear');
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ margin: 0 }}>
        {t('reviews.title')}
      </Typography.Title>
      <Typography.Paragraph>{t('reviews.intro')}</Typography.Paragraph>
      <ErrorAlert error={reviews.error} />
      {reviews.data?.length === 0 && <Empty description={t('reviews.none')} />}
      {reviews.data?.map((r) => (
        <ReviewCard key={r.id} review={r} canClear={canClear} />
      ))}
    </Space>
  );
}

function ReviewCard({ review, canClear }: { review: Review; canClear: boolean }) {
  const { t, i18n } = useTranslation();
  const [clearing, setClearing] = useState(false);
  const clear = useApiMutation(
    (input: { id: number; note: string }) => pumpApi().reviews.clear(input),
    [['reviews:list']],
  );
  const who = review.patient === null ? '—' : `${review.patient.name} (${review.patient.identifier})`;
  return (
    <Card
      title={<span>{t('reviews.cardTitle', { patient: who, serial: review.pumpSerial })}</span>}
      data-testid="review"
      data-serial={review.pumpSerial}
    >
      <Descriptions
        bordered
        size="small"
        column={{ xs: 1, md: 2 }}
        items={[
          { key: 'when', label: t('reviews.flaggedAt'), children: formatDateTime(review.flaggedAt, i18n.language) },
          { key: 'nurse', label: t('report.nurse'), children: review.nurse },
          {
            key: 'volumes',
            label: t('refill.discrepancy'),
            children: t('reviews.volumes', {
              expected: review.expectedMl,
              withdrawn: review.withdrawnMl,
              discrepancy: review.discrepancyMl,
            }),
          },
          { key: 'checked', label: t('visit.ackChecked'), children: review.checked },
          { key: 'state', label: t('visit.ackPatientState'), children: review.patientState },
        ]}
      />
      {canClear && !clearing && (
        <Button type="primary" style={{ marginTop: 12 }} onClick={() => setClearing(true)}>
          {t('reviews.clear')}
        </Button>
      )}
      {canClear && clearing && (
        <Form
          layout="vertical"
          style={{ marginTop: 12, maxWidth: 560 }}
          onFinish={(v: { note: string }) => clear.mutate({ id: review.id, note: v.note })}
        >
          <Form.Item
            name="note"
            label={t('reviews.note')}
            extra={t('reviews.noteHint')}
            rules={[{ required: true, whitespace: true, min: 3, message: t('reviews.noteRequired') }]}
          >
            <Input.TextArea rows={3} maxLength={1000} autoFocus />
          </Form.Item>
          <ErrorAlert error={clear.error} />
          <Space>
            <Button onClick={() => setClearing(false)}>{t('review.back')}</Button>
            <Button type="primary" htmlType="submit" loading={clear.isPending}>
              {t('reviews.confirmClear')}
            </Button>
          </Space>
        </Form>
      )}
      {!canClear && <Alert type="info" showIcon style={{ marginTop: 12 }} title={t('reviews.physicianClears')} />}
    </Card>
  );
}
