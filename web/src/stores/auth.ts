import { computed, ref } from 'vue';
import { defineStore } from 'pinia';
import * as authApi from '@/api/auth';
import { tokenStorage, type ApiError } from '@/api/http';
import type { AuthAnswer, Credentials, User } from '@/api/types';

const USER_KEY = 'gw_user';

function readUser(): User | null {
  try {
    const raw = localStorage.getItem(USER_KEY);
    return raw ? (JSON.parse(raw) as User) : null;
  } catch {
    return null;
  }
}

export const useAuthStore = defineStore('auth', () => {
  const token = ref<string | null>(tokenStorage.get());
  const user = ref<User | null>(readUser());

  const isLoggedIn = computed(() => token.value !== null);
  const isAdmin = computed(() => user.value?.role === 'admin');

  function setSession(answer: AuthAnswer): void {
    token.value = answer.token;
    user.value = answer.user;
    tokenStorage.set(answer.token);
    localStorage.setItem(USER_KEY, JSON.stringify(answer.user));
  }

  /** Signs in; answers the error to show, or null on success. */
  async function login(credentials: Credentials): Promise<ApiError | null> {
    const { data, error } = await authApi.login(credentials);
    if (error) return error;
    setSession(data);
    return null;
  }

  async function register(credentials: Credentials): Promise<ApiError | null> {
    const { data, error } = await authApi.register(credentials);
    if (error) return error;
    setSession(data);
    return null;
  }

  /** Refreshes the user (role may have changed); a 401 logs out through the http layer. */
  async function loadProfile(): Promise<void> {
    const { data } = await authApi.fetchProfile();
    if (data) {
      user.value = data;
      localStorage.setItem(USER_KEY, JSON.stringify(data));
    }
  }

  function logout(): void {
    token.value = null;
    user.value = null;
    tokenStorage.clear();
    localStorage.removeItem(USER_KEY);
  }

  return { token, user, isLoggedIn, isAdmin, login, register, loadProfile, logout };
});
