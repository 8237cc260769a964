/** Types of the admin API, mirroring docs/api.md. Explicit and exported; no ambient globals. */

export type Id = number;
export type Role = 'admin' | 'viewer';

export interface Page<T> {
  data: T[];
  total: number;
}

export interface PageQuery {
  page?: number;
  page_size?: number;
  q?: string;
}

export interface ErrorDetail {
  path: string;
  message: string;
}

/** Body of every error answer: `{"error":{"code","message","details"?}}`. */
export interface ErrorBody {
  error: { code?: string; message?: string; type?: string; details?: ErrorDetail[] };
}

// ---- auth ----
export interface User {
  id: Id;
  username: string;
  role: Role;
  created_at?: string;
}
export interface AuthStatus {
  registration_open: boolean;
}
export interface Credentials {
  username: string;
  password: string;
}
export interface AuthAnswer {
  token: string;
  user: User;
}
export interface PasswordChange {
  current_password: string;
  new_password: string;
}
export interface UserCreate extends Credentials {
  role: Role;
}

// ---- providers ----
export type JsonObject = Record<string, unknown>;

/** A template's config field: the API leaves the shape open, so both forms are accepted. */
export type ConfigFieldSpec =
  | string
  | {
      name?: string;
      key?: string;
      label?: string;
      type?: string;
      required?: boolean;
      secret?: boolean;
      default?: unknown;
      placeholder?: string;
      description?: string;
      help?: string;
    };

export interface ProviderTemplate {
  id: string;
  name: string;
  family?: string;
  base_url?: string;
  docs_url?: string;
  config_fields?: ConfigFieldSpec[];
  default_models?: string[];
}

export interface Provider {
  id: Id;
  name: string;
  type: string;
  base_url: string;
  api_key_masked?: string;
  has_api_key?: boolean;
  config: JsonObject;
  enabled: boolean;
  model_count?: number;
  created_at?: string;
  updated_at?: string;
}

export interface ProviderInput {
  name?: string;
  type?: string;
  base_url?: string;
  api_key?: string;
  config?: JsonObject;
  enabled?: boolean;
}

export interface ProviderQuery extends PageQuery {
  type?: string;
  enabled?: boolean;
}

export interface ProviderTestResult {
  success: boolean;
  latency_ms?: number;
  status?: number;
  message?: string;
}

export interface UpstreamModel {
  id: string;
  owned_by?: string;
  imported?: boolean;
}

export interface FetchModelsAnswer {
  data: UpstreamModel[];
  source?: 'provider' | 'catalog';
}

export interface ImportModelsAnswer {
  imported: number;
  skipped: number;
}

/** The provider export document; only `providers` is required by the UI. */
export interface ProviderExportDoc {
  version?: string | number;
  exported_at?: string;
  providers: JsonObject[];
  [key: string]: unknown;
}

export interface BatchImportAnswer {
  imported: number;
  skipped: number;
  failed: number;
  details?: unknown[];
  errors?: { index: number; message: string }[];
}

// ---- models ----
export type ModelMode = 'chat' | 'embedding' | 'image' | 'audio' | 'completion';
export type Capability = 'tools' | 'vision' | 'json_mode' | 'reasoning';
export type Capabilities = Partial<Record<Capability, boolean>>;

export interface Model {
  id: Id;
  provider_id: Id;
  provider_name?: string;
  name: string;
  model_id: string;
  enabled: boolean;
  mode: ModelMode;
  context_window: number | null;
  max_output_tokens: number | null;
  input_price: number | null;
  output_price: number | null;
  cached_input_price: number | null;
  capabilities: Capabilities;
  created_at?: string;
  updated_at?: string;
}

export type ModelInput = Partial<Omit<Model, 'id' | 'provider_name' | 'created_at' | 'updated_at'>>;

export type ModelSort = 'name' | 'provider' | 'input_price' | 'created_at';

export interface ModelQuery extends PageQuery {
  provider_id?: Id;
  mode?: ModelMode;
  capability?: Capability;
  enabled?: boolean;
  sort?: ModelSort;
  order?: 'asc' | 'desc';
}

export type BatchAction = 'enable' | 'disable' | 'delete';

// ---- presets ----
export interface PresetStatus {
  count: number;
  last_sync_at: string | null;
  last_result: string | null;
  last_error: string | null;
  source?: string | null;
  etag?: string | null;
}

export interface Preset {
  name: string;
  provider: string;
  mode?: string;
  max_input_tokens?: number | null;
  max_output_tokens?: number | null;
  input_price?: number | null;
  output_price?: number | null;
  cached_input_price?: number | null;
  capabilities?: Capabilities;
  score?: number;
}

export interface PresetQuery {
  q: string;
  provider?: string;
  limit?: number;
}

export interface ApplyProviderAnswer {
  updated: number;
  unmatched: string[];
}

// ---- virtual keys ----
export type BudgetPeriod = 'daily' | 'weekly' | 'monthly' | 'total';

export interface VirtualKey {
  id: Id;
  name: string;
  key_prefix: string;
  enabled: boolean;
  allowed_models: string[];
  provider_id: Id | null;
  routing_config_id: Id | null;
  rpm_limit: number | null;
  tpm_limit: number | null;
  max_concurrency: number | null;
  budget_usd: number | null;
  budget_period: BudgetPeriod | null;
  spent_usd: number;
  expires_at: string | null;
  allowed_ips: string[];
  allow_config_header: boolean;
  created_at?: string;
  last_used_at?: string | null;
}

