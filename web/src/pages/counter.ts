import { ActivityFeed } from './activityFeed';
import { bootCounterPage } from './boot';
import { counterView } from './counterView';

const view = counterView();
const activity = ActivityFeed.onPage();

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
