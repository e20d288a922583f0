import { Alert, Card, Form, Input } from 'antd';
import { useTranslation } from 'react-i18next';

/**
 * A flagged discrepancy (what came out differs from what the pump counted by more than the
 * threshold): the nurse records what was checked and the patient's state before the refill can
 * complete. Both go into the audit trail and put the pump on the physician's review list.
 * Fields `discrepancyAck.checked` and `discrepancyAck.patientState` of the surrounding form.
 */
export function DiscrepancyAck() {
  const { t } = useTranslation();
  const rule = [{ required: true, whitespace: true, min: 3, message: t('visit.ackRequired') }];
  return (
    <Card size="small" title={t('visit.ackTitle')} data-testid="discrepancy-ack" style={{ marginBottom: 16 }}>
      <Alert type="warning" showIcon style={{ marginBottom: 12 }} title={t('visit.ackWhy')} />
      <Form.Item
        name={['discrepancyAck', 'checked']}
        label={t('visit.ackChecked')}
        extra={t('visit.ackCheckedHint')}
        rules={rule}
      >
        <Input.TextArea rows={2} maxLength={500} />
      </Form.Item>
      <Form.Item
        name={['discrepancyAck', 'patientState']}
        label={t('visit.ackPatientState')}
        extra={t('visit.ackPatientStateHint')}
        rules={rule}
      >
        <Input.TextArea rows={2} maxLength={500} />
      </Form.Item>
    </Card>
  );
}
