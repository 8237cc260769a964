import { ref, shallowRef } from 'vue';

/** Open/close state of a create-or-edit drawer. */
export function useCrudDrawer<T>() {
  const visible = ref(false);
  const editing = shallowRef<T | null>(null);
  function openCreate(): void {
    editing.value = null;
    visible.value = true;
  }
  function openEdit(row: T): void {
    editing.value = row;
    visible.value = true;
  }
  return { visible, editing, openCreate, openEdit };
}
