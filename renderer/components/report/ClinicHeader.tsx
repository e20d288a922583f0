import { useTranslation } from 'react-i18next';
import { pumpApi } from '../../api/client';
import { useApi } from '../../api/hooks';

/** The clinic's name and phone from the site settings, as every printed page and the patient card carry them. */
export function useClinic(): { loaded: boolean; name: string; phone: string } {
  const settings = useApi(['settings:get'], () => pumpApi().settings.get({}));
  return {
    loaded: settings.data !== undefined,
    name: settings.data?.clinicName ?? '',
    phone: settings.data?.clinicPhone ?? '',
  };
}

/**
 * The clinic's name and phone as printed. A setting left empty is printed as not set, visibly: a
 * card that says "contact the clinic" with no one to contact must not look complete.
 */
export function ClinicContact({ testId, strong }: { testId: string; strong?: boolean }) {
  const { t } = useTranslation();
  const clinic = useClinic();
  // Not yet read: nothing rather than a false "not set".
  if (!clinic.loaded) return null;
  const missing = { color: '#a8071a', fontWeight: 600 };
  return (
    <p data-testid={testId} style={{ margin: '0 0 12px', fontWeight: strong === true ? 600 : undefined }}>
      {clinic.name === '' ? (
        <span style={missing} data-testid="clinic-name-not-set">
          {t('paper.clinicNameNotSet')}
        </span>
      ) : (
        <strong>{clinic.name}</strong>
      )}
      {' — '}
      {clinic.phone === '' ? (
        <span style={missing} data-testid="clinic-phone-not-set">
          {t('paper.clinicPhoneNotSet')}
        </span>
      ) : (
        t('paper.phone', { phone: clinic.phone })
      )}
    </p>
  );
}

export function ClinicHeader() {
  return <ClinicContact testId="clinic" strong />;
}

/** Lines for handwritten signatures, each with its role, a name where it is known, and the date. */
export function SignatureLines({ lines }: { lines: Array<{ role: string; name?: string | null }> }) {
  const { t } = useTranslation();
  return (
    <div
      data-testid="signatures"
      style={{ display: 'grid', gridTemplateColumns: `repeat(${lines.length}, 1fr)`, gap: 24, marginTop: 32 }}
    >
      {lines.map((l) => (
        <div key={l.role}>
          <div style={{ borderBottom: '1px solid #000', height: 40 }} />
          <div>
            {l.role}
            {l.name == null || l.name === '' ? '' : `: ${l.name}`}
          </div>
          <div style={{ color: '#434343' }}>{t('paper.date')}: ____________</div>
        </div>
      ))}
    </div>
  );
}
