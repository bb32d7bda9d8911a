/** The ids of an environment's validation and test tasks: nothing an engineer is sent may name one. */
import { loadEnvironment } from '../../environments/index.ts';

/** A pattern matching any validation or test task id of the environment as a whole word. */
export async function sealedTaskPattern(name: string): Promise<RegExp> {
  // Awaited so that this keeps working when environments load asynchronously.
  const environment = await loadEnvironment(name);
  const ids = environment.tasks.filter((task) => task.split !== 'train').map((task) => task.id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  if (ids.length === 0) throw new Error(`${name} has no validation or test tasks`);
  return new RegExp(`\\b(${ids.join('|')})\\b`);
}
