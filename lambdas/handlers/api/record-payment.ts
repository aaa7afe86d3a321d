import { cases } from '../../adapters/accessors/cases';
import { events } from '../../adapters/accessors/events';
import { timeline } from '../../adapters/accessors/timeline';
import { workflow } from '../../adapters/accessors/workflow';
import { casePath, paymentSchema } from '../../domain/requests';
import { recordPayment } from '../../domain/services/record-payment';
import { apiRoute } from '../../shared/http';
import { idempotencyKeys } from '../../shared/idempotency-keys';

/** POST /cases/{caseId}/payments: applied once per paymentId; paying in full resolves the case. */
export const handler = apiRoute({
  idempotencyKeys,
  path: casePath,
  body: paymentSchema,
  run: async ({ body, path, at }) => {
    const { view } = await recordPayment(
      {
        cases: cases(),
        timeline: timeline(),
        workflow: workflow(),
        events: events(),
      },
      path.caseId,
      body,
      at,
    );
    return { status: 200, body: view };
  },
});
