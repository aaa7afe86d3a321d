/**
 * `@rental-collections/local-aws/testing`: helpers for tests of code that runs on the runtime, kept
 * apart from the main entry so that importing the runtime never installs the scripts' registry.
 */
export { type Script, type ScriptedFunctions, script, scriptedFunctions } from './scripted-functions';
