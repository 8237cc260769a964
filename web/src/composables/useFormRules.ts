import type { FormItemRule } from 'naive-ui';
import { useI18n } from 'vue-i18n';
import { isCidr } from '@/utils/validators';

/** Common form rules, translated. */
export function useFormRules() {
  const { t } = useI18n();
  const required = (trigger: string | string[] = ['blur', 'input', 'change']): FormItemRule => ({
    required: true,
    trigger,
    validator: (_r, v: unknown) => {
      const empty = v === null || v === undefined || (typeof v === 'string' && v.trim() === '') ||
        (Array.isArray(v) && v.length === 0);
      return empty ? new Error(t('common.required')) : true;
    },
  });
  const username: FormItemRule = {
    trigger: ['blur', 'input'],
    validator: (_r, v: string) => (/^[A-Za-z0-9_.@-]{3,64}$/.test(v ?? '') ? true : new Error(t('auth.usernameRule'))),
  };
  const password: FormItemRule = {
    trigger: ['blur', 'input'],
    validator: (_r, v: string) => ((v ?? '').length >= 8 && v.length <= 256 ? true : new Error(t('auth.passwordRule'))),
  };
  const cidrList: FormItemRule = {
    trigger: ['blur', 'input'],
    validator: (_r, v: string) => {
      const bad = (v ?? '').split(/[\s,]+/).filter(Boolean).find((x) => !isCidr(x));
      return bad ? new Error(t('key.badCidr', { value: bad })) : true;
    },
  };
  const json: FormItemRule = {
    trigger: ['blur', 'input'],
    validator: (_r, v: string) => {
      if (!v || !v.trim()) return true;
      try {
        JSON.parse(v);
        return true;
      } catch (e) {
        return new Error(t('common.invalidJson', { error: (e as Error).message }));
      }
    },
  };
  return { required, username, password, cidrList, json };
}
