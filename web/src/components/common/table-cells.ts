import { h, type VNodeChild } from 'vue';
import { NButton, NPopconfirm, NSpace, NSwitch } from 'naive-ui';
import { i18n } from '@/locales';

/** An enable switch cell that reports the new value. */
export function switchCell(value: boolean, onChange: (v: boolean) => void): VNodeChild {
  return h(NSwitch, { value, 'onUpdate:value': onChange });
}

interface RowActions {
  /** Buttons shown before Edit (test, fetch models, ...). */
  extra?: { label: string; onClick: () => void; loading?: boolean }[];
  onEdit?: () => void;
  /** Delete asks first, naming the row. */
  onDelete?: { name: string; confirm: () => void; disabled?: boolean };
}

/** The actions cell: extra buttons, Edit, and Delete behind a confirmation. */
export function actionsCell({ extra = [], onEdit, onDelete }: RowActions): VNodeChild {
  const t = i18n.global.t;
  return h(NSpace, { size: 'small' }, () => [
    ...extra.map((b) => h(NButton, { size: 'small', loading: b.loading, onClick: b.onClick }, () => b.label)),
    onEdit ? h(NButton, { size: 'small', onClick: onEdit }, () => t('common.edit')) : null,
    onDelete
      ? h(NPopconfirm, { onPositiveClick: onDelete.confirm }, {
          trigger: () => h(NButton, { size: 'small', type: 'error', ghost: true, disabled: onDelete.disabled }, () => t('common.delete')),
          default: () => t('common.confirmDelete', { name: onDelete.name }),
        })
      : null,
  ]);
}
