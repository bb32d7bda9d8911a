/** The ids of an environment's validation and test tasks: nothing an engineer is sent may name one. */
import { BUILTIN_ENVIRONMENTS } from '../../environments/index.ts';

/** A pattern matching any validation or test task id of a built-in environment as a whole word. */
export async function sealedTaskPattern(name: string): Promise<RegExp> {
  const builtin = BUILTIN_ENVIRONMENTS[name];
  if (!builtin) throw new Error(`no built-in environment ${name}`);
  const environment = await builtin.create({});
  const ids = environment.tasks.filter((task) => task.split !== 'train').map((task) => task.id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  if (ids.length === 0) throw new Error(`${name} has no validation or test tasks`);
  return new RegExp(`\\b(${ids.join('|')})\\b`);
}
