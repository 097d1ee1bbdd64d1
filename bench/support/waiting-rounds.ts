import type { WorkflowHandle } from '@temporalio/client';
import { regenerationWorkflowId } from '../../src/domain/workflow-ids';
import { regenerateSceneWorkflow } from '../../workflows';
import type { BenchStack } from './bench-stack';
import { refusedRoundInput } from './scenes';

/** Rounds in the review queue, from the search attribute each round keeps current. */
export function countWaiting(stack: BenchStack): Promise<number> {
  return stack.client.workflow
    .count(`WorkflowType = 'regenerateSceneWorkflow' AND RegenStatus = 'awaiting_review'`)
    .then((result) => result.count);
}

/** Starts rounds while keeping at most inFlight of them short of the review queue. */
export async function fillWaitingRounds(
  stack: BenchStack,
  rounds: number,
  inFlight: number,
): Promise<WorkflowHandle<typeof regenerateSceneWorkflow>[]> {
  const handles: WorkflowHandle<typeof regenerateSceneWorkflow>[] = [];
  let waiting = 0;
  let lastReport = Date.now();
  while (waiting < rounds) {
    const room = Math.min(rounds - handles.length, inFlight - (handles.length - waiting));
    const starts = Array.from({ length: Math.max(0, room) }, (_, index) => {
      const input = refusedRoundInput(handles.length + index + 1);
      return stack.client.workflow.start(regenerateSceneWorkflow, {
        taskQueue: stack.taskQueue,
        workflowId: regenerationWorkflowId(input.scene.id),
        args: [input],
      });
    });
    handles.push(...(await Promise.all(starts)));
    await new Promise((resolve) => setTimeout(resolve, 500));
    waiting = await countWaiting(stack);
    if (Date.now() - lastReport > 10_000) {
      console.log(`  ${waiting} of ${rounds} rounds awaiting review`);
      lastReport = Date.now();
    }
  }
  return handles;
}
