import { ActivityFeed } from './activityFeed';
import { bootCounterPage } from './boot';
import { counterView } from './counterView';
import { byRole, byTestId } from './elements';

const view = counterView();
const activity = new ActivityFeed({
  list: byTestId<HTMLOListElement>('recent-activity'),
  sparkline: byTestId('activity-sparkline') as unknown as SVGSVGElement,
  rate: byRole('rate'),
  emptyNote: byRole('no-activity'),
});

void bootCounterPage({
  onCounter: (counter) => {
    view.showCounter(counter);
    activity.record(counter);
  },
  onState: (state) => view.showState(state),
  onYourTotal: (total) => view.showYourTotal(total),
}).then((page) => {
  if (page !== null) setInterval(() => activity.tick(), 1000);
});
