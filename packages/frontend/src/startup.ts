// Start-up in short tasks. Zod builds a schema when its module is evaluated: the contracts'
// modules cost ~180 ms at 1x CPU together (~700 ms at Lighthouse's 4x mobile slowdown), and
// imported statically they are evaluated in one task with the entry. Imported here one module
// per task, in dependency order (each step builds only its own module's schemas), the browser
// paints and handles input between them; the app's chunks then find them already evaluated.
// The client keeps validating every response with these same schemas.

/** Ends the current task: the browser runs what is waiting (input, paint) before the rest. */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** The contracts' modules, each after the ones it imports. */
export const CONTRACT_MODULES: (() => Promise<unknown>)[] = [
  () => import('@bot-mox/contracts/schemas/common'),
  () => import('@bot-mox/contracts/schemas/bots'),
  () => import('@bot-mox/contracts/schemas/health'),
  () => import('@bot-mox/contracts/schemas/events'),
  () => import('@bot-mox/contracts/schemas/workspace'),
  () => import('@bot-mox/contracts/schemas/finance'),
  () => import('@bot-mox/contracts/schemas/resources'),
  () => import('@bot-mox/contracts/schemas/settings'),
  () => import('@bot-mox/contracts/schemas/artifacts'),
  () => import('@bot-mox/contracts/schemas/endpoints'),
];

export async function buildContractsInSteps(modules = CONTRACT_MODULES) {
  for (const load of modules) {
    await nextTask();
    await load();
  }
}
