import { Router } from 'express';
import { endpoints as e } from '@bot-mox/contracts';
import { mountCollection } from '../../platform/http/collection.ts';
import { mount, type MountContext } from '../../platform/http/endpoint.ts';
import type { OperationsRepository } from './repository.ts';

export function financeRoutes(ctx: MountContext, operations: OperationsRepository): Router {
  const router = Router();
  // Before the collection, so that /finance/summary is not read as an operation id.
  mount(router, ctx, e.financeSummary, ({ query }) => operations.summary(query));
  mountCollection(
    router,
    ctx,
    {
      list: e.listOperations,
      create: e.createOperations,
      get: e.getOperations,
      update: e.updateOperations,
      delete: e.deleteOperations,
    },
    operations,
    'finance operation',
  );
  return router;
}
