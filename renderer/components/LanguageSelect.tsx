import { Radio } from 'antd';
import { useTranslation } from 'react-i18next';
import { languages, setLanguage, type Language } from '../i18n/index';

const languageNames: Record<Language, string> = { 'zh-CN': '中文', en: 'English' };

/** Switches the interface language at any time, also in the middle of a workflow. */
export function LanguageSelect() {
  const { t, i18n } = useTranslation();
  // Follows the language in force, whoever changed it (this control, or the site default at start).
  const language: Language = i18n.language === 'zh-CN' ? 'zh-CN' : 'en';
  return (
    <Radio.Group
      aria-label={t('app.language')}
      optionType="button"
      size="small"
      value={language}
      onChange={(e) => {
        const next = e.target.value as Language;
        setLanguage(next);
      }}
      options={languages.map((l) => ({ value: l, label: <span lang={l}>{languageNames[l]}</span> }))}
    />
  );
}
