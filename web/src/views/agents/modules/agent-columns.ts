import { h, type VNodeChild } from 'vue';
import { NButton, NDescriptions, NDescriptionsItem, NDropdown, NSpace, NTag, NText, type DataTableColumns } from 'naive-ui';
import type { Agent, AgentRules } from '@/api/types';
import type { I18nKey } from '@/locales';
import { switchCell } from '@/components/common/table-cells';
import { agentKindLabel, agentStatusLabel, agentStatusTag } from '@/constants/enums';
import { formatDuration, formatNumber, formatRelative, formatTime } from '@/utils/format';
import { tid } from '@/utils/testid';

type Translate = (key: I18nKey, named?: Record<string, unknown>) => string;

export interface AgentColumnContext {
  t: Translate;
  locale: string;
  /** Reference time for "last seen" (ticks with the auto-refresh). */
  now: number;
  /** Id of the agent being checked, for the button's spinner. */
  checking: number | null;
  onToggle: (row: Agent, enabled: boolean) => void;
  onCheck: (row: Agent) => void;
  onScript: (row: Agent) => void;
  onEdit: (row: Agent) => void;
  /** Asks first: the old key stops working at once. */
  onRegenerate: (row: Agent) => void;
  /** Asks first. */
  onDelete: (row: Agent) => void;
}

const muted = (text: string) => h('span', { class: 'muted' }, text);

export function formatLatency(ms: number | null): string {
  if (ms === null) return '-';
  return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
}

function tags(list: string[] | undefined, any: string): VNodeChild {
  if (!list?.length) return muted(any);
  return h(NSpace, { size: 4 }, () => list.map((v) => h(NTag, { size: 'small', bordered: false }, () => v)));
}

/** The expanded row: description, rules and what the last heartbeat said. */
function details(row: Agent, c: AgentColumnContext): VNodeChild {
  const { t } = c;
  const rules: AgentRules = row.rules ?? {};
  const item = (label: string, value: VNodeChild) => h(NDescriptionsItem, { label }, () => value);
  return h(NDescriptions, { column: 3, size: 'small', labelPlacement: 'left' }, () => [
    item(t('agent.models'), tags(rules.models, t('agent.anyValue'))),
    item(t('agent.providers'), tags(rules.providers, t('agent.anyValue'))),
    item(t('agent.regions'), tags(rules.regions, t('agent.anyValue'))),
    item(t('agent.keyPrefix'), h('span', { class: 'mono' }, row.key_prefix)),
    item(t('agent.remoteAddr'), h('span', { class: 'mono' }, row.remote_addr ?? '-')),
    item(t('agent.priority'), String(row.priority)),
    item(t('agent.uptime'), formatDuration(row.stats?.uptime_s)),
    item(t('agent.inflight'), formatNumber(row.stats?.inflight)),
    item(t('common.description'), row.description || '-'),
  ]);
}

/** Check and Edit as buttons; the rarer and destructive ones in a menu. */
function actions(row: Agent, c: AgentColumnContext): VNodeChild {
  const { t } = c;
  const more = [
    { key: 'script', label: t('agent.installScript'), props: tid('agent-script') },
    { key: 'regenerate', label: t('agent.regenerate'), props: tid('agent-regenerate') },
    { key: 'delete', label: t('common.delete'), props: { ...tid('agent-delete'), style: 'color: #d03050' } },
  ];
  const onSelect = (key: string) => {
    if (key === 'script') c.onScript(row);
    else if (key === 'regenerate') c.onRegenerate(row);
    else if (key === 'delete') c.onDelete(row);
  };
  const button = (label: string, onClick: () => void, extra: Record<string, unknown> = {}) =>
    h(NButton, { size: 'small', onClick, ...extra }, () => label);
  return h(NSpace, { size: 'small', wrap: false }, () => [
    button(t('agent.check'), () => c.onCheck(row), { loading: c.checking === row.id, 'data-testid': 'agent-check' }),
    button(t('common.edit'), () => c.onEdit(row), { 'data-testid': 'agent-edit' }),
    h(NDropdown, { trigger: 'click', options: more, onSelect }, () =>
      button(t('agent.more'), () => undefined, { 'data-testid': 'agent-more' })),
  ]);
}

export function agentColumns(c: AgentColumnContext): DataTableColumns<Agent> {
  const { t } = c;
  return [
    { type: 'expand', renderExpand: (row) => details(row, c) },
    {
      key: 'name', title: t('common.name'), width: 150, fixed: 'left',
      render: (row) => h('b', row.name),
    },
    { key: 'region', title: t('agent.region'), width: 110, render: (row) => h(NTag, { size: 'small', bordered: false, type: 'info' }, () => row.region) },
    { key: 'kind', title: t('agent.kind'), width: 110, render: (row) => t(agentKindLabel[row.kind] ?? 'agentKind.gateway') },
    {
      key: 'endpoint', title: t('agent.endpoint'), width: 190, ellipsis: { tooltip: true },
      render: (row) => (row.endpoint ? h('span', { class: 'mono' }, row.endpoint) : muted('-')),
    },
    {
      key: 'status', title: t('agent.status'), width: 80,
      render: (row) => h(NTag, { size: 'small', type: agentStatusTag[row.status] ?? 'default', 'data-testid': 'agent-status' },
        () => t(agentStatusLabel[row.status] ?? 'agentStatus.unknown')),
    },
    {
      key: 'latency_ms', title: t('agent.latency'), width: 80,
      render: (row) => h('span', { class: 'mono', 'data-testid': 'agent-latency' }, formatLatency(row.latency_ms)),
    },
    {
      key: 'last_seen_at', title: t('agent.lastSeen'), width: 110,
      render: (row) => (row.last_seen_at
        ? h('span', { title: formatTime(row.last_seen_at) }, formatRelative(row.last_seen_at, c.now, c.locale))
        : muted(t('agent.never'))),
    },
    {
      key: 'config_version', title: t('agent.configVersion'), width: 80,
      render: (row) => (row.config_version === null ? muted('-') : h('span', { class: 'mono' }, `v${row.config_version}`)),
    },
    { key: 'agent_version', title: t('agent.agentVersion'), width: 100, render: (row) => row.agent_version ?? '-' },
    {
      key: 'traffic', title: t('agent.traffic'), width: 110,
      render: (row) => (row.stats
        ? h('span', { class: 'mono' }, [
            formatNumber(row.stats.requests), ' / ',
            h(NText, { type: row.stats.errors > 0 ? 'error' : undefined }, () => formatNumber(row.stats?.errors)),
          ])
        : muted('-')),
    },
    { key: 'enabled', title: t('common.enabled'), width: 70, render: (row) => switchCell(row.enabled, (v) => c.onToggle(row, v)) },
    { key: 'actions', title: t('common.actions'), width: 210, fixed: 'right', render: (row) => actions(row, c) },
  ];
}
