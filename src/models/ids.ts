/**
 * Backbone ids that several layers need without depending on any provider: the simulated prefix, the
 * oracle's id and the "(simulated)" label. The meta-loop imports these, never the sims themselves.
 */

/** Every simulated backbone id starts with this. */
export const SIM_PREFIX = 'sim/';

/** The perfect simulated agent (the environment oracle's actions, uncorrupted): the false-positive replay runs it. */
export const ORACLE_BACKBONE_ID = `${SIM_PREFIX}oracle`;

/** True for a `sim/...` id. */
export function isSimId(id: string): boolean {
  return id.startsWith(SIM_PREFIX);
}

/** A backbone id as people should read it: simulated ones say so. */
export function labelBackboneId(id: string): string {
  return isSimId(id) ? `${id} (simulated)` : id;
}
