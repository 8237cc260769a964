import { ref } from 'vue';
import { defineStore } from 'pinia';
import { setLocale, storedLocale, type Locale } from '@/locales';

export const useAppStore = defineStore('app', () => {
  const locale = ref<Locale>(storedLocale());
  const collapsed = ref(false);

  function changeLocale(value: Locale): void {
    locale.value = value;
    setLocale(value);
  }

  return { locale, collapsed, changeLocale };
});
