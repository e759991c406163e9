/**
 * Trading calendars and schedules: which days an exchange trades, the sessions of each trade day
 * (including night sessions that open the evening before), the cut-over that files every instant
 * under exactly one trade day, and {@link io.github.vigil.calendar.Schedule}s that start, stop and
 * freeze supervised processes, and open watch windows for attachments, by those sessions.
 *
 * <p>Everything here uses {@code java.time} only. {@link io.github.vigil.calendar.TradingCalendar}
 * loads from a small text format (see the class javadoc and core's README) or a builder;
 * {@link io.github.vigil.calendar.TradingSupervision} applies schedules to a
 * {@link io.github.vigil.Supervisor} through its public API.
 */
@NullMarked
package io.github.vigil.calendar;

import org.jspecify.annotations.NullMarked;
