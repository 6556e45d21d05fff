// spotnana-embed/emulator: a local stand-in for Spotnana (token API + embed app), for
// development, CI and integrators' own tests. Node only.
export { DEFAULTS, startEmulator, type EmulatorOptions, type RunningEmulator } from './emulator.js';
export { MAX_SCENARIO_DELAY_MS, type EmulatorScenario, type OAuthErrorAnswer } from './scenario.js';
