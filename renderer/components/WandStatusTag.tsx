import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { WandStatus } from '../../core/pump';

/** Text, background and border per state; dark text for WCAG AA contrast. */
const colours: Record<WandStatus['state'], { color: string; background: string; borderColor: string }> = {
  disconnected: { color: '#434343', background: '#fafafa', borderColor: '#d9d9d9' },
  connected: { color: '#003a8c', background: '#e6f4ff', borderColor: '#91caff' },
  searching: { color: '#613400', background: '#fffbe6', borderColor: '#ffe58f' },
  'pump-found': { color: '#135200', background: '#f6ffed', borderColor: '#b7eb8f' },
};

/** Connected / searching / pump found, with the link quality once a pump answered. */
export function WandStatusTag({ status }: { status: WandStatus }) {
  const { t } = useTranslation();
  return (
    <Tag style={colours[status.state]} data-testid="wand-status" role="status">
      {t(`wand.${status.state}`)}
      {status.linkQuality === null ? '' : ` · ${t('wand.link', { quality: status.linkQuality })}`}
    </Tag>
  );
}
