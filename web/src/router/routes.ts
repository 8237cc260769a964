import type { Component } from 'vue';
import type { RouteRecordRaw } from 'vue-router';
import {
  AppsOutline, GitNetworkOutline, KeyOutline, ListOutline, ServerOutline, SettingsOutline, SpeedometerOutline,
  ChatbubblesOutline, CloudOutline,
} from '@vicons/ionicons5';
import type { I18nKey } from '@/locales';

declare module 'vue-router' {
  interface RouteMeta {
    title?: I18nKey;
    icon?: Component;
    /** Reachable without signing in. */
    public?: boolean;
  }
}

/**
 * Paths the gateway answers itself on a full page load (docs/api.md "Data plane": each `/v1/...`
 * route also exists without `/v1`). A page at one of these would work when reached through the
 * menu but answer the data plane's JSON 401 on reload or from a bookmark, so no page may use them.
 */
export const reservedServerPaths = [
  '/v1', '/api', '/models', '/chat', '/completions', '/embeddings', '/messages', '/healthz', '/readyz',
  '/metrics',
];

/** Pages shown in the sidebar, in order. */
export const menuRoutes: RouteRecordRaw[] = [
  { path: '', name: 'dashboard', component: () => import('@/views/dashboard/index.vue'), meta: { title: 'menu.dashboard', icon: SpeedometerOutline } },
  { path: 'providers', name: 'providers', component: () => import('@/views/providers/index.vue'), meta: { title: 'menu.providers', icon: ServerOutline } },
  { path: 'virtual-keys', name: 'virtual-keys', component: () => import('@/views/virtual-keys/index.vue'), meta: { title: 'menu.virtualKeys', icon: KeyOutline } },
  { path: 'model-catalog', name: 'models', component: () => import('@/views/models/index.vue'), meta: { title: 'menu.models', icon: AppsOutline } },
  { path: 'routing', name: 'routing', component: () => import('@/views/routing/index.vue'), meta: { title: 'menu.routing', icon: GitNetworkOutline } },
  { path: 'agents', name: 'agents', component: () => import('@/views/agents/index.vue'), meta: { title: 'menu.agents', icon: CloudOutline } },
  { path: 'logs', name: 'logs', component: () => import('@/views/logs/index.vue'), meta: { title: 'menu.logs', icon: ListOutline } },
  { path: 'playground', name: 'playground', component: () => import('@/views/playground/index.vue'), meta: { title: 'menu.playground', icon: ChatbubblesOutline } },
  { path: 'system', name: 'system', component: () => import('@/views/system/index.vue'), meta: { title: 'menu.system', icon: SettingsOutline } },
];

export const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: () => import('@/views/login/index.vue'), meta: { public: true, title: 'auth.login' } },
  { path: '/register', name: 'register', component: () => import('@/views/register/index.vue'), meta: { public: true, title: 'auth.register' } },
  { path: '/', component: () => import('@/layouts/BasicLayout.vue'), children: menuRoutes },
  { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('@/views/not-found/index.vue'), meta: { public: true } },
];
