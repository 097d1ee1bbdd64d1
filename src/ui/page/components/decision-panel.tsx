import { useState } from 'react';
import type { DecisionBody, ReviewEntry, Scene } from '../api/types';
import { useSend } from '../hooks/use-send';
import { describeDecision } from '../model/decision-text';
import {
  approveBestQuestion,
  approveCandidateQuestion,
  candidateName,
  regenerateQuestion,
  rejectQuestion,
  type DecisionQuestion,
} from '../model/decision-questions';
import type { Candidate, RoundView } from '../model/round-view';
import { useSession } from '../session';
import { DecisionDialog } from './decision-dialog';
import { RegenerateForm } from './regenerate-form';
import { RejectForm } from './reject-form';

interface DecisionPanelProps {
  entry: ReviewEntry;
  scene: Scene;
  roundView: RoundView;
  selected: Candidate | undefined;
}

/** The reviewer's four choices, each confirmed before it is sent. */
export function DecisionPanel({ entry, scene, roundView, selected }: DecisionPanelProps) {
  const session = useSession();
  const { sending, error, clearError, send } = useSend();
  const [form, setForm] = useState<'none' | 'reject' | 'regenerate'>('none');
  const [question, setQuestion] = useState<DecisionQuestion>();
  const best = roundView.candidates.find((c) => c.isBest);

  const ask = (next: DecisionQuestion): void => {
    clearError();
    setQuestion(next);
  };
  const toggle = (which: 'reject' | 'regenerate') => setForm(form === which ? 'none' : which);

  const decide = (decision: DecisionBody): void => {
    setQuestion(undefined);
    void send(
      async () => {
        await session.api.sendDecision(entry.id, decision);
        const description = describeDecision(decision, roundView.bestAttemptNumber);
        session.markInFlight({ entryId: entry.id, sceneId: entry.sceneId, decision, description, sentAt: Date.now() });
        setForm('none');
        await session.refreshPending();
      },
      () => session.refreshPending(),
    );
  };

  return (
    <section className="decision-panel" aria-labelledby="decision-title">
      <h2 id="decision-title">Your decision</h2>
      <div className="decision-buttons">
        <button
          type="button"
          className="primary"
          disabled={sending || best === undefined}
          title={best ? undefined : 'Nothing in this round, nor the scene itself, has an asset that could pass'}
          onClick={() => best && ask(approveBestQuestion(roundView, best))}
        >
          Approve best{best ? ` (${candidateName(best)})` : ''}
        </button>
        <button
          type="button"
          disabled={sending || selected === undefined}
          onClick={() => selected && ask(approveCandidateQuestion(selected))}
          title={selected ? undefined : 'Choose an attempt (or the starting asset) below first'}
        >
          {selected ? `Approve ${candidateName(selected)}` : 'Approve selected'}
        </button>
        <button type="button" aria-expanded={form === 'reject'} disabled={sending} onClick={() => toggle('reject')}>
          Reject…
        </button>
        <button type="button" aria-expanded={form === 'regenerate'} disabled={sending} onClick={() => toggle('regenerate')}>
          Regenerate…
        </button>
      </div>
      {selected === undefined && <p className="hint">To approve another attempt, choose it in its card below.</p>}
      {form === 'reject' && <RejectForm disabled={sending} onReject={(note) => ask(rejectQuestion(note))} onCancel={() => setForm('none')} />}
      {form === 'regenerate' && (
        <RegenerateForm
          initialPrompt={roundView.bestPrompt}
          currentProvider={best?.provider ?? scene.provider}
          allowNote
          disabled={sending}
          submitLabel="Start another round"
          onSubmit={(request) => ask(regenerateQuestion(roundView, request))}
          onCancel={() => setForm('none')}
        />
      )}
      {sending && (
        <p className="progress" role="status">
          <span className="spinner" aria-hidden="true" /> Sending the decision…
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {question && <DecisionDialog question={question} onConfirm={decide} onCancel={() => setQuestion(undefined)} />}
    </section>
  );
}
