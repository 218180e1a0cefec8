import { Verdict } from './cloudformation-judge';

/**
 * What a rehearsal records, as CloudFormation would show it: every event sent to a lookup and what
 * came of it, and every stack's status history, outputs and the values its resources read.
 */

export type RequestType = 'Create' | 'Update' | 'Delete';

/** One event, as CloudFormation would record it. */
export interface StepReport extends Verdict {
  readonly stackName: string;
  readonly logicalId: string;
  readonly path: string;
  readonly requestType: RequestType;
  /** A Delete or Update that CloudFormation sends to roll back. */
  readonly rollback: boolean;
  /** How many responses arrived (exactly one is correct). */
  readonly responses: number;
  readonly durationMs: number;
  /** Time the invocation waited for a free execution (pool only), and whether it ran in a warm one. */
  readonly queuedMs: number;
  readonly warm: boolean;
  /** From CloudFormation's invocation to the invocation's end: what the lookup's ServiceTimeout bounds. */
  readonly elapsedMs: number;
  /** The lookup's ServiceTimeout, as the template gives it. */
  readonly serviceTimeoutSeconds?: number;
  readonly invocation: 'settled' | 'rejected' | 'timed out' | 'crashed';
  readonly logs: string[];
  readonly event: Record<string, unknown>;
}

export interface StackReport {
  readonly stackName: string;
  readonly status:
    | 'CREATE_COMPLETE'
    | 'ROLLBACK_COMPLETE'
    | 'ROLLBACK_FAILED'
    | 'SKIPPED'
    | 'UPDATE_COMPLETE'
    | 'UPDATE_ROLLBACK_COMPLETE'
    | 'UPDATE_ROLLBACK_FAILED'
    | 'DELETE_COMPLETE'
    | 'DELETE_FAILED';
  /** Every status the stack went through, in order (what DescribeStacks showed at each step). */
  readonly history: string[];
  /** Outputs as CloudFormation would show them. */
  readonly outputs: Record<string, string>;
  /**
   * What the stack's other resources read from lookups (`Fn::GetAtt` on a lookup of the stack,
   * `Fn::ImportValue`, `Fn::GetStackOutput`), by `LogicalId.Property.Path`, as resolved values.
   */
  readonly consumed: Record<string, string>;
}

export interface RehearsalReport {
  readonly steps: StepReport[];
  readonly stacks: StackReport[];
}
