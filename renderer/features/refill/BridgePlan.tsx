import { Alert, Card, Descriptions, Radio, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { RefillPreview } from '../../../core/api/refill-schemas';
import { dec } from '../../../core/decimal';
import type { PumpStatus } from '../../../core/pump';
import { formatQuantity, unitText } from '../../app/format';
import { LibraryVerdict } from '../../components/FindingsList';
import { bridgeHours } from '../../components/report/RefillReport';
import type { BolusChoice } from './useRefillWizard';

type ConcentrationChange = NonNullable<RefillPreview['concentrationChange']>;

/**
 * A new concentration or drug: the forced bridge the service plans (dead volume, bridge volume and
 * its duration, old and new rate), the library's verdict, and the patient bolus decision.
 */
export function BridgePlan({
  change,
  status,
  bolusDecision,
  setBolusDecision,
}: {
  change: ConcentrationChange;
  status: PumpStatus;
  bolusDecision: BolusChoice;
  setBolusDecision: (choice: BolusChoice) => void;
}) {
  const { t } = useTranslation();
  return (
    <Card
      size="small"
      title={t(change.previousDrug === null ? 'refill.bridgeTitle' : 'refill.drugChangeTitle')}
      data-testid="bridge-plan"
      style={{ marginTop: 16 }}
    >
      <Descriptions
        size="small"
        bordered
        column={1}
        items={[
          ...(change.previousDrug === null
            ? [
                {
                  key: 'c',
                  label: t('status.concentration'),
                  children: (
                    <span>
                      {status.concentration.value} → <strong>{formatQuantity(change.newConcentration, t)}</strong>
                    </span>
                  ),
                },
              ]
            : [
                {
                  key: 'drug',
                  label: t('status.drug'),
                  children: (
                    <span>
                      {t(`drug.${change.previousDrug}`)} {formatQuantity(status.concentration, t)} →{' '}
                      <strong>
                        {t(`drug.${change.newDrug}`)} {formatQuantity(change.newConcentration, t)}
                      </strong>
                    </span>
                  ),
                },
              ]),
          {
            key: 'dose',
            label: t('status.dailyDose'),
            children:
              change.previousDrug === null ? (
                `${formatQuantity(status.dailyDose, t)} (${t('review.unchanged')})`
              ) : (
                <span>
                  {formatQuantity(status.dailyDose, t)} → <strong>{formatQuantity(change.newDailyDose, t)}</strong>
                </span>
              ),
          },
          { key: 'dead', label: t('refill.deadVolume'), children: formatQuantity(change.deadVolume, t) },
          {
            key: 'bridge',
            label: t('refill.bridgeVolume'),
            children: (
              <strong>{`${formatQuantity(change.bridgeVolume, t)} — ${t('refill.bridgeDuration', { hours: bridgeHours(change.bridgeMinutes), minutes: change.bridgeMinutes })}`}</strong>
            ),
          },
          { key: 'old', label: t('helpers.oldRate'), children: formatQuantity(change.oldRate, t) },
          { key: 'new', label: t('helpers.newRate'), children: <strong>{formatQuantity(change.newRate, t)}</strong> },
        ]}
      />
      <Alert
        type="warning"
        showIcon
        style={{ marginTop: 8 }}
        title={t(change.previousDrug === null ? 'refill.bridgeForced' : 'refill.drugBridgeForced', {
          drug: t(`drug.${change.previousDrug ?? change.newDrug}`),
        })}
      />
      {change.patientBolus !== null && (
        <BolusDecision
          bolus={change.patientBolus}
          concentration={change.newConcentration}
          oldConcentration={status.concentration}
          value={bolusDecision}
          onChange={setBolusDecision}
        />
      )}
      <div style={{ marginTop: 8 }}>
        <LibraryVerdict check={change.check} />
      </div>
    </Card>
  );
}

type PatientBolusPlan = NonNullable<ConcentrationChange['patientBolus']>;
type Conc = { value: string; unit: string };

/** The patient bolus old beside new at a concentration or drug change; the physician chooses. */
function BolusDecision({
  bolus,
  concentration,
  oldConcentration,
  value,
  onChange,
}: {
  bolus: PatientBolusPlan;
  concentration: Conc;
  oldConcentration: Conc;
  value: BolusChoice;
  onChange: (v: 'same-dose' | 'remove') => void;
}) {
  const { t } = useTranslation();
  const mass = oldConcentration.unit.split('/')[0] ?? '';
  const doseOf = (volumeMl: string, c: Conc) =>
    `${dec(volumeMl).mul(c.value).toDecimalPlaces(4).toString()} ${unitText(t, mass)}`;
  const old = bolus.old;
  return (
    <div data-testid="bolus-decision" style={{ marginTop: 8 }}>
      <Typography.Text strong>{t('refill.bolusTitle')}</Typography.Text>
      <Descriptions
        size="small"
        bordered
        column={1}
        items={[
          {
            key: 'old',
            label: t('refill.bolusOld'),
            children: t('refill.bolusSettings', {
              volume: old.volumeMl,
              dose: doseOf(old.volumeMl, oldConcentration),
              perDay: old.maxPerDay,
              lockout: old.lockoutMinutes,
            }),
          },
          {
            key: 'new',
            label: t('refill.bolusNew'),
            children:
              value === 'remove' || value === '' || bolus.sameDose === null ? (
                <strong>{value === '' ? t('refill.bolusUndecided') : t('refill.bolusNone')}</strong>
              ) : (
                <strong>
                  {t('refill.bolusSettings', {
                    volume: bolus.sameDose.volumeMl,
                    dose: doseOf(bolus.sameDose.volumeMl, concentration),
                    perDay: bolus.sameDose.maxPerDay,
                    lockout: bolus.sameDose.lockoutMinutes,
                  })}
                </strong>
              ),
          },
        ]}
      />
      <Radio.Group
        aria-label={t('refill.bolusTitle')}
        value={value === '' ? undefined : value}
        onChange={(e) => onChange(e.target.value as 'same-dose' | 'remove')}
        style={{ marginTop: 8 }}
      >
        <Space orientation="vertical">
          {bolus.sameDose !== null && (
            <Radio value="same-dose">{t('refill.bolusSameDose', { volume: bolus.sameDose.volumeMl })}</Radio>
          )}
          <Radio value="remove">{t('refill.bolusRemove')}</Radio>
        </Space>
      </Radio.Group>
    </div>
  );
}
