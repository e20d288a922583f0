import { Descriptions, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { PumpStatus } from '../../core/pump';
import { formatQuantity } from '../app/format';

/** Decimal strings are shown exactly as the pump reported them: no float round trip. */
export function PumpStatusView({
  status,
  locale,
  clockDriftSeconds,
}: {
  status: PumpStatus;
  locale: string;
  /** Null for a pump without a clock. */
  clockDriftSeconds: number | null;
}) {
  const { t } = useTranslation();
  const items = [
    { key: 'model', label: t('status.model'), children: status.model },
    { key: 'serial', label: t('status.serial'), children: status.serial },
    { key: 'drug', label: t('status.drug'), children: t(`drug.${status.drug}`) },
    { key: 'concentration', label: t('status.concentration'), children: formatQuantity(status.concentration, t) },
    { key: 'mode', label: t('status.mode'), children: t(`mode.${status.mode}`) },
    { key: 'rate', label: t('status.rate'), children: formatQuantity(status.rate, t) },
    { key: 'dailyDose', label: t('status.dailyDose'), children: formatQuantity(status.dailyDose, t) },
    {
      key: 'reservoir',
      label: t('status.reservoir'),
      children: (
        <span>
          <strong>{formatQuantity(status.reservoirVolume, t)}</strong>{' '}
          {t('status.capacity', {
            capacity: status.reservoirCapacity.value,
            alarm: status.lowReservoirAlarmVolume.value,
          })}
        </span>
      ),
    },
    {
      key: 'pumpTime',
      label: t('status.pumpTime'),
      children:
        status.pumpTime === null || clockDriftSeconds === null
          ? t('status.noClock')
          : `${new Date(status.pumpTime).toLocaleString(locale)} (${clockDriftSeconds === 0 ? t('status.clockExact') : t(clockDriftSeconds > 0 ? 'status.clockAhead' : 'status.clockBehind', { seconds: Math.abs(clockDriftSeconds) })})`,
    },
    { key: 'replaceBy', label: t('status.replaceBy'), children: status.replaceByDate },
    {
      key: 'alarms',
      label: t('status.alarms'),
      children:
        status.alarms.length === 0
          ? t('status.noAlarms')
          : status.alarms.map((a) => (
              <Tag key={a.code} color="red">
                {t(`alarm.${a.code}`)}
              </Tag>
            )),
    },
  ];
  return (
    <Descriptions
      data-testid="pump-status"
      title={t('status.title')}
      bordered
      column={{ xs: 1, md: 2 }}
      size="middle"
      items={items.map((item) => ({ ...item, children: <span data-field={item.key}>{item.children}</span> }))}
    />
  );
}
