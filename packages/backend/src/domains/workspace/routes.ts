import { Router } from 'express';
import { endpoints as e } from '@bot-mox/contracts';
import { mountCollection } from '../../platform/http/collection.ts';
import type { MountContext } from '../../platform/http/endpoint.ts';
import type { WorkspaceRepositories } from './repository.ts';

export function workspaceRoutes(ctx: MountContext, repos: WorkspaceRepositories): Router {
  const router = Router();
  mountCollection(
    router,
    ctx,
    {
      list: e.listNotes,
      create: e.createNotes,
      get: e.getNotes,
      update: e.updateNotes,
      delete: e.deleteNotes,
    },
    repos.notes,
    'note',
  );
  mountCollection(
    router,
    ctx,
    {
      list: e.listTasks,
      create: e.createTasks,
      get: e.getTasks,
      update: e.updateTasks,
      delete: e.deleteTasks,
    },
    repos.tasks,
    'task',
  );
  mountCollection(
    router,
    ctx,
    {
      list: e.listCalendarEvents,
      create: e.createCalendarEvents,
      get: e.getCalendarEvents,
      update: e.updateCalendarEvents,
      delete: e.deleteCalendarEvents,
    },
    repos.calendar,
    'calendar event',
  );
  return router;
}
