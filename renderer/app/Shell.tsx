import { Alert, Button, ConfigProvider, Layout, Menu, Space, Spin, Tag, Typography } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import 'antd/dist/antd.css';
import { useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useCallback, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { User } from '../../core/api/schemas';
import { may, type Operation } from '../../core/permissions';
import { pumpApi } from '../api/client';
import { useApi } from '../api/hooks';
import { TrainingBanner } from '../components/TrainingBanner';
import { messageText } from '../components/errorText';
import { UnconfirmedBanner } from '../components/UnconfirmedBanner';
import { LanguageSelect } from '../components/LanguageSelect';
import { useIdleTimer } from './idle';
import { claimDrafts, clearDrafts, useDraftState } from './drafts';
import { NavigateContext, type Route } from './navigate';

// Each workflow is its own chunk: the first screen loads only what it shows.
const PumpScreen = lazy(() => import('../features/pump/PumpScreen'));
const ProgrammingScreen = lazy(() => import('../features/programming/ProgrammingScreen'));
const RefillWizard = lazy(() => import('../features/refill/RefillWizard'));
const RefillVisit = lazy(() => import('../features/refill/RefillVisit'));
const ReviewList = lazy(() => import('../features/refill/ReviewList'));
const PatientsScreen = lazy(() => import('../features/patients/PatientsScreen'));
const AuditScreen = lazy(() => import('../features/audit/AuditScreen'));
const UsersScreen = lazy(() => import('../features/admin/UsersScreen'));
const LibraryScreen = lazy(() => import('../features/admin/LibraryScreen'));
const SettingsScreen = lazy(() => import('../features/admin/SettingsScreen'));
const ChangePasswordScreen = lazy(() => import('../features/auth/ChangePasswordScreen'));

export type { Route };

/** The navigation: a role sees only what it may use (a nurse never sees programming). */
const routes: ReadonlyArray<{ key: Route; needs: Operation; render: () => ReactNode }> = [
  { key: 'pump', needs: 'pump.interrogate', render: () => <PumpScreen /> },
  { key: 'programming', needs: 'pump.program', render: () => <ProgrammingScreen /> },
  { key: 'visit', needs: 'refill.record', render: () => <RefillVisit /> },
  { key: 'refill', needs: 'refill.record', render: () => <RefillWizard /> },
  { key: 'reviews', needs: 'refill.record', render: () => <ReviewList /> },
  { key: 'patients', needs: 'patient.view', render: () => <PatientsScreen /> },
  { key: 'audit', needs: 'audit.view', render: () => <AuditScreen /> },
  { key: 'users', needs: 'users.manage', render: () => <UsersScreen /> },
  { key: 'library', needs: 'library.edit', render: () => <LibraryScreen /> },
  { key: 'settings', needs: 'settings.edit', render: () => <SettingsScreen /> },
];

export const routesFor = (role: User['role']): Route[] => routes.filter((r) => may(role, r.needs)).map((r) => r.key);

/** Darker secondary text and primary colour than antd's defaults, for WCAG AA contrast. */
// zeroRuntime: antd's styles come from its prebuilt stylesheet (CSS variables carry the tokens below),
// not from computing CSS-in-JS at first render.
const theme = {
  zeroRuntime: true,
  token: {
    colorPrimary: '#0958d9',
    colorPrimaryHover: '#003eb3',
    colorPrimaryActive: '#002c8c',
    colorTextSecondary: 'rgba(0, 0, 0, 0.68)',
    colorTextDescription: 'rgba(0, 0, 0, 0.68)',
    colorTextPlaceholder: 'rgba(0, 0, 0, 0.6)',
    colorError: '#cf1322',
    colorErrorHover: '#a8071a',
    colorErrorActive: '#820014',
  },
};

/** The signed-in application: Ant Design in the language in force, around the role's screens. */
export default function Shell(props: { user: User; idleLockMinutes: number }) {
  const { i18n } = useTranslation();
  return (
    <ConfigProvider locale={i18n.language === 'zh-CN' ? zhCN : enUS} theme={theme} button={{ autoInsertSpace: false }}>
      <SignedIn {...props} />
    </ConfigProvider>
  );
}

function SignedIn({ user, idleLockMinutes }: { user: User; idleLockMinutes: number }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  // After a lock, the same user finds their work as they left it; anyone else starts afresh.
  if (claimDrafts(user.username))
    client.removeQueries({ predicate: (q) => q.queryKey[0] !== 'auth:status' && q.queryKey[0] !== 'app:info' });
  const allowed = routes.filter((r) => may(user.role, r.needs));
  const [route, setRoute] = useDraftState<Route>('shell.route', allowed[0]?.key ?? 'patients');
  const [changingPassword, setChangingPassword] = useState(false);
  // Polled too: bookkeeping owed after a storage failure (the trail not signed) is alarmed until done.
  const info = useApi(['app:info'], () => pumpApi().app.info({}), { refetchInterval: 5000 });
  // Checked at start-up, after every action and every 5 s: an unknown outcome stays loud until resolved.
  const unconfirmed = useApi(['sessions:unconfirmed'], () => pumpApi().sessions.unconfirmed({}), {
    refetchInterval: 5000,
  });
  const lock = useCallback(() => {
    void pumpApi()
      .auth.lock({})
      .then(() => client.invalidateQueries({ queryKey: ['auth:status'] }));
  }, [client]);
  useIdleTimer(idleLockMinutes, lock, true);
  const signOut = () => {
    // Nothing of this user's work stays in the page for the next one.
    clearDrafts();
    void pumpApi()
      .auth.signOut({})
      .then(async () => {
        client.removeQueries({ predicate: (q) => q.queryKey[0] !== 'auth:status' });
        await client.invalidateQueries({ queryKey: ['auth:status'] });
      });
  };
  const current = allowed.find((r) => r.key === route) ?? allowed[0];
  const link = info.data?.link;
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header
        style={{
          display: 'flex',
          alignItems: 'center',
          justifyContent: 'space-between',
          background: '#0b3d60',
          gap: 16,
        }}
      >
        <Typography.Title level={1} style={{ color: '#fff', margin: 0, fontSize: 20, whiteSpace: 'nowrap' }}>
          {t('app.title')}
        </Typography.Title>
        <Space wrap>
          <span style={{ color: '#fff' }} data-testid="signed-in-user">
            {user.displayName} <Tag>{t(`role.${user.role}`)}</Tag>
          </span>
          <LanguageSelect />
          <Button onClick={() => setChangingPassword(true)}>{t('auth.changePassword')}</Button>
          <Button onClick={lock}>{t('auth.lock')}</Button>
          <Button onClick={signOut}>{t('auth.signOut')}</Button>
        </Space>
      </Layout.Header>
      <Layout>
        <Layout.Sider width={200} theme="light" breakpoint="lg" collapsedWidth={0}>
          <nav aria-label={t('nav.label')}>
            <Menu
              mode="inline"
              selectedKeys={[current?.key ?? route]}
              onClick={(e) => {
                setChangingPassword(false);
                setRoute(e.key as Route);
              }}
              items={allowed.map((r) => ({ key: r.key, label: t(`nav.${r.key}`) }))}
              style={{ height: '100%', borderInlineEnd: 0 }}
            />
          </nav>
        </Layout.Sider>
        <Layout.Content style={{ padding: 24 }}>
          <main>
            <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
              <UnconfirmedBanner sessions={unconfirmed.data ?? []} />
              {info.data?.bookkeeping !== undefined && (
                <Alert
                  type="error"
                  showIcon
                  role="alert"
                  data-testid="bookkeeping-alarm"
                  title={t('bookkeeping.title')}
                  description={info.data.bookkeeping.map((m) => (
                    <div key={`${m.key}:${m.params['session'] ?? ''}`}>{messageText(t, m)}</div>
                  ))}
                />
              )}
              {link?.training === true && (
                <TrainingBanner
                  title={t('training.banner')}
                  detail={link.reason && t(`training.reason.${link.reason}`)}
                />
              )}
              <NavigateContext.Provider value={setRoute}>
                <Suspense fallback={<Spin />}>
                  {changingPassword ? (
                    <ChangePasswordScreen user={user} forced={false} onBack={() => setChangingPassword(false)} />
                  ) : (
                    current?.render()
                  )}
                </Suspense>
              </NavigateContext.Provider>
            </Space>
          </main>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
