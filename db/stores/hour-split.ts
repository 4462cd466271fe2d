/**
 * How the readers of the measurement aggregates split an hour range [fromHour, toHour): whole UTC days from the day
 * rollup `decision_day_counts` (migration 0005), the partial first and last days from the hour table
 * `decision_counts`. The parts are disjoint, so one (day, group) is summed from one part only.
 */
export const HOURS_PER_DAY = 24;

export interface HourSplit {
  /** Hour ranges [from, to) to read from the hour table (empty ones left out). */
  hours: [number, number][];
  /** Whole days [firstDay, endDay) to read from the day rollup, or null when the range holds none. */
  days: [number, number] | null;
}

export function splitByDay(fromHour: number, toHour: number): HourSplit {
  const firstDay = Math.ceil(fromHour / HOURS_PER_DAY);
  const endDay = Math.floor(toHour / HOURS_PER_DAY);
  if (firstDay >= endDay) return { hours: fromHour < toHour ? [[fromHour, toHour]] : [], days: null };
  const hours: [number, number][] = [];
  if (fromHour < firstDay * HOURS_PER_DAY) hours.push([fromHour, firstDay * HOURS_PER_DAY]);
  if (endDay * HOURS_PER_DAY < toHour) hours.push([endDay * HOURS_PER_DAY, toHour]);
  return { hours, days: [firstDay, endDay] };
}
