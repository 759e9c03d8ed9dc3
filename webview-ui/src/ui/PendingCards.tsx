import type { PendingCard } from '../../../protocol/src';
import './pendingCards.css';

// What waits for the host's answer on this share (remote prompts, later tool permissions), as cards over the
// transcript in the host's own VS Code viewer. Texts arrive escaped by the host and are rendered as text.

export type PendingCardsProps = { cards: readonly PendingCard[]; onAnswer: (id: string, answer: number) => void };

export function PendingCards({ cards, onAnswer }: PendingCardsProps) {
  if (cards.length === 0) return null;
  return (
    <section class="pending-cards" aria-label="Waiting for your answer">
      {cards.map((card) => (
        <article class="pending-card" key={card.id} role="alertdialog" aria-label={card.label}>
          <div class="pending-kind">{card.kind}</div>
          <div class="pending-label">{card.label}</div>
          <blockquote class="pending-detail">{card.detail}</blockquote>
          <div class="pending-answers">
            {card.answers.map((answer, i) => (
              <button type="button" class={i === 0 ? 'button primary' : 'button ghost'} key={answer} onClick={() => onAnswer(card.id, i)}>
                {answer}
              </button>
            ))}
          </div>
        </article>
      ))}
    </section>
  );
}
