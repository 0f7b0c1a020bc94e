// The /api/v1 surface as data: every route's method, path, inputs and output. The backend mounts
// its handlers from these, the OpenAPI document is generated from them, and the frontend uses
// the same schemas and types.
import { z } from 'zod';
import { IdParams } from './common.ts';
import { Bot, BotCreate, BotListQuery, BotPage, BotStats, BotUpdate } from './bots.ts';
import {
  License,
  LicenseCreate,
  LicenseListQuery,
  LicensePage,
  LicenseUpdate,
  Proxy,
  ProxyCreate,
  ProxyListQuery,
  ProxyPage,
  ProxyUpdate,
  Subscription,
  SubscriptionCreate,
  SubscriptionListQuery,
  SubscriptionPage,
  SubscriptionUpdate,
} from './resources.ts';
import {
  CalendarEvent,
  CalendarEventCreate,
  CalendarEventPage,
  CalendarEventUpdate,
  CalendarListQuery,
  Note,
  NoteCreate,
  NoteListQuery,
  NotePage,
  NoteUpdate,
  Task,
  TaskCreate,
  TaskListQuery,
  TaskPage,
  TaskUpdate,
} from './workspace.ts';
import {
  FinanceSummary,
  FinanceSummaryQuery,
  Operation,
  OperationCreate,
  OperationListQuery,
  OperationPage,
  OperationUpdate,
} from './finance.ts';
import { SettingsList, SettingsPut, SettingsSection, SettingsSectionParams } from './settings.ts';
import { HealthResponse, ReadyResponse } from './health.ts';
import {
  Artifact,
  ArtifactDownload,
  ArtifactDownloadQuery,
  ArtifactListQuery,
  ArtifactPage,
  ArtifactUploadCreate,
  ArtifactUploadTicket,
} from './artifacts.ts';

export const API_PREFIX = '/api/v1';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface Endpoint {
  method: HttpMethod;
  /** Express-style path below /api/v1, e.g. `/bots/:id`. */
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  /** false for the public health and openapi routes. */
  auth: boolean;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** The success body; null for 204. */
  response: z.ZodType | null;
  status: 200 | 201 | 204 | 503;
  /** Writes answer 503 while WRITE_FREEZE is on. */
  write?: boolean;
}

interface CollectionSchemas {
  item: z.ZodType;
  page: z.ZodType;
  create: z.ZodType;
  update: z.ZodType;
  listQuery: z.ZodType;
}

function collection<const N extends string, S extends CollectionSchemas>(
  name: N,
  path: string,
  tag: string,
  label: string,
  s: S,
) {
  return {
    [`list${name}`]: {
      method: 'get',
      path,
      operationId: `list${name}`,
      summary: `List ${label}s (cursor pagination, filters, stable sort)`,
      tag,
      auth: true,
      query: s.listQuery,
      response: s.page,
      status: 200,
    },
    [`create${name}`]: {
      method: 'post',
      path,
      operationId: `create${name}`,
      summary: `Create a ${label}`,
      tag,
      auth: true,
      body: s.create,
      response: s.item,
      status: 201,
      write: true,
    },
    [`get${name}`]: {
      method: 'get',
      path: `${path}/:id`,
      operationId: `get${name}`,
      summary: `Get one ${label}`,
      tag,
      auth: true,
      params: IdParams,
      response: s.item,
      status: 200,
    },
    [`update${name}`]: {
      method: 'patch',
      path: `${path}/:id`,
      operationId: `update${name}`,
      summary: `Change fields of a ${label}`,
      tag,
      auth: true,
      params: IdParams,
      body: s.update,
      response: s.item,
      status: 200,
      write: true,
    },
    [`delete${name}`]: {
      method: 'delete',
      path: `${path}/:id`,
      operationId: `delete${name}`,
      summary: `Delete a ${label}`,
      tag,
      auth: true,
      params: IdParams,
      response: null,
      status: 204,
      write: true,
    },
  } as unknown as {
    [K in `list${N}`]: {
      method: 'get';
      query: S['listQuery'];
      response: S['page'];
      params?: undefined;
      body?: undefined;
    } & Endpoint;
  } & {
    [K in `create${N}`]: {
      method: 'post';
      body: S['create'];
      response: S['item'];
      params?: undefined;
      query?: undefined;
    } & Endpoint;
  } & {
    [K in `get${N}`]: {
      method: 'get';
      params: typeof IdParams;
      response: S['item'];
      query?: undefined;
      body?: undefined;
    } & Endpoint;
  } & {
    [K in `update${N}`]: {
      method: 'patch';
      params: typeof IdParams;
      body: S['update'];
      response: S['item'];
      query?: undefined;
    } & Endpoint;
  } & {
    [K in `delete${N}`]: {
      method: 'delete';
      params: typeof IdParams;
      response: null;
      query?: undefined;
      body?: undefined;
    } & Endpoint;
  };
}

