import { createRouter, createWebHistory, type Router } from 'vue-router';
import { useAuthStore } from '@parley/ui-kit';
import { prefetchEditor } from './pages/prefetch.js';

export function createAppRouter(): Router {
  const router = createRouter({
    history: createWebHistory('/builder/'),
    routes: [
      { path: '/', redirect: { name: 'flows' } },
      { path: '/sign-in', name: 'sign-in', component: () => import('./pages/SignIn.vue'), meta: { public: true } },
      { path: '/flows', name: 'flows', component: () => import('./pages/FlowList.vue') },
      {
        path: '/flows/:id',
        name: 'flow',
        component: () => import('./pages/Editor.vue'),
        // the flow, the node types and the canvas chunk load alongside the page's chunk
        beforeEnter: (to) => prefetchEditor(String(to.params.id)),
      },
      { path: '/:rest(.*)*', redirect: { name: 'flows' } },
    ],
  });
  router.beforeEach((to) => {
    const auth = useAuthStore();
    if (!to.meta.public && !auth.signedIn) return { name: 'sign-in', query: to.fullPath !== '/' && to.fullPath !== '/flows' ? { next: to.fullPath } : {} };
    if (to.name === 'sign-in' && auth.signedIn) return { name: 'flows' };
    return true;
  });
  return router;
}
