/**
 * The workflow has one definition: `statemachines/overdue-case.ts`. The ASL file next to it is what
 * CDK deploys and the local engine runs, written from the source by `npm run asl`; this fails when
 * the file was edited by hand or the source changed without writing the file again.
 */
import { aslText } from '../../statemachines/asl';
import { LADDER_STAGES, OVERDUE_CASE, STAGE_STATES, STATE } from '../../statemachines/overdue-case';
import { readAslText } from './harness';

/** The first line where two texts differ, numbered from 1, or null when they are the same. */
function firstDifferentLine(written: string, built: string): string | null {
  if (written === built) return null;
  const writtenLines = written.split('\n');
  const builtLines = built.split('\n');
  const index = writtenLines.findIndex((line, at) => line !== builtLines[at]);
  const at = index === -1 ? writtenLines.length : index;
  return `line ${at + 1}: the file has ${JSON.stringify(writtenLines[at])}, the source builds ${JSON.stringify(builtLines[at])}`;
}

describe('statemachines/overdue-case.ts, the source of overdue-case.asl.json', () => {
  it('builds the ASL file byte for byte (after editing the source, run `npm run asl`)', () => {
    // Prepare
    const written = readAslText();

    // Act
    const built = aslText(OVERDUE_CASE);

    // Assess
    expect(firstDifferentLine(written, built)).toBeNull();
  });

  it('names every state of the definition once: STATE and the five stages of STAGE_STATES', () => {
    // Prepare
    const named = [
      ...Object.values(STATE),
      ...LADDER_STAGES.flatMap((stage) => Object.values(STAGE_STATES[stage])),
    ];

    // Act
    const defined = Object.keys(OVERDUE_CASE.States);

    // Assess
    expect(new Set(named).size).toBe(named.length);
    expect([...named].sort()).toEqual([...defined].sort());
    expect(defined).toHaveLength(125);
  });

  it('finds a hand edit of the file: one changed value, or keys in another order', () => {
    // Prepare
    const built = aslText(OVERDUE_CASE);
    const edited = built.replace('"Seconds": 7200', '"Seconds": 3600');
    const reordered = aslText(OVERDUE_CASE).replace(
      /"Type": "Wait",\n(\s+)"Seconds": 300,/,
      '"Seconds": 300,\n$1"Type": "Wait",',
    );

    // Act
    const findings = [firstDifferentLine(edited, built), firstDifferentLine(reordered, built)];

    // Assess
    expect(edited).not.toBe(built);
    expect(findings[0]).toMatch(
      /^line \d+: the file has " +\\"Seconds\\": 3600,", the source builds " +\\"Seconds\\": 7200,"$/,
    );
    expect(reordered).not.toBe(built);
    expect(findings[1]).toMatch(
      /^line \d+: the file has " +\\"Seconds\\": 300,", the source builds " +\\"Type\\": \\"Wait\\","$/,
    );
  });
});
