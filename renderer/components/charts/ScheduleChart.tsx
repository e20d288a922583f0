import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

const DAY = 1440;
const minutesOf = (hhmm: string): number => {
  const [h = '0', m = '0'] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
};
const hhmm = (minutes: number): string =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

export interface ChartStep {
  start: string;
  /** The step's dose per hour, as the service gives it (a decimal string). */
  perHour: string;
}

/** The value in force at a minute of the day: the last step that started by then. */
const at = (steps: readonly ChartStep[], minute: number): number | null => {
  const step = steps.filter((s) => minutesOf(s.start) <= minute).at(-1);
  return step === undefined ? null : Number(step.perHour);
};

/**
 * Two days of steps on one 24-hour axis (time in proportion, 00:00 to 24:00), the old dashed and
 * grey, the new solid: a picture of the schedule, drawn from the service's per-hour figures (the
 * table beside it carries them exactly). Loaded on demand, with recharts.
 */
export default function ScheduleChart(props: {
  label: string;
  old: readonly ChartStep[];
  new: readonly ChartStep[];
  oldName: string;
  newName: string;
  height?: number;
}) {
  const times = [
    ...new Set([...props.old.map((s) => minutesOf(s.start)), ...props.new.map((s) => minutesOf(s.start)), DAY]),
  ].sort((a, b) => a - b);
  const data = times.map((m) => ({
    minute: m,
    old: at(props.old, Math.min(m, DAY - 1)),
    new: at(props.new, Math.min(m, DAY - 1)),
  }));
  return (
    <figure aria-label={props.label} style={{ margin: 0, width: '100%', height: props.height ?? 150 }}>
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={{ top: 4, right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis
            dataKey="minute"
            type="number"
            domain={[0, DAY]}
            ticks={[0, 240, 480, 720, 960, 1200, 1440]}
            tickFormatter={hhmm}
          />
          <YAxis width={48} />
          <Tooltip labelFormatter={(m) => hhmm(Number(m))} />
          <Legend />
          <Line
            type="stepAfter"
            dataKey="old"
            name={props.oldName}
            stroke="#595959"
            strokeDasharray="6 4"
            dot={false}
            isAnimationActive={false}
          />
          <Line
            type="stepAfter"
            dataKey="new"
            name={props.newName}
            stroke="#0958d9"
            strokeWidth={2}
            dot={false}
            isAnimationActive={false}
          />
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}
