import { ConfigProvider, Spin } from 'antd';
import { lazy, Suspense, useEffect } from 'react';
import { applySiteDefault } from '../i18n/index';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { useTranslation } from 'react-i18next';
import { pumpApi } from '../api/client';
import { useApi } from '../api/hooks';
import { ErrorAlert } from '../components/ErrorAlert';
import { SetupScreen, SignInScreen } from '../features/auth/AuthScreens';
import { LanguageSelect } from '../components/LanguageSelect';
// The signed-in shell and its screens load after sign-in: the first screen stays small.
const Shell = lazy(() => import('./Shell'));

/** Darker secondary text and primary colour than antd's defaults, for WCAG AA contrast. */
// zeroRuntime: antd's styles come from its prebuilt stylesheet (CSS variables carry the tokens below),
// not from computing CSS-in-JS at first render, which was most of the first screen's start-up time.
const theme = { zeroRuntime: true, token: { colorPrimary: '#0958d9', colorPrimaryHover: '#003eb3', colorPrimaryActive: '#002c8c', colorTextSecondary: 'rgba(0, 0, 0, 0.68)', colorTextDescription: 'rgba(0, 0, 0, 0.68)', colorTextPlaceholder: 'rgba(0, 0, 0, 0.6)', colorError: '#cf1322', colorErrorHover: '#a8071a', colorErrorActive: '#820014' } };

export function App() {
  const { t, i18n } = useTranslation();
  const auth = useApi(['auth:status'], () => pumpApi().auth.status({}));
  const status = auth.data;
  useEffect(() => {
    if (status !== undefined) applySiteDefault(status.language);
  }, [status]);
  let body;
  if (status === undefined) body = auth.error === null ? <Spin /> : <ErrorAlert error={auth.error} />;
  else if (status.setupRequired) body = <SetupScreen />;
  else if (status.user === null) body = <SignInScreen lockedUser={status.lockedUser} />;
  else body = (
      <Suspense fallback={<Spin />}>
        <Shell user={status.user} idleLockMinutes={status.idleLockMinutes} />
      </Suspense>
    );
  const signedIn = status?.user !== null && status?.user !== undefined;
  return (
    <ConfigProvider locale={i18n.language === 'zh-CN' ? zhCN : enUS} theme={theme} button={{ autoInsertSpace: false }}>
      {signedIn ? (
        body
      ) : (
        <div style={{ minHeight: '100vh', background: '#f5f5f5' }}>
          <header style={{ display: 'flex', alignItems: 'center', justifyContent: 'space-between', background: '#0b3d60', padding: '0 48px', height: 64 }}>
            <h1 style={{ color: '#fff', margin: 0, fontSize: 20 }}>{t('app.title')}</h1>
            <LanguageSelect />
          </header>
          <main style={{ padding: 24 }}>{body}</main>
        </div>
      )}
    </ConfigProvider>
  );
}
