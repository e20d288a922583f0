import { Checkbox, Form, Input } from 'antd';
import { useTranslation } from 'react-i18next';

/**
 * A soft finding of the drug library: the box that acknowledges it and the reason, fields
 * `acknowledged` and `acknowledgement` of the surrounding form; the reason goes into the audit record.
 * Every screen that asks for the acknowledgement uses these fields. `reasonOnly`: the reason alone
 * (the refill wizard's Finish, where the reason is the acknowledgement).
 */
export function AcknowledgeFields({ reasonOnly = false }: { reasonOnly?: boolean }) {
  const { t } = useTranslation();
  return (
    <>
      {!reasonOnly && (
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
      )}
      <Form.Item
        name="acknowledgement"
        label={t('review.reason')}
        rules={[{ required: true, min: 3, message: t('review.reasonRequired') }]}
      >
        <Input.TextArea rows={2} maxLength={500} />
      </Form.Item>
    </>
  );
}
