/**
 * The tools several tau2-bench desks share, with the benchmark's answers: `calculate` and
 * `transfer_to_human_agents`. Each domain wraps these specs in its own tool definition.
 */
import { param, refuse, type ToolSpec } from '../../src/toolkit/tools.ts';
import { calculate, PythonError } from './calculate.ts';

/** `calculate`; `example` is an expression in the domain's terms, shown in the schema. */
export function calculateSpec<S>(example: string): ToolSpec<S> {
  return {
    name: 'calculate',
    readOnly: true,
    description: "Evaluate an arithmetic expression, e.g. '2 + 2'. It may use numbers, + - * /, parentheses and spaces; the result is rounded to 2 decimals.",
    parameters: { expression: param.string({ description: `The expression, e.g. '${example}'.` }) },
    run: (_state, args) => {
      try {
        return calculate(String(args.expression));
      } catch (error) {
        if (error instanceof PythonError) refuse(error.message);
        throw error;
      }
    },
  };
}

const TRANSFER_DESCRIPTION =
  'Hand the customer over to a human agent, with a summary of their issue. Only when the customer explicitly asks for a human, or when the policy and the tools cannot resolve the issue.';

/** `transfer_to_human_agents`: tau2 answers every transfer the same way; the reward reads the call. */
export function transferSpec<S>(description = TRANSFER_DESCRIPTION): ToolSpec<S> {
  return {
    name: 'transfer_to_human_agents',
    readOnly: false,
    description,
    parameters: { summary: param.string({ description: "A summary of the customer's issue." }) },
    run: () => 'Transfer successful',
  };
}
