// Numbers and times as the legend and the scales show them: prices to the symbol's precision,
// volume abbreviated (1.23M), dates without a time of day for daily and coarser bars (UTC).

const DAY = 86400;
const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const MAX_DECIMALS = 8;

/** Decimals the prices are quoted in: the server's ``price_precision`` (app/charts/precision.py)
 * or, for bars without one, the most any of (a sample of) the closes needs, at most 8. */
export function pricePrecision(meta, columns) {
  if (meta && Number.isInteger(meta.price_precision)) return meta.price_precision;
  const closes = (columns && columns.close) || [];
  const step = Math.max(1, Math.floor(closes.length / 500));
  let decimals = 0;
  for (let i = 0; i < closes.length && decimals < MAX_DECIMALS; i += step) {
    const value = closes[i];
    if (value === null || value === undefined) continue;
    while (decimals < MAX_DECIMALS) {
      // An absolute tolerance (float rounding's at most): relative to the price, 64,123.57
      // would pass at one decimal.
      const scaled = value * 10 ** decimals;
      if (Math.abs(scaled - Math.round(scaled)) <= Math.max(1e-6, Math.abs(scaled) * 1e-12)) break;
      decimals += 1;
    }
  }
  return decimals;
}

/** Lightweight Charts' price format for a precision. */
export function priceFormat(precision) {
  return { type: "price", precision, minMove: 1 / 10 ** precision };
}

export function formatPrice(value, precision) {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  return value.toFixed(precision);
}

/** 1234 -> "1.23K", 1234567 -> "1.23M"; small volumes keep up to two decimals. */
export function formatVolume(value) {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  const size = Math.abs(value);
  for (const [limit, suffix] of [[1e12, "T"], [1e9, "B"], [1e6, "M"], [1e3, "K"]]) {
    if (size >= limit) return (value / limit).toFixed(2) + suffix;
  }
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

function two(number) {
  return String(number).padStart(2, "0");
}

/** "May '18" for monthly bars (the core's rule, app/core/bar_dates.py), "Fri 09 Nov '12" for
 * daily and weekly bars, "Fri 09 Nov '12 14:30" otherwise (UTC). */
export function formatTime(seconds, timeframeSeconds) {
  const date = new Date(seconds * 1000);
  if (timeframeSeconds >= 28 * DAY) return MONTHS[date.getUTCMonth()] + " '" + two(date.getUTCFullYear() % 100);
  const day =
    WEEKDAYS[date.getUTCDay()] + " " + two(date.getUTCDate()) + " " +
    MONTHS[date.getUTCMonth()] + " '" + two(date.getUTCFullYear() % 100);
  if (timeframeSeconds >= DAY) return day;
  return day + " " + two(date.getUTCHours()) + ":" + two(date.getUTCMinutes());
}

export function isDaily(timeframeSeconds) {
  return timeframeSeconds >= DAY;
}
