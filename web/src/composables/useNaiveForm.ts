import { useTemplateRef } from 'vue';
import type { FormInst } from 'naive-ui';

/**
 * Binds to the template's `<NForm ref="formRef">` and offers a `validate()` that answers
 * true/false instead of throwing.
 */
export function useNaiveForm(refName = 'formRef') {
  const form = useTemplateRef<FormInst>(refName);
  async function validate(): Promise<boolean> {
    try {
      await form.value?.validate();
      return true;
    } catch {
      return false;
    }
  }
  return { validate };
}
