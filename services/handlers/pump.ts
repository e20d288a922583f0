import { ok } from '../../core/result';
import { currentForecast } from '../forecast';
import { interrogate, recentInterrogations } from '../interrogation';
import { runAlarmTest, setPumpClock } from '../pump-maintenance';
import type { AreaContext } from './context';
import type { GatedHandlers } from './gates';

/** Reading the pump (with the dashboard's forecast), its clock, its events and the alarm test. */
export const pumpHandlers = ({ db, audit, link, now, modelOf, forecastDeps }: AreaContext) =>
  ({
    'pump:interrogate': async (_input, actor) => {
      const read = await interrogate({ db, audit, link, now, actor: actor.username, role: actor.role });
      if (!read.ok) return read;
      // The dashboard's forecast: the same function as the refill's, over the whole program.
      const forecast = currentForecast(forecastDeps(), read.value.status, modelOf(read.value.status));
      return ok({ ...read.value, forecast: forecast.ok ? forecast.value : null });
    },
    'interrogations:list': (input) => ok(recentInterrogations(db, input)),
    'pump:setClock': (_input, actor) => setPumpClock({ db, audit, link, now }, actor),
    'pump:events': () => link.readEvents(),
    'pump:alarmTest': (_input, actor) => runAlarmTest({ db, audit, link, now }, actor),
  }) satisfies Partial<GatedHandlers>;
