import { createRouter, createWebHistory, type Router } from 'vue-router';
import { useAuthStore } from '@parley/ui-kit';

export function createAppRouter(): Router {
  const router = createRouter({
    history: createWebHistory('/inbox/'),
    routes: [
      { path: '/', redirect: { name: 'board' } },
      { path: '/sign-in', name: 'sign-in', component: () => import('./pages/SignIn.vue'), meta: { public: true } },
      { path: '/board', name: 'board', component: () => import('./pages/Board.vue') },
      { path: '/chats', name: 'list', component: () => import('./pages/ChatList.vue') },
      { path: '/chats/:id', name: 'chat', component: () => import('./pages/Conversation.vue') },
      { path: '/settings', redirect: { name: 'settings-channels' } },
      { path: '/settings/channels', name: 'settings-channels', component: () => import('./pages/settings/Channels.vue') },
      { path: '/:rest(.*)*', redirect: { name: 'board' } },
    ],
  });
  router.beforeEach((to) => {
    const auth = useAuthStore();
    if (!to.meta.public && !auth.signedIn) return { name: 'sign-in', query: to.fullPath !== '/' && to.fullPath !== '/board' ? { next: to.fullPath } : {} };
    if (to.name === 'sign-in' && auth.signedIn) return { name: 'board' };
    return true;
  });
  return router;
}
