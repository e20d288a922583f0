import { DECIMAL_INPUT } from '../../../core/quantity';
import { Alert, Card, Descriptions, Form, Input, Select, Tabs } from 'antd';
import { useTranslation } from 'react-i18next';
import { bridgeBolus } from '../../../core/calc/bridge';
import { primingBolus } from '../../../core/calc/priming';
import { dec, str } from '../../../core/decimal';
import { deadVolume } from '../../../core/program';
import { catheterModels, pumpModelNamed } from '../../../core/models';
import type { PumpStatus } from '../../../core/pump';
import { dailyDoseUnit, massOf } from '../../../core/units';
import { formatQuantity, unitText } from '../../app/format';
import { appErrorText } from '../../components/errorText';

/**
 * The priming and bridge bolus calculators, from the pump and catheter model data and the pump's
 * current drug: what the bolus is, how long it runs and what it delivers. They calculate only;
 * nothing here is sent to the pump (a bolus is given from the clinician bolus screen, features/bolus).
 */
export function BolusHelpers({ status }: { status: PumpStatus }) {
  const { t } = useTranslation();
  const [priming] = Form.useForm<{ catheterId: string; lengthCm: string; rate: string }>();
  const [bridge] = Form.useForm<{ newConcentration: string; lengthCm: string }>();
  const primingValues = Form.useWatch([], priming) as
    { catheterId?: string; lengthCm?: string; rate?: string } | undefined;
  const b = Form.useWatch([], bridge) as { newConcentration?: string; lengthCm?: string } | undefined;
  const pump = pumpModelNamed(status.model);
  const catheter =
    catheterModels.find((c) => c.id === (primingValues?.catheterId ?? catheterModels[0]?.id)) ?? catheterModels[0];
  const mass = massOf(status.concentration.unit);

  const primingResult =
    catheter !== undefined &&
    primingValues?.lengthCm !== undefined &&
    DECIMAL_INPUT.test(primingValues.lengthCm) &&
    primingValues.rate !== undefined &&
    DECIMAL_INPUT.test(primingValues.rate)
      ? primingBolus({
          pump,
          catheter,
          implantedLengthCm: primingValues.lengthCm,
          concentration: status.concentration,
          bolusRateMlPerHour: primingValues.rate,
        })
      : undefined;
  const bridgeResult =
    catheter !== undefined &&
    b?.newConcentration !== undefined &&
    DECIMAL_INPUT.test(b.newConcentration) &&
    b.lengthCm !== undefined &&
    DECIMAL_INPUT.test(b.lengthCm)
      ? bridgeBolus(
          {
            dailyDose: { value: status.dailyDose.value, unit: dailyDoseUnit(mass) },
            oldConcentration: status.concentration,
            newConcentration: { value: b.newConcentration, unit: status.concentration.unit },
            // Dead volume: the pump's tubing plus the catheter's volume over its implanted length.
            deadVolume: deadVolume(pump, str(dec(catheter.volumeMlPerCm).mul(b.lengthCm))),
          },
          pump,
        )
      : undefined;
  return (
    <Card size="small" title={t('helpers.title')} data-testid="bolus-helpers">
      <Alert type="info" showIcon title={t('helpers.calculatorOnly')} style={{ marginBottom: 12 }} />
      <Tabs
        items={[
          {
            key: 'priming',
            label: t('helpers.priming'),
            children: (
              <>
                <Form
                  form={priming}
                  name="priming"
                  layout="inline"
                  initialValues={{ catheterId: catheterModels[0]?.id, lengthCm: '', rate: '0.5' }}
                >
                  <Form.Item name="catheterId" label={t('helpers.catheter')}>
                    <Select
                      style={{ width: 220 }}
                      options={catheterModels.map((c) => ({ value: c.id, label: c.name }))}
                    />
                  </Form.Item>
                  <Form.Item
                    name="lengthCm"
                    label={t('helpers.length')}
                    rules={[{ pattern: DECIMAL_INPUT, message: t('form.decimal') }]}
                  >
                    <Input suffix="cm" style={{ width: 110 }} />
                  </Form.Item>
                  <Form.Item
                    name="rate"
                    label={t('helpers.bolusRate')}
                    rules={[{ pattern: DECIMAL_INPUT, message: t('form.decimal') }]}
                  >
                    <Input suffix={unitText(t, 'mL/h')} style={{ width: 110 }} />
                  </Form.Item>
                </Form>
                {primingResult?.ok === true && (
                  <>
                    <Descriptions
                      data-testid="priming-result"
                      size="small"
                      bordered
                      column={1}
                      style={{ marginTop: 12 }}
                      items={[
                        {
                          key: 'v',
                          label: t('helpers.volume'),
                          children: formatQuantity(primingResult.value.volume, t),
                        },
                        {
                          key: 'd',
                          label: t('helpers.duration'),
                          children: `${primingResult.value.durationHours} ${unitText(t, 'h')}`,
                        },
                        {
                          key: 'drug',
                          label: t('helpers.drugInBolus'),
                          children: `${formatQuantity(primingResult.value.drugInBolus, t)} ${t(`drug.${status.drug}`)}`,
                        },
                      ]}
                    />
                    <Alert type="warning" showIcon style={{ marginTop: 8 }} title={t('helpers.primingWarning')} />
                  </>
                )}
                {primingResult?.ok === false && (
                  <Alert type="error" showIcon style={{ marginTop: 8 }} title={appErrorText(t, primingResult.error)} />
                )}
              </>
            ),
          },
          {
            key: 'bridge',
            label: t('helpers.bridge'),
            children: (
              <>
                <Form
                  form={bridge}
                  name="bridge"
                  layout="inline"
                  initialValues={{ newConcentration: '', lengthCm: '' }}
                >
                  <Form.Item
                    name="newConcentration"
                    label={t('helpers.newConcentration')}
                    rules={[{ pattern: DECIMAL_INPUT, message: t('form.decimal') }]}
                  >
                    <Input suffix={unitText(t, status.concentration.unit)} style={{ width: 150 }} />
                  </Form.Item>
                  <Form.Item
                    name="lengthCm"
                    label={t('helpers.length')}
                    rules={[{ pattern: DECIMAL_INPUT, message: t('form.decimal') }]}
                  >
                    <Input suffix="cm" style={{ width: 110 }} />
                  </Form.Item>
                </Form>
                {bridgeResult?.ok === true && (
                  <Descriptions
                    data-testid="bridge-result"
                    size="small"
                    bordered
                    column={1}
                    style={{ marginTop: 12 }}
                    items={[
                      {
                        key: 'v',
                        label: t('helpers.bridgeVolume'),
                        children: formatQuantity(bridgeResult.value.bridgeVolume, t),
                      },
                      {
                        key: 'd',
                        label: t('helpers.duration'),
                        children: `${bridgeResult.value.bridgeDurationHours} ${unitText(t, 'h')}`,
                      },
                      {
                        key: 'old',
                        label: t('helpers.oldRate'),
                        children: formatQuantity(bridgeResult.value.oldRate, t),
                      },
                      {
                        key: 'new',
                        label: t('helpers.newRate'),
                        children: formatQuantity(bridgeResult.value.newRate, t),
                      },
                    ]}
                  />
                )}
                {bridgeResult?.ok === false && (
                  <Alert type="error" showIcon style={{ marginTop: 8 }} title={appErrorText(t, bridgeResult.error)} />
                )}
              </>
            ),
          },
        ]}
      />
    </Card>
  );
}
