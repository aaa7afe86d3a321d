import type { OpenCaseRequest } from '../../lambdas/domain/requests';

let rentals = 0;

/** A valid `POST /cases` body (docs/api.md) for a new rental each call, unless `rentalId` is given. */
export function openCaseBody(overrides: Partial<OpenCaseRequest> = {}): OpenCaseRequest {
  rentals += 1;
  return {
    rentalId: `rental-${rentals}`,
    customer: {
      id: `customer-${rentals}`,
      name: '张伟',
      phone: '+8613800138000',
      email: 'zhang.wei@example.com',
      locale: 'zh-CN',
      timezone: 'Asia/Shanghai',
      country: 'CN',
    },
    device: { sku: 'IPH15-128', name: 'iPhone 15 128GB', serial: 'F2LXK0000001' },
    amountDue: { amount: 129_900, currency: 'CNY' },
    dueAt: '2026-03-01T00:00:00Z',
    ...overrides,
  };
}