export const endpoints = {
  health: {
    method: 'get',
    path: '/health',
    operationId: 'health',
    summary: 'Version, uptime and readiness of dependencies',
    tag: 'health',
    auth: false,
    response: HealthResponse,
    status: 200,
  },
  healthLive: {
    method: 'get',
    path: '/health/live',
    operationId: 'healthLive',
    summary: 'Liveness: 200 while the process runs',
    tag: 'health',
    auth: false,
    response: z.object({ status: z.literal('live') }),
    status: 200,
  },
  healthReady: {
    method: 'get',
    path: '/health/ready',
    operationId: 'healthReady',
    summary:
      'Readiness: 200 when every check passes, 503 naming the failing ones (and while draining)',
    tag: 'health',
    auth: false,
    response: ReadyResponse,
    status: 200,
  },
  botStats: {
    method: 'get',
    path: '/bots/stats',
    operationId: 'botStats',
    summary: 'Bot totals: all, per status and per project (computed in SQL over every bot)',
    tag: 'bots',
    auth: true,
    response: BotStats,
    status: 200,
  },
  ...collection('Bots', '/bots', 'bots', 'bot', {
    item: Bot,
    page: BotPage,
    create: BotCreate,
    update: BotUpdate,
    listQuery: BotListQuery,
  }),
  ...collection('Licenses', '/resources/licenses', 'resources', 'license', {
    item: License,
    page: LicensePage,
    create: LicenseCreate,
    update: LicenseUpdate,
    listQuery: LicenseListQuery,
  }),
  ...collection('Proxies', '/resources/proxies', 'resources', 'proxy', {
    item: Proxy,
    page: ProxyPage,
    create: ProxyCreate,
    update: ProxyUpdate,
    listQuery: ProxyListQuery,
  }),
  ...collection('Subscriptions', '/resources/subscriptions', 'resources', 'subscription', {
    item: Subscription,
    page: SubscriptionPage,
    create: SubscriptionCreate,
    update: SubscriptionUpdate,
    listQuery: SubscriptionListQuery,
  }),
  ...collection('Notes', '/workspace/notes', 'workspace', 'note', {
    item: Note,
    page: NotePage,
    create: NoteCreate,
    update: NoteUpdate,
    listQuery: NoteListQuery,
  }),
  ...collection('Tasks', '/workspace/tasks', 'workspace', 'task', {
    item: Task,
    page: TaskPage,
    create: TaskCreate,
    update: TaskUpdate,
    listQuery: TaskListQuery,
  }),
  ...collection('CalendarEvents', '/workspace/calendar', 'workspace', 'calendar event', {
    item: CalendarEvent,
    page: CalendarEventPage,
    create: CalendarEventCreate,
    update: CalendarEventUpdate,
    listQuery: CalendarListQuery,
  }),
  ...collection('Operations', '/finance/operations', 'finance', 'finance operation', {
    item: Operation,
    page: OperationPage,
    create: OperationCreate,
    update: OperationUpdate,
    listQuery: OperationListQuery,
  }),
  financeSummary: {
    method: 'get',
    path: '/finance/summary',
    operationId: 'financeSummary',
    summary: 'Income, expense and net per currency, per month and per category (computed in SQL)',
    tag: 'finance',
    auth: true,
    query: FinanceSummaryQuery,
    response: FinanceSummary,
    status: 200,
  },
  listSettings: {
    method: 'get',
    path: '/settings',
    operationId: 'listSettings',
    summary: 'All stored settings sections',
    tag: 'settings',
    auth: true,
    response: SettingsList,
    status: 200,
  },
  getSettings: {
    method: 'get',
    path: '/settings/:section',
    operationId: 'getSettings',
    summary: 'One settings section',
    tag: 'settings',
    auth: true,
    params: SettingsSectionParams,
    response: SettingsSection,
    status: 200,
  },
  putSettings: {
    method: 'put',
    path: '/settings/:section',
    operationId: 'putSettings',
    summary: "Replace one settings section (validated against that section's schema)",
    tag: 'settings',
    auth: true,
    params: SettingsSectionParams,
    body: SettingsPut,
    response: SettingsSection,
    status: 200,
    write: true,
  },
  listArtifactInstallers: {
    method: 'get',
    path: '/artifacts/installers',
    operationId: 'listArtifactInstallers',
    summary: 'List installers (filter by platform and status; cursor pagination)',
    tag: 'artifacts',
    auth: true,
    query: ArtifactListQuery,
    response: ArtifactPage,
    status: 200,
  },
  createArtifactInstaller: {
    method: 'post',
    path: '/artifacts/installers',
    operationId: 'createArtifactInstaller',
    summary:
      'Start an upload: a pending row and a presigned PUT pinned to the content type (and checksum where the server verifies one). 503 when object storage is not configured or unreachable',
    tag: 'artifacts',
    auth: true,
    body: ArtifactUploadCreate,
    response: ArtifactUploadTicket,
    status: 201,
    write: true,
  },
  completeArtifactInstaller: {
    method: 'post',
    path: '/artifacts/installers/:id/complete',
    operationId: 'completeArtifactInstaller',
    summary:
      'Finish an upload: the object is checked (size, and checksum where reported); ready, or 409 with the object deleted and the row failed',
    tag: 'artifacts',
    auth: true,
    params: IdParams,
    response: Artifact,
    status: 200,
    write: true,
  },
  downloadArtifactInstaller: {
    method: 'get',
    path: '/artifacts/installers/:id/download',
    operationId: 'downloadArtifactInstaller',
    summary:
      'A presigned GET whose response carries Content-Disposition with the original file name; JSON, or 302 to it with ?redirect=1',
    tag: 'artifacts',
    auth: true,
    params: IdParams,
    query: ArtifactDownloadQuery,
    response: ArtifactDownload,
    status: 200,
  },
  deleteArtifactInstaller: {
    method: 'delete',
    path: '/artifacts/installers/:id',
    operationId: 'deleteArtifactInstaller',
    summary: 'Delete an installer: its object and its row',
    tag: 'artifacts',
    auth: true,
    params: IdParams,
    response: null,
    status: 204,
    write: true,
  },
} as const satisfies Record<string, Endpoint>;

export type Endpoints = typeof endpoints;
export type EndpointName = keyof Endpoints;
