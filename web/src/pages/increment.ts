import { ApiError } from '../client';
import { bootCounterPage } from './boot';
import { counterView } from './counterView';
import { byTestId } from './elements';

const view = counterView();
const button = byTestId<HTMLButtonElement>('increment-button');
const pendingText = byTestId('pending-count');
const errorText = byTestId('increment-error');
const amountInputs = Array.from(document.querySelectorAll<HTMLInputElement>('input[name="amount"]'));

let amount = 1;
let pending = 0;

function chooseAmount(value: number): void {
  amount = value;
  button.textContent = `+${value}`;
}

function showPending(): void {
  pendingText.textContent = pending === 0 ? '' : `${pending} pending`;
}

function showError(message: string | undefined): void {
  errorText.textContent = message ?? '';
  errorText.hidden = message === undefined;
}

for (const input of amountInputs) {
  input.addEventListener('change', () => {
    if (input.checked) chooseAmount(Number(input.value));
  });
}
// A reload keeps the checked radio (form state restoration); keep the button in step with it.
chooseAmount(Number(amountInputs.find((input) => input.checked)?.value ?? 1));

void bootCounterPage({
  onCounter: (counter) => view.showCounter(counter),
  onState: (state) => view.showState(state),
  onYourTotal: (total) => view.showYourTotal(total),
}).then((page) => {
  if (page === null) return;
  const { api, live, name } = page;

  // Every press is its own request with its own idempotency key: nothing is merged or dropped,
  // and the button stays enabled while earlier presses are in flight.
  button.addEventListener('click', () => {
    pending += 1;
    showPending();
    showError(undefined);
    api
      .increment(name, amount)
      .then((result) => live.acceptIncrement(result))
      .catch((error: unknown) => {
        showError(error instanceof ApiError ? error.detail : 'The increment failed.');
      })
      .finally(() => {
        pending -= 1;
        showPending();
      });
  });
  button.disabled = false;
});
