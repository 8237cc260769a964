import { createRouter, createWebHistory } from 'vue-router';
import { routes } from './routes';
import { setupGuards } from './guards';

export const router = createRouter({ history: createWebHistory(), routes });
setupGuards(router);
