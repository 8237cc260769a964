import { request } from './http';
import type {
  BreakdownBy, BreakdownRow, Id, Interval, LogQuery, Page, RequestLog, StatsOverview, TimePoint, TimeRange,
} from './types';

export const listLogs = (params: LogQuery = {}) => request<Page<RequestLog>>({ url: '/api/admin/logs', params });
export const fetchLog = (id: Id) => request<RequestLog>({ url: `/api/admin/logs/${id}` });
export const fetchOverview = (params: TimeRange) =>
  request<StatsOverview>({ url: '/api/admin/stats/overview', params });
export const fetchTimeseries = (params: TimeRange & { interval: Interval }) =>
  request<{ data: TimePoint[] }>({ url: '/api/admin/stats/timeseries', params });
export const fetchBreakdown = (params: TimeRange & { by: BreakdownBy }) =>
  request<{ data: BreakdownRow[] }>({ url: '/api/admin/stats/breakdown', params });
