import { createI18n } from 'vue-i18n';
import enUS from './en-US';
import zhCN from './zh-CN';

export type Locale = 'zh-CN' | 'en-US';
export type MessageSchema = typeof enUS;

type Leaves<T, P extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${P}${K}` : Leaves<T[K], `${P}${K}.`>;
}[keyof T & string];

/** Every translation key, e.g. `menu.dashboard`; used by constants to stay type-checked. */
export type I18nKey = Leaves<MessageSchema>;

export const LOCALE_KEY = 'gw_locale';
export const locales: { value: Locale; label: string }[] = [
  { value: 'zh-CN', label: '简体中文' },
  { value: 'en-US', label: 'English' },
];

export function storedLocale(): Locale {
  const v = typeof localStorage === 'undefined' ? null : localStorage.getItem(LOCALE_KEY);
  return v === 'en-US' ? 'en-US' : 'zh-CN';
}

export const messages: Record<Locale, MessageSchema> = { 'zh-CN': zhCN, 'en-US': enUS };

export const i18n = createI18n<[MessageSchema], Locale, false>({
  legacy: false,
  locale: storedLocale(),
  fallbackLocale: 'en-US',
  messages,
});

export function setLocale(locale: Locale): void {
  i18n.global.locale.value = locale;
  localStorage.setItem(LOCALE_KEY, locale);
  document.documentElement.lang = locale;
}
