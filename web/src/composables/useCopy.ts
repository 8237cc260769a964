import { useI18n } from 'vue-i18n';
import { useMessage } from 'naive-ui';
import { copyText } from '@/utils/format';

/** Copies text to the clipboard and says whether it worked. */
export function useCopy() {
  const { t } = useI18n();
  const message = useMessage();
  return async function copy(value: string): Promise<void> {
    if (await copyText(value)) message.success(t('common.copied'));
    else message.warning(t('common.copyFailed'));
  };
}
