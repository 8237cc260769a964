import type { HTMLAttributes, InputHTMLAttributes } from 'vue';

/** `data-testid` for Naive UI's `input-props` / option `props`, whose types omit data-* keys. */
export function tid(id: string): InputHTMLAttributes & HTMLAttributes {
  return { 'data-testid': id } as InputHTMLAttributes & HTMLAttributes;
}
