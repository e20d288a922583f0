import { Alert } from 'antd';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { DoseCheckSchema } from '../../core/api/schemas';
import { translatedParams } from './errorText';

type DoseCheck = z.infer<typeof DoseCheckSchema>;

/** The drug library's verdict with every finding in the user's language. */
export function LibraryVerdict({ check }: { check: DoseCheck }) {
  const { t } = useTranslation();
  const type = check.verdict === 'hard' ? 'error' : check.verdict === 'soft' ? 'warning' : 'success';
  return (
    <Alert
      type={type}
      showIcon
      data-testid="library-verdict"
      data-verdict={check.verdict}
      title={t(`verdict.${check.verdict}`, { library: check.library.name, version: check.library.version })}
      description={
        <>
          {check.findings.length > 0 && (
            <ul style={{ margin: 0, paddingLeft: 20 }}>
              {check.findings.map((f) => (
                <li key={`${f.code}-${f.level}-${f.params['component'] ?? ''}`} data-level={f.level} data-code={f.code}>
                  <strong>{t(`level.${f.level}`)}</strong>:{' '}
                  {t(`finding.${f.code}`, {
                    ...translatedParams(t, f.params),
                    level: t(`level.${f.level}`),
                    defaultValue: f.message,
                  })}
                  {f.params['running'] === 'true' && ` ${t('verdict.running')}`}
                </li>
              ))}
            </ul>
          )}
          {!check.library.confirmed && <div>{t('verdict.unconfirmedLibrary')}</div>}
        </>
      }
    />
  );
}
