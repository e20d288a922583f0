import { Select, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { languages, setLanguage, type Language } from '../i18n/index';

const languageNames: Record<Language, string> = { 'zh-CN': '中文', en: 'English' };

/** Switches the interface language at any time, also in the middle of a workflow. */
export function LanguageSelect() {
  const { t, i18n } = useTranslation();
  const [language, setLang] = useState<Language>(i18n.language === 'zh-CN' ? 'zh-CN' : 'en');
  return (
    <Space>
      <label htmlFor="language" style={{ color: '#fff' }}>
        {t('app.language')}
      </label>
      <Select<Language>
        id="language"
        value={language}
        onChange={(next) => {
          setLanguage(next);
          setLang(next);
        }}
        style={{ width: 110 }}
        options={languages.map((l) => ({ value: l, label: languageNames[l] }))}
      />
    </Space>
  );
}

