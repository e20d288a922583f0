import { Form, Input, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';

/** The independent double check: a second clinician signs with their own user name and password. */
export function WitnessFields({ prefix = 'witness', inline = false }: { prefix?: string; inline?: boolean }) {
  const { t } = useTranslation();
  const fields = (
    <>
      <Form.Item
        name={[prefix, 'username']}
        label={t('witness.username')}
        rules={[{ required: true, message: t('form.required') }]}
      >
        <Input autoComplete="off" />
      </Form.Item>
      <Form.Item
        name={[prefix, 'password']}
        label={t('witness.password')}
        rules={[{ required: true, message: t('form.required') }]}
      >
        <Input.Password autoComplete="off" />
      </Form.Item>
    </>
  );
  return (
    <fieldset
      style={{ border: '1px solid #d9d9d9', borderRadius: 8, padding: '8px 16px' }}
      data-testid="witness-fields"
    >
      <legend style={{ width: 'auto', padding: '0 4px', fontSize: 14, marginBottom: 0, border: 0 }}>
        {t('witness.title')}
      </legend>
      <Typography.Paragraph type="secondary" style={inline ? { marginBottom: 4 } : {}}>
        {t('witness.hint')}
      </Typography.Paragraph>
      {/* Inline (a screen that must fit one view): the two fields side by side. */}
      {inline ? (
        <Space size="middle" align="start" className="witness-inline">
          {fields}
        </Space>
      ) : (
        fields
      )}
    </fieldset>
  );
}
