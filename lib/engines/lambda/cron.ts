// Five-field cron (zeroscale's) -> the six-field form of EventBridge Scheduler and Application Auto
// Scaling scheduled actions: `cron(minutes hours day-of-month month day-of-week year)`, with `?` in one
// of the two day fields and day-of-week numbered 1-7 from Sunday (SUN-SAT). Pure.
// https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#cron-based
// https://docs.aws.amazon.com/autoscaling/application/userguide/scheduled-scaling-using-cron-expressions.html

/** The converted expression, or why it does not convert (a problem and a fix, for a typed diagnostic). */
export type AwsCron = { readonly ok: true; readonly expression: string } | { readonly ok: false; readonly problem: string; readonly fix: string };

const NICKNAMES: Readonly<Record<string, string>> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};
const DAY_NAMES = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] as const;
const MONTH_NAMES = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"] as const;
/** A list of values, ranges and steps: what both cron dialects share. */
const LIST = /^(\*|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(\/[0-9]+)?(,(\*|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(\/[0-9]+)?)*$/;

const fail = (problem: string, fix: string): AwsCron => ({ ok: false, problem, fix });

/** A plain (non-day-of-week) field: `*\/n` becomes `<first>/n` (AWS's increment form); month names are kept (AWS takes JAN-DEC). */
function plainField(field: string, first: number): string {
  return field
    .split(",")
    .map((part) => (part.startsWith("*/") ? `${first}${part.slice(1)}` : part))
    .join(",");
}

/** The days (0 = Sunday .. 6) a 5-field cron day-of-week field selects; undefined when it is not a plain list. */
export function daysOfWeek(field: string): Set<number> | undefined {
  const days = new Set<number>();
  const value = (v: string): number | undefined => {
    const named = DAY_NAMES.indexOf(v.toUpperCase() as (typeof DAY_NAMES)[number]);
    if (named >= 0) return named;
    if (!/^[0-7]$/.test(v)) return undefined;
    return Number(v) % 7;
  };
  for (const part of field.split(",")) {
    const [range, stepText] = part.split("/") as [string, string | undefined];
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) return undefined;
    let lo: number | undefined;
    let hi: number | undefined;
    if (range === "*") [lo, hi] = [0, 6];
    else if (range.includes("-")) {
      const [a, b] = range.split("-") as [string, string];
      lo = value(a);
      hi = b === "7" ? 7 : value(b);
    } else {
      lo = value(range);
      hi = stepText === undefined ? lo : 6;
    }
    if (lo === undefined || hi === undefined || hi < lo) return undefined;
    for (let d = lo; d <= hi; d += step) days.add(d % 7);
  }
  return days;
}

/**
 * Convert a 5-field cron to AWS's `cron(...)` form. Refused (not approximated): a seconds field, both
 * day-of-month and day-of-week restricted (AWS needs `?` in one of them; cron ORs them, AWS cannot),
 * and syntax AWS does not share (L, W, #, ? in the input, nicknames other than @hourly..@yearly).
 */
export function toAwsCron(cron: string): AwsCron {
  const text = NICKNAMES[cron.trim().toLowerCase()] ?? cron.trim();
  const fields = text.split(/\s+/).filter((f) => f.length > 0);
  if (fields.length === 6) return fail("has a seconds field, which EventBridge Scheduler and Application Auto Scaling do not take (their finest unit is a minute)", 'use 5 fields (minute hour day-of-month month day-of-week), e.g. "*/1 * * * *"');
  if (fields.length !== 5) return fail(`has ${fields.length} fields; 5 are needed`, 'use 5 fields (minute hour day-of-month month day-of-week), e.g. "0 3 * * *"');
  const [minute, hour, dom, month, dow] = fields as [string, string, string, string, string];
  for (const f of fields) {
    if (!LIST.test(f)) return fail(`uses ${JSON.stringify(f)}, which AWS cron does not take the same way (only values, ranges a-b, steps /n and lists)`, "write the field as values, ranges and steps, e.g. 1-5 or */15");
  }
  for (const [name, f] of [["minute", minute], ["hour", hour], ["day-of-month", dom]] as const) {
    if (!/^[0-9*,\-/]+$/.test(f)) return fail(`has ${name} ${JSON.stringify(f)}, which AWS cron reads differently`, "use numbers, ranges a-b, steps /n and lists");
  }
  for (const [name, f] of [["minute", minute], ["hour", hour], ["day-of-month", dom]] as const) {
    if (!/^[0-9*,/-]+$/.test(f)) return fail(`has ${name} ${JSON.stringify(f)}, which AWS cron reads differently`, "use numbers, ranges a-b, steps /n and lists");
  }
  for (const m of month.split(/[,\-/]/)) {
    if (m !== "*" && !/^[0-9]+$/.test(m) && !MONTH_NAMES.includes(m.toUpperCase() as (typeof MONTH_NAMES)[number])) return fail(`has month ${JSON.stringify(m)}`, "use 1-12 or JAN-DEC");
  }
  const domSet = dom !== "*";
  const dowSet = dow !== "*";
  if (domSet && dowSet) {
    return fail(
      `restricts both day-of-month (${dom}) and day-of-week (${dow}): cron fires on either, AWS needs "?" in one of them and cannot express "either"`,
      "keep only one of the two day fields, or use two schedule triggers (one per day field)",
    );
  }
  let awsDow = "?";
  let awsDom = dom === "*" ? "*" : plainField(dom, 1);
  if (dowSet) {
    const days = daysOfWeek(dow);
    if (days === undefined || days.size === 0) return fail(`has day-of-week ${JSON.stringify(dow)}, which does not convert to AWS's 1-7 (SUN-SAT) numbering`, "use 0-7 or SUN-SAT, ranges and lists, e.g. 1-5 or MON,WED");
    awsDom = "?";
    awsDow = days.size === 7 ? "*" : [...days].sort((a, b) => a - b).map((d) => String(d + 1)).join(",");
  }
  return { ok: true, expression: `cron(${plainField(minute, 0)} ${plainField(hour, 0)} ${awsDom} ${plainField(month, 1)} ${awsDow} *)` };
}