export type VirtualKeyInput = Partial<
  Omit<VirtualKey, 'id' | 'key_prefix' | 'spent_usd' | 'created_at' | 'last_used_at'>
> & { key?: string };

export interface VirtualKeyCreated extends VirtualKey {
  key: string;
}

export interface KeyValidation {
  valid: boolean;
  reason?: string;
}

// ---- routing ----
export interface RoutingConfig {
  id: Id;
  name: string;
  description?: string;
  virtual_model?: string | null;
  enabled: boolean;
  config: JsonObject;
  created_at?: string;
  updated_at?: string;
}

export type RoutingConfigInput = Partial<Omit<RoutingConfig, 'id' | 'created_at' | 'updated_at'>>;

export interface RoutingValidation {
  valid: boolean;
  errors: ErrorDetail[];
}

// ---- system ----
export interface Counts {
  providers?: number;
  models?: number;
  virtual_keys?: number;
  active_virtual_keys?: number;
  routing_configs?: number;
  [key: string]: number | undefined;
}

export interface ConfigStatus {
  version: number;
  hash: string;
  built_at: string;
  counts?: Counts;
}

export interface EngineStatus {
  running: boolean;
  engine: string;
  version?: string;
  uptime_seconds?: number;
}

export interface SystemStatus {
  version: string;
  uptime_seconds: number;
  snapshot_version: number;
  db_size_bytes?: number;
  counts?: Counts;
}

export interface Settings {
  log_retention_days: number;
  log_prompts: boolean;
}

// ---- logs & stats ----
export interface RequestLog {
  id: Id;
  time: string;
  request_id?: string;
  key_id?: Id | null;
  key_name?: string | null;
  model?: string;
  provider_id?: Id | null;
  provider_name?: string | null;
  status: number;
  latency_ms?: number;
  ttfb_ms?: number | null;
  prompt_tokens?: number;
  completion_tokens?: number;
  cached_tokens?: number;
  cost_usd?: number;
  attempts?: number;
  route_path?: string | string[] | null;
  stream?: boolean;
  error?: string | null;
}

export interface LogQuery extends PageQuery {
  key_id?: Id;
  model?: string;
  provider_id?: Id;
  status?: string;
  from?: string;
  to?: string;
}

export interface TimeRange {
  from?: string;
  to?: string;
}

export interface StatsOverview {
  requests: number;
  errors: number;
  prompt_tokens: number;
  completion_tokens: number;
  cost_usd: number;
  p50_latency_ms: number | null;
  p95_latency_ms: number | null;
}

export type Interval = 'hour' | 'day';

export interface TimePoint {
  time: string;
  requests: number;
  errors: number;
  tokens: number;
  cost_usd: number;
  p50_latency_ms: number | null;
  p95_latency_ms: number | null;
}

export type BreakdownBy = 'model' | 'key' | 'provider';

export interface BreakdownRow {
  id: Id | string | null;
  name: string;
  requests: number;
  errors: number;
  tokens: number;
  cost_usd: number;
}

// ---- data plane (playground) ----
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface OpenAiModel {
  id: string;
  owned_by?: string;
}

export interface Usage {
  prompt_tokens?: number;
  completion_tokens?: number;
  total_tokens?: number;
}

// ---- agents ----
export type AgentKind = 'gateway' | 'portkey';
/** Derived by the server: online when the last heartbeat or probe is at most 30 s old. */
export type AgentStatus = 'online' | 'offline' | 'unknown' | 'disabled';

/** Which requests an agent takes; an empty or missing list matches everything on that axis. */
export interface AgentRules {
  /** Globs with `*` and `?` over the public model name. */
  models?: string[];
  /** Provider names. */
  providers?: string[];
  /** Values of the `x-gateway-region` request header. */
  regions?: string[];
}

export interface AgentStats {
  requests: number;
  errors: number;
  inflight: number;
  uptime_s: number;
}

export interface Agent {
  id: Id;
  name: string;
  region: string;
  description: string;
  kind: AgentKind;
  /** Where the control plane reaches the agent (checks, forwarding). */
  endpoint: string | null;
  enabled: boolean;
  rules: AgentRules;
  /** Lower first when several agents match. */
  priority: number;
  key_prefix: string;
  status: AgentStatus;
  last_seen_at: string | null;
  latency_ms: number | null;
  agent_version: string | null;
  config_version: number | null;
  remote_addr: string | null;
  stats: AgentStats | null;
  created_at?: string;
  updated_at?: string;
}

export type AgentInput = Partial<Pick<Agent, 'name' | 'region' | 'description' | 'kind' | 'endpoint' | 'enabled' | 'rules' | 'priority'>>;

export interface AgentQuery extends PageQuery {
  region?: string;
  enabled?: boolean;
}

/** Answer of create and regenerate-key: the key and the script that embeds it, shown once. */
export interface AgentCreated {
  agent: Agent;
  key: string;
  install_script: string;
}

export interface AgentCheckResult {
  ok: boolean;
  latency_ms: number | null;
  /** HTTP status of the probe, null when no answer arrived. */
  status: number | null;
  error: string | null;
}
