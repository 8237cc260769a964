import type { StreamChatResult } from '@/api/dataplane';

export interface ChatTurn {
  role: 'user' | 'assistant';
  content: string;
  streaming?: boolean;
  error?: string;
  stats?: Pick<StreamChatResult, 'totalMs' | 'ttftMs' | 'usage' | 'provider'>;
}

export const KEY_STORAGE = 'gw_playground_key';
