import type { Router } from 'vue-router';
import { onUnauthorized } from '@/api/http';
import { useAuthStore } from '@/stores/auth';
import { i18n } from '@/locales';

export function setupGuards(router: Router): void {
  router.beforeEach((to) => {
    const auth = useAuthStore();
    if (to.meta.public) {
      if (auth.isLoggedIn && (to.name === 'login' || to.name === 'register')) return { name: 'dashboard' };
      return true;
    }
    if (!auth.isLoggedIn) return { name: 'login', query: { redirect: to.fullPath } };
    return true;
  });

  router.afterEach((to) => {
    const title = to.meta.title ? i18n.global.t(to.meta.title) : '';
    document.title = title ? `${title} - LLM Gateway` : 'LLM Gateway';
  });

  // A signed-in call answered 401: the session is over.
  onUnauthorized(() => {
    useAuthStore().logout();
    const current = router.currentRoute.value;
    if (!current.meta.public) {
      void router.replace({ name: 'login', query: { redirect: current.fullPath, expired: '1' } });
    }
  });
}
