/**
 * `@rental-collections/local-aws/testing`: helpers for tests of code that runs on the runtime, kept
 * apart from the main entry so that importing the runtime never installs the scripts' registry.
 */

/** Exchanges with the Zhima gateway recorded from its documented protocol (see the file's `about`). */
export { default as recordedZhimaExchanges } from '../fixtures/zhima-gateway-exchanges.json';
export { type Script, type ScriptedFunctions, script, scriptedFunctions } from './scripted-functions';
