import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { cases } from '../../adapters/accessors/cases';
import { customers } from '../../adapters/accessors/customers';
import { timeline } from '../../adapters/accessors/timeline';
import { workflow } from '../../adapters/accessors/workflow';
import { openCaseSchema } from '../../domain/requests';
import { openCase } from '../../domain/services/open-case';
import { apiRoute } from '../../shared/http';
import { idempotencyKeys } from '../../shared/idempotency-keys';
import { metrics } from '../../shared/powertools';

/** POST /cases: 201 with a new case, 200 with the one already open for the same rental and due date. */
export const handler = apiRoute({
  idempotencyKeys,
  body: openCaseSchema,
  run: async ({ body, at }) => {
    const { created, view } = await openCase(
      {
        cases: cases(),
        timeline: timeline(),
        customers: customers(),
        workflow: workflow(),
      },
      body,
      at,
    );
    if (created) metrics.addMetric('CaseOpened', MetricUnit.Count, 1);
    return { status: created ? 201 : 200, body: view };
  },
});
