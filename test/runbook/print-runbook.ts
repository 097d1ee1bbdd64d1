import { runbookSection } from './runbook-section';

// Prints the README's runbook section: `npx ts-node test/runbook/print-runbook.ts`, then paste it
// over the old one (markers included); runbook.test.ts fails until the two match.
process.stdout.write(runbookSection());
