import { useCallback, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { diffPrompts } from '../model/prompt-diff';

/** The prompt with what it added (and dropped) against the one before it marked. */
export function PromptChanges({ prompt, previous }: { prompt: string; previous: string | undefined }) {
  const segments = useMemo(() => (previous === undefined ? undefined : diffPrompts(previous, prompt)), [prompt, previous]);
  const box = useRef<HTMLDivElement>(null);
  const [more, setMore] = useState(false);
  // A box cut at a whole line still looks complete: say so while text remains below.
  const measure = useCallback(() => {
    const element = box.current;
    if (element) setMore(element.scrollHeight - element.scrollTop - element.clientHeight > 1);
  }, []);
  useLayoutEffect(() => {
    measure();
    const element = box.current;
    if (!element || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, [measure, segments, prompt]);
  return (
    <div className={`prompt-box${more ? ' has-more' : ''}`}>
      <div className="prompt" ref={box} tabIndex={0} aria-label="Prompt" onScroll={measure}>
        {segments === undefined
          ? prompt
          : segments.map((segment, index) => {
              if (segment.change === 'added') return <ins key={index}>{segment.text}</ins>;
              if (segment.change === 'removed') return <del key={index}>{segment.text}</del>;
              return <span key={index}>{segment.text}</span>;
            })}
      </div>
      {more && (
        <p className="prompt-more" aria-hidden="true">
          scroll for more ↓
        </p>
      )}
    </div>
  );
}
