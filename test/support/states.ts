/** The workflow's state names, from its typed source: tests import them rather than typing them again. */
export { LADDER_STAGES, STAGE_STATES, STATE, stageStates } from '../../statemachines/overdue-case';
