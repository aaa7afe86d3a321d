import { adapters } from '../../adapters';
import { casePath, paymentSchema } from '../../domain/requests';
import { recordPayment } from '../../domain/services/record-payment';
import { apiRoute } from '../../shared/http';

/** POST /cases/{caseId}/payments: applied once per paymentId; paying in full resolves the case. */
export const handler = apiRoute({
  path: casePath,
  body: paymentSchema,
  run: async ({ body, path, at }) => {
    const { view } = await recordPayment(
      {
        cases: adapters.cases(),
        timeline: adapters.timeline(),
        workflow: adapters.workflow(),
        events: adapters.events(),
      },
      path.caseId,
      body,
      at,
    );
    return { status: 200, body: view };
  },
});
