import { startExecutionOnce } from '../../lambdas/domain/services/case-command';
import { openCase } from '../../lambdas/domain/services/open-case';
import { openCaseBody } from '../support/fixtures';
import { memoryPorts } from '../support/memory-ports';

/**
 * A closed case's own execution (`-recovered`, `-dispute-t…`) is noted on the case before it starts
 * and marked begun after: a start that failed is made by the retry, a start that succeeded is not
 * made again, whatever the request's retries.
 */
const AT = '2026-03-01T00:00:00.000Z';
const LATER = '2026-03-02T00:00:00.000Z';

async function openedCase() {
  const ports = memoryPorts();
  const { view } = await openCase(ports, openCaseBody({ dueAt: AT }), AT);
  const record = await ports.cases.get(view.caseId);
  if (!record) throw new Error('no case');
  return { ports, record };
}

describe('startExecutionOnce', () => {
  test('a start that failed is made by the retry, then never again', async () => {
    const { ports, record } = await openedCase();
    const name = `${record.caseId}-recovered`;
    const starts: string[] = [];
    let failNext = true;
    const start = async () => {
      starts.push(name);
      if (failNext) {
        failNext = false;
        throw new Error('ThrottlingException');
      }
    };

    // Act: the first request fails at the start; its retry and a later replay read the case again
    await expect(startExecutionOnce(ports.cases, record.caseId, name, AT, start)).rejects.toThrow(
      'Throttling',
    );
    const afterFailure = await ports.cases.get(record.caseId);
    await startExecutionOnce(ports.cases, record.caseId, name, LATER, start);
    await startExecutionOnce(ports.cases, record.caseId, name, LATER, start);

    // Assess
    expect(afterFailure?.workflow).toEqual({ name, requestedAt: AT, startedAt: null });
    expect(starts).toHaveLength(2);
    expect((await ports.cases.get(record.caseId))?.workflow).toEqual({
      name,
      requestedAt: AT,
      startedAt: LATER,
    });
  });

  test('another execution noted on the case is replaced by the new name, which then starts', async () => {
    const { ports, record } = await openedCase();
    const starts: string[] = [];
    const name = `${record.caseId}-dispute-t1`;

    await startExecutionOnce(ports.cases, record.caseId, name, LATER, async () => {
      starts.push(name);
    });

    expect(starts).toEqual([name]);
    expect((await ports.cases.get(record.caseId))?.workflow).toEqual({
      name,
      requestedAt: LATER,
      startedAt: LATER,
    });
  });
});
