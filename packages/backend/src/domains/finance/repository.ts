import type {
  FinanceSummary,
  FinanceSummaryQuery,
  Operation,
  OperationCreate,
  OperationListQuery,
  OperationUpdate,
} from '@bot-mox/contracts';
import type { CollectionRepository } from '../../platform/repository.ts';

export interface OperationsRepository extends CollectionRepository<
  Operation,
  OperationCreate,
  OperationUpdate,
  OperationListQuery
> {
  /** Totals per currency, month and category over the operations the filters select. */
  summary(query: FinanceSummaryQuery): Promise<FinanceSummary>;
}
