import type { Migration, MigrationProvider } from 'kysely';
import { initialMigration } from './0001-initial';
import { endingsMigration } from './0002-endings';
import { providerCoordinationMigration } from './0003-provider-coordination';
import { providerHealthMigration } from './0004-provider-health';
import { projectBudgetMigration } from './0005-project-budget';
import { bestPickMigration } from './0006-best-pick';
import { attemptDetailsMigration } from './0007-attempt-details';
import { budgetReservationsMigration } from './0008-budget-reservations';
import { generationStepsMigration } from './0009-generation-steps';
import { notificationDeliveriesMigration } from './0010-notification-deliveries';
import { providerChoiceFiguresMigration } from './0012-provider-choice-figures';
import { reconciledRoundsMigration } from './0013-reconciled-rounds';
import { passingScoreMigration } from './0014-passing-score';
import { attemptKindMigration } from './0016-attempt-kind';
import { attemptCandidatesMigration } from './0017-attempt-candidates';

/**
 * Every migration, listed in code rather than found by scanning a folder, so the same list
 * works under ts-node, compiled output and a bundle. Names sort in the order they must run.
 */
export const migrations: Readonly<Record<string, Migration>> = {
  '0001-initial': initialMigration,
  '0002-endings': endingsMigration,
  '0003-provider-coordination': providerCoordinationMigration,
  '0004-provider-health': providerHealthMigration,
  '0005-project-budget': projectBudgetMigration,
  '0006-best-pick': bestPickMigration,
  '0007-attempt-details': attemptDetailsMigration,
  '0008-budget-reservations': budgetReservationsMigration,
  '0009-generation-steps': generationStepsMigration,
  '0010-notification-deliveries': notificationDeliveriesMigration,
  '0012-provider-choice-figures': providerChoiceFiguresMigration,
  '0013-reconciled-rounds': reconciledRoundsMigration,
  '0014-passing-score': passingScoreMigration,
  '0016-attempt-kind': attemptKindMigration,
  '0017-attempt-candidates': attemptCandidatesMigration,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve({ ...migrations }),
};
