import { ConfigProvider, Layout, Select, Space, Typography } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { InterrogationScreen } from '../features/interrogation/InterrogationScreen';
import { languages, setLanguage, type Language } from '../i18n/index';

/** Darker secondary text and primary colour than antd's defaults, for WCAG AA contrast. */
const theme = { token: { colorPrimary: '#0958d9', colorPrimaryHover: '#003eb3', colorPrimaryActive: '#002c8c', colorTextSecondary: 'rgba(0, 0, 0, 0.68)', colorTextDescription: 'rgba(0, 0, 0, 0.68)' } };

const languageNames: Record<Language, string> = { 'zh-CN': '中文', en: 'English' };

export function App() {
  const { t, i18n } = useTranslation();
  const [language, setLang] = useState<Language>(i18n.language === 'zh-CN' ? 'zh-CN' : 'en');
  const change = (next: Language) => {
    setLanguage(next);
    setLang(next);
  };
  return (
    <ConfigProvider locale={language === 'zh-CN' ? zhCN : enUS} theme={theme}>
      <Layout style={{ minHeight: '100vh' }}>
        <Layout.Header style={{ display: 'flex', alignItems: 'center', justifyContent: 'space-between', background: '#0b3d60' }}>
          <Typography.Title level={1} style={{ color: '#fff', margin: 0, fontSize: 20 }}>
            {t('app.title')}
          </Typography.Title>
          <Space>
            <label htmlFor="language" style={{ color: '#fff' }}>
              {t('app.language')}
            </label>
            <Select<Language>
              id="language"
              value={language}
              onChange={change}
              style={{ width: 120 }}
              options={languages.map((l) => ({ value: l, label: languageNames[l] }))}
            />
          </Space>
        </Layout.Header>
        <Layout.Content style={{ padding: 24 }}>
          <main>
            <InterrogationScreen />
          </main>
        </Layout.Content>
      </Layout>
    </ConfigProvider>
  );
}
