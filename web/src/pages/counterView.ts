import type { ConnectionState, ShownCounter } from '../client';
import { byRole, byTestId } from './elements';

/** The parts both counter pages show: the value, its version and time, the link state, your total. */
export interface CounterView {
  showCounter(counter: ShownCounter): void;
  showState(state: ConnectionState): void;
  showYourTotal(total: number | undefined): void;
}

export function counterView(root: ParentNode = document): CounterView {
  const value = byTestId('counter-value', root);
  const version = byTestId('counter-version', root);
  const updatedAt = byTestId<HTMLTimeElement>('counter-updated-at', root);
  const status = byRole('status', root);
  const statusText = byTestId('connection-status', root);
  const yourTotal = byTestId('your-total', root);
  const yourTotalRow = byRole('your-total-row', root);

  return {
    showCounter(counter) {
      // Plain digits: the same text tests and screen readers read, no locale separators.
      value.textContent = String(counter.value);
      version.textContent = String(counter.version);
      if (counter.updatedAt === null) {
        updatedAt.removeAttribute('datetime');
        updatedAt.textContent = 'never';
        updatedAt.title = '';
      } else {
        const when = new Date(counter.updatedAt);
        updatedAt.dateTime = counter.updatedAt;
        updatedAt.textContent = Number.isNaN(when.getTime()) ? counter.updatedAt : clockTime(when);
        updatedAt.title = Number.isNaN(when.getTime()) ? '' : when.toLocaleString();
      }
    },

    showState(state) {
      status.dataset.state = state;
      statusText.textContent = state;
    },

    showYourTotal(total) {
      // Nothing at all (not 0) until this visitor increments this counter while the page is open.
      yourTotal.textContent = total === undefined ? '' : String(total);
      yourTotalRow.hidden = total === undefined;
    },
  };
}

export function clockTime(when: Date): string {
  return when.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}
