// Local time is the browser's; inZone runs fn as in a zone (Node applies
// TZ at once). For tests only.
export function inZone(tz, fn) {
  const was = process.env.TZ;
  process.env.TZ = tz;
  try {
    return fn();
  } finally {
    if (was === undefined) delete process.env.TZ;
    else process.env.TZ = was;
  }
}
