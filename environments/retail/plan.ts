/**
 * Builds gold plans in the shape the policy demands: identify, read what is needed, a confirmation right
 * before each write, and a final message.
 */
import type { JsonObject } from '../../src/harness/api.ts';
import type { OracleStep } from '../../src/contracts/environment.ts';
import { canonicalEqual } from '../../src/toolkit/canonical.ts';
import type { User } from './data.ts';
import type { IdentifyBy } from './phrasing.ts';
import { CONFIRMATION_TOOL, TRANSFER_TOOL, type WriteToolName } from './schemas.ts';

/** Collects the steps of one gold plan. */
export class PlanBuilder {
  private readonly steps: OracleStep[] = [];

  /** Start with the identification call the ticket's details allow. */
  constructor(user: User, by: IdentifyBy) {
    const args: JsonObject =
      by === 'email'
        ? { email: user.email }
        : { first_name: user.name.first_name, last_name: user.name.last_name, zip: user.address.zip };
    this.call(by === 'email' ? 'find_user_id_by_email' : 'find_user_id_by_name_zip', args, 'identify');
  }

  /** A read the agent needs; repeated reads are kept once. */
  inspect(tool: string, args: JsonObject): this {
    const seen = this.steps.some((step) => step.action.kind === 'call' && step.action.tool === tool && canonicalEqual(step.action.arguments, args));
    if (!seen) this.call(tool, args, 'inspect');
    return this;
  }

  /** A write, preceded by its confirmation. */
  write(tool: WriteToolName, args: JsonObject): this {
    this.call(CONFIRMATION_TOOL, { action: tool, arguments: args }, 'confirm');
    return this.call(tool, args, 'write');
  }

  /** A hand-off to a human (no confirmation: it changes no data). */
  transfer(summary: string): this {
    return this.call(TRANSFER_TOOL, { summary }, 'write');
  }

  /** The finished plan. */
  finish(message: string): OracleStep[] {
    return [...this.steps, { action: { kind: 'finish', message }, purpose: 'finish' }];
  }

  private call(tool: string, args: JsonObject, purpose: OracleStep['purpose']): this {
    this.steps.push({ action: { kind: 'call', tool, arguments: args }, purpose });
    return this;
  }
}
