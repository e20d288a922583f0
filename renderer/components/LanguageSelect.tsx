import { useTranslation } from 'react-i18next';
import { languages, setLanguage, type Language } from '../i18n/index';

const languageNames: Record<Language, string> = { 'zh-CN': '中文', en: 'English' };

/**
 * Switches the interface language at any time, also in the middle of a workflow. Plain radio
 * inputs (styled in global.css): the sign-in screen shows it before any UI library has loaded.
 */
export function LanguageSelect() {
  const { t, i18n } = useTranslation();
  // Follows the language in force, whoever changed it (this control, or the site default at start).
  const current: Language = i18n.language === 'zh-CN' ? 'zh-CN' : 'en';
  return (
    <div role="radiogroup" aria-label={t('app.language')} className="language-select">
      {languages.map((l) => (
        <label key={l} lang={l} className={l === current ? 'checked' : undefined}>
          <input type="radio" name="language" value={l} checked={l === current} onChange={() => setLanguage(l)} />
          {languageNames[l]}
        </label>
      ))}
    </div>
  );
}
