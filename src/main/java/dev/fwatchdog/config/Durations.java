package dev.fwatchdog.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as of-watchdog writes them: a bare number of seconds, or Go's syntax ("500ms", "1m30s", "2h"). */
public final class Durations {

    private static final Pattern BARE_SECONDS = Pattern.compile("\\d+");
    private static final Pattern GO_DURATION = Pattern.compile("((\\d+\\.?\\d*|\\.\\d+)(ns|us|µs|ms|s|m|h))+");
    private static final Pattern GO_PART = Pattern.compile("(\\d+\\.?\\d*|\\.\\d+)(ns|us|µs|ms|s|m|h)");

    private Durations() {
    }

    /** Parses a duration setting; a negative or malformed value is an {@link InvalidSettingException}. */
    public static Duration parse(String variable, String value) {
        String text = value.trim();
        try {
            if (BARE_SECONDS.matcher(text).matches()) {
                return Duration.ofSeconds(Long.parseLong(text));
            }
        } catch (NumberFormatException tooLarge) {
            // falls through to the error below
        }
        return goDuration(text).orElseThrow(
                () -> InvalidSettingException.of(variable, value, "a duration like 10s or a number of seconds"));
    }

    /** Go's duration syntax only ("500ms", "1m30s"), as Go's time.ParseDuration reads it; empty when it is not. */
    public static Optional<Duration> goDuration(String text) {
        if (!GO_DURATION.matcher(text).matches()) {
            return Optional.empty();
        }
        try {
            BigDecimal nanos = BigDecimal.ZERO;
            Matcher part = GO_PART.matcher(text);
            while (part.find()) {
                nanos = nanos.add(new BigDecimal(part.group(1)).multiply(BigDecimal.valueOf(nanosPer(part.group(2)))));
            }
            return Optional.of(Duration.ofNanos(nanos.longValueExact()));
        } catch (ArithmeticException | NumberFormatException tooLarge) {
            return Optional.empty();
        }
    }

    /** Formats like Go's time.Duration.String(), so the startup lines read as of-watchdog's. */
    public static String format(Duration duration) {
        long nanos = duration.toNanos();
        if (nanos == 0) {
            return "0s";
        }
        if (nanos < 1_000_000_000L) {
            if (nanos < 1_000L) {
                return nanos + "ns";
            }
            if (nanos < 1_000_000L) {
                return decimal(nanos, 1_000L) + "µs";
            }
            return decimal(nanos, 1_000_000L) + "ms";
        }
        long hours = duration.toHours();
        int minutes = duration.toMinutesPart();
        String seconds = decimal(nanos % 60_000_000_000L, 1_000_000_000L) + "s";
        if (hours > 0) {
            return hours + "h" + minutes + "m" + seconds;
        }
        return minutes > 0 ? minutes + "m" + seconds : seconds;
    }

    private static final long[] POWERS_OF_TEN = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000,
        100_000_000, 1_000_000_000};

    /**
     * Nanoseconds as seconds with {@code decimals} (0 to 9) decimal places, rounded half up: {@code 0.0017}. Built by
     * hand, as it is written for every call (X-Duration-Seconds, the request log): String.format and BigDecimal cost
     * more.
     */
    public static String seconds(long nanos, int decimals) {
        long step = POWERS_OF_TEN[9 - decimals];
        long units = (Math.max(0, nanos) + step / 2) / step;
        long unit = POWERS_OF_TEN[decimals];
        StringBuilder text = new StringBuilder(20).append(units / unit);
        if (decimals > 0) {
            String fraction = Long.toString(units % unit);
            text.append('.').repeat('0', decimals - fraction.length()).append(fraction);
        }
        return text.toString();
    }

    private static String decimal(long value, long unit) {
        return BigDecimal.valueOf(value).divide(BigDecimal.valueOf(unit)).stripTrailingZeros().toPlainString();
    }

    private static long nanosPer(String unit) {
        return switch (unit) {
            case "ns" -> 1L;
            case "us", "µs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            default -> 3_600_000_000_000L;
        };
    }
}
