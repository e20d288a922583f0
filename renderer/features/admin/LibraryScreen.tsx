import { DECIMAL_INPUT } from '../../../core/quantity';
import { Alert, Button, Input, InputNumber, Space, Spin, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { DrugLibrarySchema, libraryRules } from '../../../core/library/schema';
import { pumpApi } from '../../api/client';
import { useApi, useApiMutation } from '../../api/hooks';
import { ErrorAlert } from '../../components/ErrorAlert';
import { unitText } from '../../app/format';

type Library = z.infer<typeof DrugLibrarySchema>;
type Entry = Library['entries'][number];
const EDIT_SOURCE = 'Edited by the site administrator / pharmacist';

/** One limit cell: soft and hard thresholds, blank for none. */
function BoundCell({
  value,
  onChange,
  label,
}: {
  value: { soft?: string | undefined; hard?: string | undefined } | undefined;
  onChange: (soft: string, hard: string) => void;
  label: string;
}) {
  const { t } = useTranslation();
  const soft = value?.soft ?? '';
  const hard = value?.hard ?? '';
  return (
    <Space orientation="vertical" size={2}>
      <Input
        size="small"
        aria-label={`${label} ${t('level.soft')}`}
        prefix={t('level.soft')}
        value={soft}
        status={soft === '' || DECIMAL_INPUT.test(soft) ? '' : 'error'}
        onChange={(e) => onChange(e.target.value, hard)}
        style={{ width: 130 }}
      />
      <Input
        size="small"
        aria-label={`${label} ${t('level.hard')}`}
        prefix={t('level.hard')}
        value={hard}
        status={hard === '' || DECIMAL_INPUT.test(hard) ? '' : 'error'}
        onChange={(e) => onChange(soft, e.target.value)}
        style={{ width: 130 }}
      />
    </Space>
  );
}

/** An edited limit is the site's own figure: the published source no longer describes it. */
const withBound = (soft: string, hard: string) =>
  soft === '' && hard === ''
    ? undefined
    : { ...(soft === '' ? {} : { soft }), ...(hard === '' ? {} : { hard }), source: EDIT_SOURCE };

/**
 * The drug library editor (administrator / pharmacist only): maximum concentration and daily dose
 * (soft and hard) and the stability in the pump. Saving makes a new version, audited with its
 * hash; it is unconfirmed until a pharmacist confirms it.
 */
export default function LibraryScreen() {
  const { t } = useTranslation();
  const current = useApi(['library:get'], () => pumpApi().library.get({}));
  const [draft, setDraft] = useState<Library | undefined>();
  const save = useApiMutation((library: Library) => pumpApi().library.save({ library }), [['library:get']]);
  const confirm = useApiMutation((version: number) => pumpApi().library.confirm({ version }), [['library:get']]);
  if (current.data === undefined) return current.error === null ? <Spin /> : <ErrorAlert error={current.error} />;
  const library = draft ?? current.data.library;
  const update = (drug: Entry['drug'], change: (e: Entry) => Entry) =>
    setDraft({ ...library, entries: library.entries.map((e) => (e.drug === drug ? change(e) : e)) });
  const malformed = library.entries.some((e) =>
    [e.dailyDose.max?.soft, e.dailyDose.max?.hard, e.concentration.max?.soft, e.concentration.max?.hard].some(
      (v) => v !== undefined && !DECIMAL_INPUT.test(v),
    ),
  );
  // The service's own schema says what is wrong (a soft limit above its hard one, a first fill
  // stable longer than any fill) before anything is saved.
  const parsed = malformed || draft === undefined ? undefined : DrugLibrarySchema.safeParse(draft);
  const problem = parsed === undefined || parsed.success ? undefined : parsed.error.issues[0];
  const problemDrug = problem === undefined ? undefined : library.entries[Number(problem.path[1])]?.drug;
  const invalid = malformed || problem !== undefined;
  const ruleText = (message: string): string => {
    const rule = (Object.keys(libraryRules) as Array<keyof typeof libraryRules>).find(
      (k) => libraryRules[k] === message,
    );
    return rule === undefined ? message : t(`library.rule.${rule}`);
  };
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ margin: 0 }}>
        {t('nav.library')}
      </Typography.Title>
      <Space wrap data-testid="library-version">
        <Typography.Text>
          {t('library.version', { name: library.name, version: current.data.library.version })}
        </Typography.Text>
        <Typography.Text code>{current.data.hash.slice(0, 19)}</Typography.Text>
        {current.data.library.confirmedBy === null ? (
          <Tag color="orange" style={{ color: '#000' }}>
            {t('library.unconfirmed')}
          </Tag>
        ) : (
          <Tag color="green" style={{ color: '#000' }}>
            {t('library.confirmedBy', { name: current.data.library.confirmedBy })}
          </Tag>
        )}
        {current.data.library.confirmedBy === null && current.data.library.version > 1 && (
          <Button onClick={() => confirm.mutate(current.data.library.version)} loading={confirm.isPending}>
            {t('library.confirm')}
          </Button>
        )}
      </Space>
      {current.data.library.confirmedBy === null && (
        <Alert type="warning" showIcon title={t('library.unconfirmedHint')} />
      )}
      <Table
        rowKey="drug"
        size="small"
        pagination={false}
        dataSource={library.entries}
        columns={[
          { title: t('status.drug'), dataIndex: 'drug', render: (d: Entry['drug']) => t(`drug.${d}`) },
          {
            title: t('library.maxConcentration'),
            render: (_, e) => (
              <BoundCell
                label={`${t(`drug.${e.drug}`)} ${t('library.maxConcentration')}`}
                value={e.concentration.max}
                onChange={(soft, hard) =>
                  update(e.drug, (x) => ({ ...x, concentration: { ...x.concentration, max: withBound(soft, hard) } }))
                }
              />
            ),
          },
          {
            title: t('library.maxDailyDose'),
            render: (_, e) => (
              <BoundCell
                label={`${t(`drug.${e.drug}`)} ${t('library.maxDailyDose')}`}
                value={e.dailyDose.max}
                onChange={(soft, hard) =>
                  update(e.drug, (x) => ({ ...x, dailyDose: { ...x.dailyDose, max: withBound(soft, hard) } }))
                }
              />
            ),
          },
          {
            title: t('library.unit'),
            dataIndex: 'unit',
            render: (u: string) => `${unitText(t, `${u}/mL`)} · ${unitText(t, `${u}/day`)}`,
          },
          {
            title: t('library.stability'),
            render: (_, e) => (
              <InputNumber
                size="small"
                aria-label={`${t(`drug.${e.drug}`)} ${t('library.stability')}`}
                min={1}
                max={365}
                precision={0}
                value={e.stabilityDays?.days ?? null}
                onChange={(days) =>
                  update(e.drug, (x) => ({
                    ...x,
                    stabilityDays: days === null ? undefined : { ...x.stabilityDays, days, source: EDIT_SOURCE },
                  }))
                }
              />
            ),
          },
        ]}
      />
      {problem !== undefined && (
        <Alert
          type="error"
          showIcon
          data-testid="library-problem"
          title={t('library.invalid', {
            drug: problemDrug === undefined ? '' : t(`drug.${problemDrug}`),
            message: ruleText(problem.message),
          })}
        />
      )}
      <ErrorAlert error={save.error ?? confirm.error} />
      {save.data !== undefined && (
        <Alert type="success" showIcon title={t('library.saved', { version: save.data.version })} />
      )}
      <Space>
        <Button
          type="primary"
          disabled={draft === undefined || invalid}
          loading={save.isPending}
          onClick={() => draft !== undefined && save.mutate(draft, { onSuccess: () => setDraft(undefined) })}
        >
          {t('library.save')}
        </Button>
        <Button disabled={draft === undefined} onClick={() => setDraft(undefined)}>
          {t('library.discard')}
        </Button>
      </Space>
    </Space>
  );
}
