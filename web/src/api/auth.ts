import { request } from './http';
import type { AuthAnswer, AuthStatus, Credentials, Id, PasswordChange, User, UserCreate, Page } from './types';

export const fetchAuthStatus = () => request<AuthStatus>({ url: '/api/auth/status' });
export const login = (body: Credentials) => request<AuthAnswer>({ url: '/api/auth/login', method: 'post', data: body });
export const register = (body: Credentials) =>
  request<AuthAnswer>({ url: '/api/auth/register', method: 'post', data: body });
export const fetchProfile = () => request<User>({ url: '/api/auth/profile' });
export const changePassword = (body: PasswordChange) =>
  request<void>({ url: '/api/auth/password', method: 'post', data: body });

export const listUsers = () => request<Page<User>>({ url: '/api/admin/users' });
export const createUser = (body: UserCreate) => request<User>({ url: '/api/admin/users', method: 'post', data: body });
export const deleteUser = (id: Id) => request<void>({ url: `/api/admin/users/${id}`, method: 'delete' });
