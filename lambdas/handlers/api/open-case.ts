import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { adapters } from '../../adapters';
import { openCaseSchema } from '../../domain/requests';
import { openCase } from '../../domain/services/open-case';
import { apiRoute } from '../../shared/http';
import { metrics } from '../../shared/powertools';

/** POST /cases: 201 with a new case, 200 with the one already open for the same rental and due date. */
export const handler = apiRoute({
  body: openCaseSchema,
  run: async ({ body, at }) => {
    const { created, view } = await openCase(
      {
        cases: adapters.cases(),
        timeline: adapters.timeline(),
        customers: adapters.customers(),
        workflow: adapters.workflow(),
      },
      body,
      at,
    );
    if (created) metrics.addMetric('CaseOpened', MetricUnit.Count, 1);
    return { status: created ? 201 : 200, body: view };
  },
});
