import { useTranslation } from 'react-i18next';
import { pumpApi } from '../../api/client';
import { useApi } from '../../api/hooks';

/** The clinic's name and phone from the site settings, as every printed page and the patient card carry them. */
export function useClinic(): { name: string; phone: string } {
  const settings = useApi(['settings:get'], () => pumpApi().settings.get({}));
  return { name: settings.data?.clinicName ?? '', phone: settings.data?.clinicPhone ?? '' };
}

export function ClinicHeader() {
  const { t } = useTranslation();
  const clinic = useClinic();
  if (clinic.name === '' && clinic.phone === '') return null;
  return (
    <p data-testid="clinic" style={{ margin: '0 0 12px', fontWeight: 600 }}>
      {clinic.name}
      {clinic.phone === '' ? '' : ` — ${t('paper.phone', { phone: clinic.phone })}`}
    </p>
  );
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
