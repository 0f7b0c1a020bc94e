import type {
  License,
  LicenseCreate,
  LicenseListQuery,
  LicenseUpdate,
  Proxy,
  ProxyCreate,
  ProxyListQuery,
  ProxyUpdate,
  Subscription,
  SubscriptionCreate,
  SubscriptionListQuery,
  SubscriptionUpdate,
} from '@bot-mox/contracts';
import type { CollectionRepository } from '../../platform/repository.ts';

export type LicensesRepository = CollectionRepository<
  License,
  LicenseCreate,
  LicenseUpdate,
  LicenseListQuery
>;
export type ProxiesRepository = CollectionRepository<
  Proxy,
  ProxyCreate,
  ProxyUpdate,
  ProxyListQuery
>;
export type SubscriptionsRepository = CollectionRepository<
  Subscription,
  SubscriptionCreate,
  SubscriptionUpdate,
  SubscriptionListQuery
>;

export interface ResourcesRepositories {
  licenses: LicensesRepository;
  proxies: ProxiesRepository;
  subscriptions: SubscriptionsRepository;
}
