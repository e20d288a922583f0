import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';

export interface Series {
  key: string;
  name: string;
  colour: string;
  /** Which axis: left or right (e.g. VAS 0–10 against the daily dose). */
  axis?: 'left' | 'right';
}

/**
 * A time-series line chart (loaded on demand: charts are not in the first screen's bundle). Values
 * are drawn from decimal strings; a chart is a picture, the tables beside it carry the exact figures.
 */
export default function TrendChart(props: {
  data: Array<Record<string, string | number | null>>;
  series: Series[];
  label: string;
  threshold?: { value: number; label: string };
  rightDomain?: [number, number];
  step?: boolean;
}) {
  return (
    <figure aria-label={props.label} style={{ margin: 0, width: '100%', height: 260 }}>
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={props.data} margin={{ top: 8, right: 24, bottom: 8, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="label" />
          <YAxis yAxisId="left" />
          {props.series.some((s) => s.axis === 'right') && (
            <YAxis yAxisId="right" orientation="right" domain={props.rightDomain ?? ['auto', 'auto']} />
          )}
          <Tooltip />
          <Legend />
          {props.threshold !== undefined && (
            <ReferenceLine
              yAxisId="left"
              y={props.threshold.value}
              stroke="#a8071a"
              strokeDasharray="4 4"
              label={props.threshold.label}
            />
          )}
          {props.threshold !== undefined && (
            <ReferenceLine yAxisId="left" y={-props.threshold.value} stroke="#a8071a" strokeDasharray="4 4" />
          )}
          {props.series.map((s) => (
            <Line
              key={s.key}
              yAxisId={s.axis ?? 'left'}
              type={props.step === true ? 'stepAfter' : 'monotone'}
              dataKey={s.key}
              name={s.name}
              stroke={s.colour}
              connectNulls
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}
