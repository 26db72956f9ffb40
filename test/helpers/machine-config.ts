// Machine configs for the unit tests of the machine and the supervisor shell.
import { createDefaultConfig } from '../../src/config/config-defaults.js';
import type { ModuleConfig } from '../../src/config/module-config.js';
import type { MachineConfig } from '../../src/core/supervisor-machine.js';

/** No alarms, no limits, no stop timeout, no hook: the defaults of supervise.conf. */
export const noLimits: MachineConfig = { settings: createDefaultConfig(), restartHook: false, hookResetSeconds: 0 };

export function withSettings(settings: Partial<ModuleConfig>, base: MachineConfig = noLimits): MachineConfig {
  return { ...base, settings: { ...base.settings, ...settings } };
}
