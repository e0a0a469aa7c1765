// Each event's start and end in UTC as Mozilla's ical.js (Thunderbird's parser) reads them: the
// calendar on stdin, one JSON object {uid: [start, end]} (seconds since the epoch) on stdout.
import { readFileSync } from "node:fs";
import ICAL from "../vendor/ical.js/ical.min.js";

const calendar = new ICAL.Component(ICAL.parse(readFileSync(0, "utf8")));
for (const zone of calendar.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(zone);
}
const times = {};
for (const component of calendar.getAllSubcomponents("vevent")) {
  const event = new ICAL.Event(component);
  times[event.uid] = [event.startDate.toUnixTime(), event.endDate.toUnixTime()];
}
process.stdout.write(JSON.stringify(times));
