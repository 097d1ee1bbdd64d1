import { useState } from 'react';
import type { DecisionBody } from '../api/types';
import type { DecisionQuestion } from '../model/decision-questions';
import { ConfirmDialog } from './confirm-dialog';

/** Asks a reviewer to confirm a decision, with an optional note for approvals. */
export function DecisionDialog({ question, onConfirm, onCancel }: { question: DecisionQuestion; onConfirm(decision: DecisionBody): void; onCancel(): void }) {
  const [note, setNote] = useState('');
  const confirm = (): void => {
    const trimmed = note.trim();
    onConfirm(question.askNote && trimmed ? { ...question.decision, note: trimmed } : question.decision);
  };
  return (
    <ConfirmDialog title={question.title} confirmLabel={question.confirmLabel} danger={question.danger} onConfirm={confirm} onCancel={onCancel}>
      <p>{question.text}</p>
      {question.askNote && (
        <>
          <label htmlFor="dialog-note">Note (optional)</label>
          <input id="dialog-note" type="text" maxLength={2000} value={note} onChange={(event) => setNote(event.target.value)} />
        </>
      )}
    </ConfirmDialog>
  );
}
